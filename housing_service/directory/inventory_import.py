"""Moving a coalition's inventory in from a file: a dry run that says what would change, then
the same plan applied in one transaction.

The dry run reads everything it needs in a few queries and writes nothing. Applying plans
again from the same file (never from a stale preview) and writes only when no row is refused:
all or nothing. Rows match existing records by a stable key (an external id, else the
organisation's name and the site's name) and an import never deletes anything.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
from flask import current_app
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, Forbidden, InvalidInput
from ..extensions import db
from ..models import Area, Organisation, Role, Site, SiteLanguage, Space
from ..services import audit, revision
from ..services.access import require_role
from ..services.actor import Actor
from ..services.inventory import PARTNER_EDITABLE_SITE_FIELDS, one_line_address
from ..vocabulary import AgeGroup, Gender, HouseholdType, SpaceKind, SubstanceUsePolicy, Tier
from . import inventory_columns as columns
from .spreadsheet import Sheet, looks_like_formula, unescape

YES, NO = frozenset({"yes", "y", "true", "1"}), frozenset({"no", "n", "false", "0"})
STATE = re.compile(r"^[A-Z]{2}$")
POSTAL_CODE = re.compile(r"^\d{5}(-\d{4})?$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
PHONE = re.compile(r"^\+?[\d\s().-]{7,20}$")
DEFAULT_HUD_PROJECT_TYPE = {Tier.EMERGENCY: 0, Tier.TRANSITIONAL: 2, Tier.LONG_TERM: 9}
TEXT_LIMITS = {
    "organisation": 200, "site": 200, "area": 120, "street_address": 200, "city": 100,
    "intake_hours": 200, "contact": 300, "accessibility_notes": 1000,
    "organisation_external_id": 100, "site_external_id": 100, "confidential_services_phone": 20,
}  # fmt: skip


@dataclass(frozen=True)
class Refusal:
    """One cell (or row) the import can't take, and the rule it breaks."""

    row: int
    column: str
    reason: str


class _RowRefused(Exception):
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


@dataclass
class SitePlan:
    row: SiteRow
    site: Site | None  # None: a new site
    changes: dict[str, Any] = field(default_factory=dict)
    new_beds: int = 0
    new_units: int = 0
    created: Site | None = None  # the new site, once applied

    @property
    def site_id(self) -> int:
        """The site's id: the existing one's, or the new one's once flushed."""
        site = self.site or self.created
        if site is None:
            raise RuntimeError("a new site has no id before it is written")
        return site.id


@dataclass
class ImportPlan:
    """What an import would do; `as_dict` is the dry run's answer."""

    file_name: str
    fingerprint: str
    rows: int
    refusals: list[Refusal] = field(default_factory=list)
    callouts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    new_areas: list[str] = field(default_factory=list)
    new_organisations: dict[str, SiteRow] = field(default_factory=dict)  # by organisation key
    organisation_changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    sites: list[SitePlan] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        created = [plan for plan in self.sites if plan.site is None]
        updated = [
            plan
            for plan in self.sites
            if plan.site is not None and (plan.changes or plan.new_beds or plan.new_units)
        ]
        return {
            "areas_created": len(self.new_areas),
            "organisations_created": len(self.new_organisations),
            "organisations_updated": len(self.organisation_changes),
            "sites_created": len(created),
            "sites_updated": len(updated),
            "sites_unchanged": len(self.sites) - len(created) - len(updated),
            "beds_created": sum(plan.new_beds for plan in self.sites),
            "units_created": sum(plan.new_units for plan in self.sites),
            "rows_refused": len({refusal.row for refusal in self.refusals}),
        }

    @property
    def summary(self) -> str:
        c = self.counts
        return (
            f"Will create {_many(c['sites_created'], 'site')}, {_many(c['beds_created'], 'bed')} and "
            f"{_many(c['units_created'], 'unit')} ({_many(c['organisations_created'], 'new organisation')}, "
            f"{_many(c['areas_created'], 'new area')}); update {c['sites_updated']}, "
            f"leave {c['sites_unchanged']} unchanged; {_many(c['rows_refused'], 'row')} refused."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "fingerprint": self.fingerprint,
            "rows": self.rows,
            "summary": self.summary,
            "counts": self.counts,
            "refusals": [
                {"file": self.file_name, "row": r.row, "column": r.column, "reason": r.reason}
                for r in self.refusals
            ],
            "callouts": self.callouts,
            "notes": self.notes,
        }


