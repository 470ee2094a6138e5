"""One row of the inventory file, read and checked cell by cell: the site it describes, its
organisation, and how many beds and units it has. The first problem refuses the row, naming
its column and the rule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..vocabulary import AgeGroup, Gender, HouseholdType, SubstanceUsePolicy, Tier
from . import inventory_columns as columns
from .spreadsheet import looks_like_formula, unescape

YES, NO = frozenset({"yes", "y", "true", "1"}), frozenset({"no", "n", "false", "0"})
STATE = re.compile(r"^[A-Z]{2}$")
POSTAL_CODE = re.compile(r"^\d{5}(-\d{4})?$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
PHONE = re.compile(r"^\+?[\d\s().-]{7,20}$")
TEXT_LIMITS = {
    "organisation": 200, "site": 200, "area": 120, "street_address": 200, "city": 100,
    "intake_hours": 200, "contact": 300, "accessibility_notes": 1000,
    "organisation_external_id": 100, "site_external_id": 100, "confidential_services_phone": 20,
}  # fmt: skip


class RowRefused(Exception):
    """A cell the import can't take: its column and the rule it breaks."""

    def __init__(self, column: str, reason: str) -> None:
        self.column, self.reason = column, reason


@dataclass
class SiteRow:
    """A row, read and checked: the site it describes, its organisation, its beds and units."""

    number: int
    organisation: str
    organisation_external_id: str | None
    victim_service_provider: bool | None
    hotline: str | None  # the organisation's confidential_services_phone
    hotline_given: bool  # the file has the column (a blank cell then clears it)
    site_external_id: str | None
    name: str
    area: str | None
    values: dict[str, Any]  # the site's columns the file has, by model attribute
    beds: int
    units: int
    unit_capacity: int | None


def _cell(row: dict[str, str], name: str) -> str:
    raw = row.get(name, "")
    if looks_like_formula(raw.lstrip()):
        raise RowRefused(name, f"starts with {raw.lstrip()[0]!r}, which a spreadsheet runs as a formula.")
    text = " ".join(unescape(raw.strip()).split()) if name != "accessibility_notes" else unescape(raw.strip())
    limit = TEXT_LIMITS.get(name)
    if limit is not None and len(text) > limit:
        raise RowRefused(name, f"is longer than {limit} characters.")
    return text


def _yes_no(row: dict[str, str], name: str, blank: bool | None) -> bool | None:
    text = _cell(row, name).lower()
    if not text:
        return blank
    if text in YES:
        return True
    if text in NO:
        return False
    raise RowRefused(name, f"{text!r} is not yes or no.")


def _whole(row: dict[str, str], name: str, lowest: int, highest: int) -> int | None:
    text = _cell(row, name)
    if not text:
        return None
    if not text.isdigit() or not lowest <= int(text) <= highest:
        raise RowRefused(name, f"{text!r} is not a whole number from {lowest} to {highest:,}.")
    return int(text)


def _choice(row: dict[str, str], name: str, enum: type) -> Any:
    text = _cell(row, name).lower()
    try:
        return enum(text)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise RowRefused(name, f"{text!r} is not one of: {allowed}.") from None


def _choices(row: dict[str, str], name: str, enum: type) -> frozenset[Any]:
    parts = [part for part in re.split(r"[|,;]", _cell(row, name).lower()) if part.strip()]
    if not parts:
        raise RowRefused(name, "Give at least one.")
    chosen = set()
    for part in parts:
        try:
            chosen.add(enum(part.strip()))
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            raise RowRefused(name, f"{part.strip()!r} is not one of: {allowed}.") from None
    return frozenset(chosen)


def _languages(row: dict[str, str]) -> tuple[str, ...]:
    codes = {part.strip() for part in re.split(r"[|,; ]", _cell(row, "languages").lower()) if part.strip()}
    if bad := sorted(code for code in codes if not LANGUAGE.match(code)):
        raise RowRefused("languages", f"{bad[0]!r} is not an ISO 639 code such as 'es'.")
    return tuple(sorted(codes))