def _many(count: int, thing: str) -> str:
    return f"{count} {thing}" if count == 1 else f"{count} {thing}s"


def fingerprint(content: bytes) -> str:
    """The file's sha256: applying names the dry run it follows."""
    return hashlib.sha256(content).hexdigest()


# Reading a row -------------------------------------------------------------------------


def _cell(row: dict[str, str], name: str) -> str:
    raw = row.get(name, "")
    if looks_like_formula(raw.lstrip()):
        raise _RowRefused(name, f"starts with {raw.lstrip()[0]!r}, which a spreadsheet runs as a formula.")
    text = " ".join(unescape(raw.strip()).split()) if name != "accessibility_notes" else unescape(raw.strip())
    limit = TEXT_LIMITS.get(name)
    if limit is not None and len(text) > limit:
        raise _RowRefused(name, f"is longer than {limit} characters.")
    return text


def _yes_no(row: dict[str, str], name: str, blank: bool | None) -> bool | None:
    text = _cell(row, name).lower()
    if not text:
        return blank
    if text in YES:
        return True
    if text in NO:
        return False
    raise _RowRefused(name, f"{text!r} is not yes or no.")


def _whole(row: dict[str, str], name: str, lowest: int, highest: int) -> int | None:
    text = _cell(row, name)
    if not text:
        return None
    if not text.isdigit() or not lowest <= int(text) <= highest:
        raise _RowRefused(name, f"{text!r} is not a whole number from {lowest} to {highest:,}.")
    return int(text)


def _choice(row: dict[str, str], name: str, enum: type) -> Any:
    text = _cell(row, name).lower()
    try:
        return enum(text)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise _RowRefused(name, f"{text!r} is not one of: {allowed}.") from None


def _choices(row: dict[str, str], name: str, enum: type) -> frozenset[Any]:
    parts = [part for part in re.split(r"[|,;]", _cell(row, name).lower()) if part.strip()]
    if not parts:
        raise _RowRefused(name, "Give at least one.")
    chosen = set()
    for part in parts:
        try:
            chosen.add(enum(part.strip()))
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            raise _RowRefused(name, f"{part.strip()!r} is not one of: {allowed}.") from None
    return frozenset(chosen)


def _languages(row: dict[str, str]) -> tuple[str, ...]:
    codes = {part.strip() for part in re.split(r"[|,; ]", _cell(row, "languages").lower()) if part.strip()}
    if bad := sorted(code for code in codes if not LANGUAGE.match(code)):
        raise _RowRefused("languages", f"{bad[0]!r} is not an ISO 639 code such as 'es'.")
    return tuple(sorted(codes))


def _optional_text(row: dict[str, str], name: str, pattern: re.Pattern[str] | None, rule: str) -> str | None:
    text = _cell(row, name)
    if pattern is not None and text and not pattern.match(text):
        raise _RowRefused(name, f"{text!r}: {rule}")
    return text or None


def read_row(number: int, row: dict[str, str], present: frozenset[str]) -> SiteRow:
    """A row's values, checked one cell at a time; the first problem refuses the row."""
    for name in columns.REQUIRED_COLUMNS:
        if name not in ("beds", "units") and not _cell(row, name):
            raise _RowRefused(name, "is required.")
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
        raise _RowRefused("beds" if beds is None else "units", "is required (0 for none).")
    unit_capacity = (
        _whole(row, "unit_capacity", 1, columns.LARGEST_UNIT_CAPACITY) if "unit_capacity" in present else None
    )
    if units and unit_capacity is None:
        raise _RowRefused("unit_capacity", "Say how many people a unit houses.")
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
        raise _RowRefused("hud_project_type", f"a {tier.value} site has HUD project type {allowed}.")
    if tier == Tier.LONG_TERM and values.get("stay_limit_days") is not None:
        raise _RowRefused("stay_limit_days", "long-term housing has no stay limit: leave it empty.")


# Planning ------------------------------------------------------------------------------


def _refuse_file(problem: str) -> InvalidInput:
    return InvalidInput(f"file: {problem}", {"file": [problem]})


def require_importer(actor: Actor) -> None:
    """Admins import any organisation's inventory; partners their own organisation's."""
    require_role(actor, Role.PARTNER)


def plan_import(actor: Actor, sheet: Sheet, content_fingerprint: str) -> ImportPlan:
    """The dry run: what the file would create, update and leave, and every refused row."""
    require_importer(actor)
    present = frozenset(sheet.header)
    if missing := sorted(columns.REQUIRED_COLUMNS - present):
        raise _refuse_file(f"{sheet.file_name} has no column {', '.join(missing)} (see the template).")
    if unknown := sorted(name for name in present if name and name not in columns.COLUMN_NAMES):
        raise _refuse_file(f"{sheet.file_name} has columns the import doesn't know: {', '.join(unknown)}.")
    plan = ImportPlan(sheet.file_name, content_fingerprint, len(sheet.rows))
    rows = []
    for number, cells in sheet.rows:
        try:
            rows.append(read_row(number, cells, present))
        except _RowRefused as refused:
            plan.refusals.append(Refusal(number, refused.column, refused.reason))
    _Matcher(actor, plan).match(rows)
    plan.refusals.sort(key=lambda refusal: refusal.row)
    return plan


class _Matcher:
    """Rows to the records they name, read in a few queries."""

    def __init__(self, actor: Actor, plan: ImportPlan) -> None:
        self.actor, self.plan = actor, plan
        organisations = list(db.session.scalars(select(Organisation)))
        self.organisations_by_key = {o.external_id: o for o in organisations if o.external_id}
        self.organisations_by_name = {o.name.lower(): o for o in organisations}
        sites = list(db.session.scalars(select(Site)))
        self.sites_by_key = {s.external_id: s for s in sites if s.external_id}
        self.sites_by_name = {(s.organisation_id, s.name.lower()): s for s in sites}
        self.areas = {a.name.lower(): a for a in db.session.scalars(select(Area))}
        self.spaces = _space_counts()
        self.new_names: dict[str, SiteRow] = {}

    def match(self, rows: list[SiteRow]) -> None:
        seen_sites: dict[Any, int] = {}
        named_sites: dict[tuple[str, str], int] = {}
        organisation_rows: dict[str, SiteRow] = {}
        for row in rows:
            try:
                organisation_key = self._organisation(row, organisation_rows)
                site_key = (
                    ("id", row.site_external_id)
                    if row.site_external_id
                    else (organisation_key, row.name.lower())
                )
                if site_key in seen_sites:
                    column = "site_external_id" if row.site_external_id else "site"
                    raise _RowRefused(
                        column, f"the same site as row {seen_sites[site_key]}: one row per site."
                    )
                seen_sites[site_key] = row.number
                if (organisation_key, row.name.lower()) in named_sites:
                    first = named_sites[(organisation_key, row.name.lower())]
                    raise _RowRefused("site", f"the same name as row {first} in the same organisation.")
                named_sites[(organisation_key, row.name.lower())] = row.number
                self._site(row, organisation_key)
            except _RowRefused as refused:
                self.plan.refusals.append(Refusal(row.number, refused.column, refused.reason))

    def _organisation(self, row: SiteRow, organisation_rows: dict[str, SiteRow]) -> str:
        """The organisation's key in this file; plans its creation or change once."""
        existing = None
        if row.organisation_external_id:
            existing = self.organisations_by_key.get(row.organisation_external_id)
        if existing is None:
            existing = self.organisations_by_name.get(row.organisation.lower())
            if existing is not None and not self.actor.is_admin and existing.id != self.actor.organisation_id:
                raise _RowRefused("organisation", "you may import only your own organisation's sites.")
            if existing is not None and row.organisation_external_id and existing.external_id:
                raise _RowRefused(
                    "organisation",
                    f"{row.organisation!r} already has the external id {existing.external_id!r}.",
                )
        key = f"id:{existing.id}" if existing is not None else _new_organisation_key(row)
        if key in organisation_rows:
            first = organisation_rows[key]
            if first.organisation != row.organisation:
                raise _RowRefused(
                    "organisation",
                    f"names it {row.organisation!r}, row {first.number} {first.organisation!r}.",
                )
            if None not in (first.victim_service_provider, row.victim_service_provider) and (
                first.victim_service_provider != row.victim_service_provider
            ):
                raise _RowRefused(
                    "victim_service_provider", f"differs from row {first.number} for the same organisation."
                )
            if row.hotline_given and row.hotline != first.hotline:
                raise _RowRefused(
                    "confidential_services_phone",
                    f"differs from row {first.number} for the same organisation.",
                )
            return key
        if existing is None and (clash := self.new_names.get(row.organisation.lower())) is not None:
            raise _RowRefused(
                "organisation", f"the same name as row {clash.number}, with another external id."
            )
        organisation_rows[key] = row
        if existing is None:
            self.new_names[row.organisation.lower()] = row
            if not self.actor.is_admin:
                raise _RowRefused("organisation", "only admins may add organisations.")
            self.plan.new_organisations[key] = row
            return key
        if not self.actor.is_admin and existing.id != self.actor.organisation_id:
            raise _RowRefused("organisation", "you may import only your own organisation's sites.")
        changes: dict[str, Any] = {}
        if existing.name != row.organisation:
            changes["name"] = row.organisation
        if row.organisation_external_id and existing.external_id != row.organisation_external_id:
            changes["external_id"] = row.organisation_external_id
        if (
            row.victim_service_provider is not None
            and row.victim_service_provider != existing.victim_service_provider
        ):
            changes["victim_service_provider"] = row.victim_service_provider
        if row.hotline_given and row.hotline != existing.confidential_services_phone:
            changes["confidential_services_phone"] = row.hotline
        if changes:
            if not self.actor.is_admin:
                raise _RowRefused(
                    sorted(changes)[0] if "name" not in changes else "organisation",
                    "only admins may change an organisation.",
                )
            self.plan.organisation_changes[existing.id] = changes
        return key

    def _site(self, row: SiteRow, organisation_key: str) -> None:
        organisation_id = int(organisation_key[3:]) if organisation_key.startswith("id:") else None
        site = self.sites_by_key.get(row.site_external_id) if row.site_external_id else None
        if site is None and organisation_id is not None:
            site = self.sites_by_name.get((organisation_id, row.name.lower()))
            if site is not None and row.site_external_id and site.external_id:
                raise _RowRefused("site", f"{row.name!r} already has the external id {site.external_id!r}.")
        if (site is not None and organisation_id is not None and site.organisation_id != organisation_id) or (
            site is None and organisation_id is None and row.site_external_id in self.sites_by_key
        ):
            reason = "belongs to a site of another organisation."
            raise _RowRefused(
                "site_external_id", reason if self.actor.is_admin else "no site of yours has it."
            )
        area_changes = self._area(row, site)
        if site is None:
            if not self.actor.is_admin:
                raise _RowRefused("site", "no site of yours has this name: only admins may add sites.")
            self.plan.sites.append(SitePlan(row, None, new_beds=row.beds, new_units=row.units))
            return
        changes = {**area_changes, **_site_changes(site, row)}
        if not self.actor.is_admin and (refused := sorted(set(changes) - PARTNER_EDITABLE_SITE_FIELDS)):
            raise _RowRefused(refused[0], "only admins may change this.")
        for name, label in (("confidential", "confidential"), ("tier", "tier")):
            if name in changes:
                before = getattr(site, name)
                self.plan.callouts.append(
                    f"Row {row.number}: {site.name!r} changes {label} from "
                    f"{_shown(before)} to {_shown(changes[name])}."
                )
        beds, units = self.spaces.get(site.id, (0, 0))
        plan = SitePlan(row, site, changes, max(row.beds - beds, 0), max(row.units - units, 0))
        for kind, has, wants in (("beds", beds, row.beds), ("units", units, row.units)):
            if wants < has:
                self.plan.notes.append(
                    f"Row {row.number}: {site.name!r} keeps its {has} {kind} (the file says {wants}): "
                    "an import never removes beds or units; take them out of service on the site's page."
                )
        self.plan.sites.append(plan)

    def _area(self, row: SiteRow, site: Site | None) -> dict[str, Any]:
        area = self.areas.get((row.area or "").lower())
        if area is None:
            if not self.actor.is_admin:
                raise _RowRefused("area", f"no area is named {row.area!r}: only admins may add areas.")
            if row.area and row.area.lower() not in {name.lower() for name in self.plan.new_areas}:
                self.plan.new_areas.append(row.area)
            return {"area_id": row.area} if site is not None else {}
        if site is not None and site.area_id != area.id:
            return {"area_id": area.id}
        return {}


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(getattr(value, "value", value))