def _optional_text(row: dict[str, str], name: str, pattern: re.Pattern[str] | None, rule: str) -> str | None:
    text = _cell(row, name)
    if pattern is not None and text and not pattern.match(text):
        raise RowRefused(name, f"{text!r}: {rule}")
    return text or None


def read_row(number: int, row: dict[str, str], present: frozenset[str]) -> SiteRow:
    """A row's values, checked one cell at a time; the first problem refuses the row."""
    for name in columns.REQUIRED_COLUMNS:
        if name not in ("beds", "units") and not _cell(row, name):
            raise RowRefused(name, "is required.")
    tier = _choice(row, "tier", Tier)
    values: dict[str, Any] = {
        "tier": tier,
        "confidential": _yes_no(row, "confidential", None),
        "households_served": _choices(row, "households_served", HouseholdType),
        "genders_served": _choices(row, "genders_served", Gender),
        "age_groups_served": _choices(row, "age_groups_served", AgeGroup),
        "substance_use_policy": _choice(row, "substance_use_policy", SubstanceUsePolicy),
    }
    optional = {
        "hud_project_type": lambda: _whole(row, "hud_project_type", 0, 13),
        "stay_limit_days": lambda: _whole(row, "stay_limit_days", 1, 3650),
        "hold_window_hours": lambda: _whole(row, "hold_window_hours", 1, 72),
        "street_address": lambda: _optional_text(row, "street_address", None, ""),
        "city": lambda: _optional_text(row, "city", None, ""),
        "state": lambda: _optional_text(row, "state", STATE, "a state is two capital letters, e.g. CA."),
        "postal_code": lambda: _optional_text(
            row, "postal_code", POSTAL_CODE, "a ZIP code is five digits, or ZIP+4 (12345-6789)."
        ),
        "languages": lambda: _languages(row),
        "pets_allowed": lambda: _yes_no(row, "pets_allowed", False),
        "intake_24_hours": lambda: _yes_no(row, "intake_24_hours", False),
        "intake_hours": lambda: _cell(row, "intake_hours"),
        "contact": lambda: _cell(row, "contact"),
        "accessibility_notes": lambda: _cell(row, "accessibility_notes"),
    }
    for name, read in optional.items():
        if name in present:
            values[name] = read()
    _check_tier_rules(values)
    units = _whole(row, "units", 0, columns.LARGEST_SPACE_COUNT)
    beds = _whole(row, "beds", 0, columns.LARGEST_SPACE_COUNT)
    if beds is None or units is None:
        raise RowRefused("beds" if beds is None else "units", "is required (0 for none).")
    unit_capacity = (
        _whole(row, "unit_capacity", 1, columns.LARGEST_UNIT_CAPACITY) if "unit_capacity" in present else None
    )
    if units and unit_capacity is None:
        raise RowRefused("unit_capacity", "Say how many people a unit houses.")
    return SiteRow(
        number=number,
        organisation=_cell(row, "organisation"),
        organisation_external_id=_cell(row, "organisation_external_id") or None,
        victim_service_provider=_yes_no(row, "victim_service_provider", None),
        hotline=_optional_text(
            row,
            "confidential_services_phone",
            PHONE,
            "a phone number: digits, spaces, ( ) . - and a leading +.",
        ),
        hotline_given="confidential_services_phone" in present,
        site_external_id=_cell(row, "site_external_id") or None,
        name=_cell(row, "site"),
        area=_cell(row, "area"),
        values=values,
        beds=beds,
        units=units,
        unit_capacity=unit_capacity if units else None,
    )


def _check_tier_rules(values: dict[str, Any]) -> None:
    tier: Tier = values["tier"]
    hud_type = values.get("hud_project_type")
    if hud_type is not None and hud_type not in tier.hud_project_types:
        allowed = ", ".join(map(str, sorted(tier.hud_project_types)))
        raise RowRefused("hud_project_type", f"a {tier.value} site has HUD project type {allowed}.")
    if tier == Tier.LONG_TERM and values.get("stay_limit_days") is not None:
        raise RowRefused("stay_limit_days", "long-term housing has no stay limit: leave it empty.")