def _space_counts() -> dict[int, tuple[int, int]]:
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    query = select(Space.site_id, Space.kind, func.count()).group_by(Space.site_id, Space.kind)
    for site_id, kind, count in db.session.execute(query):
        counts[site_id][0 if kind == SpaceKind.BED else 1] = count
    return {site_id: (beds, units) for site_id, (beds, units) in counts.items()}


def _resolved(site: Site | None, row: SiteRow) -> dict[str, Any]:
    """The row's site values with blank optional cells filled as the import fills them."""
    values = dict(row.values)
    tier: Tier = values["tier"]
    tier_kept = site is not None and site.tier == tier
    if values.get("hud_project_type") is None:
        values["hud_project_type"] = (
            site.hud_project_type if tier_kept and site is not None else DEFAULT_HUD_PROJECT_TYPE[tier]
        )
    if tier == Tier.LONG_TERM:
        values["stay_limit_days"] = None
    elif values.get("stay_limit_days") is None:
        values["stay_limit_days"] = (
            site.stay_limit_days if tier_kept and site is not None else tier.default_stay_limit_days
        )
    if values.get("hold_window_hours") is None:
        values["hold_window_hours"] = (
            site.hold_window_hours if site is not None else current_app.config["HOLD_WINDOW_HOURS"]
        )
    if site is None:
        for name in ("pets_allowed", "intake_24_hours"):
            values.setdefault(name, False)
        for name in ("intake_hours", "contact", "accessibility_notes"):
            values.setdefault(name, "")
        values.setdefault("languages", ())
    return values


def _site_changes(site: Site, row: SiteRow) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if site.name != row.name:
        changes["name"] = row.name
    if row.site_external_id and site.external_id != row.site_external_id:
        changes["external_id"] = row.site_external_id
    for name, value in _resolved(site, row).items():
        current = tuple(site.language_codes) if name == "languages" else getattr(site, name)
        if current != value:
            changes[name] = value
    return changes


# Applying ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    counts: dict[str, int]
    summary: str


def apply_import(
    actor: Actor, sheet: Sheet, content_fingerprint: str, dry_run_fingerprint: str, now: datetime
) -> ImportResult:
    """Plan again from the file and write it all, or refuse it all; flushes, never commits."""
    return apply_planned(
        actor,
        lambda: plan_import(actor, sheet, content_fingerprint),
        content_fingerprint,
        dry_run_fingerprint,
        now,
    )


def apply_planned(
    actor: Actor,
    make_plan: Callable[[], ImportPlan],
    content_fingerprint: str,
    dry_run_fingerprint: str,
    now: datetime,
    action: str = "inventory.import",
) -> ImportResult:
    """Write what `make_plan` plans (after taking the import's turn), or refuse it all."""
    if dry_run_fingerprint != content_fingerprint:
        raise InvalidInput.field(
            "fingerprint", "This is not the file of the dry run: run the dry run on this file first."
        )
    _one_import_at_a_time()
    plan = make_plan()
    if plan.refusals:
        errors: dict[str, list[str]] = defaultdict(list)
        for refusal in plan.refusals:
            errors[f"row {refusal.row}: {refusal.column}"].append(refusal.reason)
        raise InvalidInput(
            f"{plan.file_name}: {len(plan.refusals)} problems; nothing was imported. Fix them, try again.",
            dict(errors),
        )
    try:
        _write(actor, plan, now)
    except (IntegrityError, psycopg.errors.IntegrityError) as error:
        raise Conflict(
            "The inventory changed while this import ran; nothing was imported. Run the dry run again.",
            {"file": ["Changed by someone else meanwhile."]},
        ) from error
    audit.record(actor, action, "import", None, {"file": plan.fingerprint[:16], **plan.counts}, now=now)
    return ImportResult(plan.counts, plan.summary.replace("Will create", "Created", 1))


IMPORT_LOCK_ID = 7_460_016  # pg advisory lock id: one inventory import at a time


def _one_import_at_a_time() -> None:
    """Imports take turns (PostgreSQL; SQLite writes one at a time anyway): the second of two
    imports of one file plans after the first has committed, and finds its rows there."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": IMPORT_LOCK_ID})


def _write(actor: Actor, plan: ImportPlan, now: datetime) -> None:
    if not actor.is_admin and (plan.new_areas or plan.new_organisations):
        raise Forbidden("Only admins may add areas or organisations.")
    areas = {area.name.lower(): area for area in db.session.scalars(select(Area))}
    for name in plan.new_areas:
        areas[name.lower()] = Area(name=name)
        db.session.add(areas[name.lower()])
    organisations: dict[str, Organisation] = {}
    for key, row in plan.new_organisations.items():
        organisations[key] = Organisation(
            name=row.organisation,
            external_id=row.organisation_external_id,
            victim_service_provider=bool(row.victim_service_provider),
            confidential_services_phone=row.hotline,
        )
        db.session.add(organisations[key])
    for organisation_id, changes in plan.organisation_changes.items():
        organisation = db.session.get(Organisation, organisation_id)
        for name, value in changes.items():
            setattr(organisation, name, value)
    db.session.flush()
    for site_plan in plan.sites:
        row = site_plan.row
        if site_plan.site is None:
            organisation = organisations.get(_new_organisation_key(row)) or _existing_organisation(row)
            site = Site(organisation_id=organisation.id, name=row.name, external_id=row.site_external_id)
            site.area = areas[(row.area or "").lower()]
            _set_values(site, _resolved(None, row))
            db.session.add(site)
            site_plan.created = site
        elif site_plan.changes:
            changes = dict(site_plan.changes)
            if isinstance(changes.get("area_id"), str):
                changes["area_id"] = areas[changes["area_id"].lower()].id
            _set_values(site_plan.site, changes)
            site_plan.site.updated_at = now
    db.session.flush()
    _add_spaces(plan, now)
    revision.mark_changed()


def _new_organisation_key(row: SiteRow) -> str:
    return f"new:{(row.organisation_external_id or row.organisation.lower())}"


def _existing_organisation(row: SiteRow) -> Organisation:
    if row.organisation_external_id:
        found = db.session.scalar(
            select(Organisation).where(Organisation.external_id == row.organisation_external_id)
        )
        if found is not None:
            return found
    return db.session.scalars(
        select(Organisation).where(func.lower(Organisation.name) == row.organisation.lower())
    ).one()


def _set_values(site: Site, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "languages":
            site.languages = [SiteLanguage(code=code) for code in value]
        else:
            setattr(site, name, value)
    if any(part in values for part in ("street_address", "city", "state", "postal_code")):
        site.address = one_line_address(site)


def _add_spaces(plan: ImportPlan, now: datetime) -> None:
    """Beds "Bed 1", "Bed 2" … and units "Unit 1" …, numbered past the labels a site has."""
    growing = [p for p in plan.sites if p.new_beds or p.new_units]
    if not growing:
        return
    site_ids = [p.site.id for p in growing if p.site is not None]
    taken: dict[int, set[str]] = defaultdict(set)
    if site_ids:
        for site_id, label in db.session.execute(
            select(Space.site_id, Space.label).where(Space.site_id.in_(site_ids))
        ):
            taken[site_id].add(label.lower())
    new_rows = []
    for site_plan in growing:
        site_id = site_plan.site_id
        for kind, count, capacity in (
            (SpaceKind.BED, site_plan.new_beds, 1),
            (SpaceKind.UNIT, site_plan.new_units, site_plan.row.unit_capacity or 1),
        ):
            number = 0
            for _ in range(count):
                number += 1
                while f"{kind.value} {number}" in taken[site_id]:
                    number += 1
                new_rows.append(
                    {
                        "site_id": site_id,
                        "label": f"{kind.value.capitalize()} {number}",
                        "kind": kind,
                        "capacity": capacity,
                        "features": frozenset(),
                        "in_service": True,
                        "created_at": now,
                    }
                )
    _insert_spaces(new_rows)


SPACE_COLUMNS = ("site_id", "label", "kind", "capacity", "features", "in_service", "created_at")


def _insert_spaces(rows: list[dict[str, Any]]) -> None:
    """Tens of thousands of rows: PostgreSQL's COPY (in this transaction, every constraint
    checked), ten times quicker than INSERTs; SQLite gets one executemany."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(Space.__table__), rows)
        return
    features = Space.__table__.c.features.type
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY spaces ({', '.join(SPACE_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            stored = {**row, "kind": row["kind"].value, "features": features.mask(row["features"])}
            copy.write_row(tuple(stored[column] for column in SPACE_COLUMNS))
