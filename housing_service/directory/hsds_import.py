"""Bringing a 211 system's directory in: HSDS 3.1 services, with their organisations and
locations, become sites, through the same dry run and apply as an inventory file.

Each service at a location becomes one site (a service with no location, one site without an
address), keyed by the HSDS ids so that a second import of the directory updates rather than
duplicates. HSDS says nothing of what the coalition's matching needs (tier, households,
genders, ages, substance use policy): the person importing gives those for the whole document.
Each service is checked against HSDS's compiled service schema first; one that fails it is
refused, naming the field and the rule.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask_babel import format_number, gettext
from jsonschema import Draft202012Validator, FormatChecker

from ..errors import InvalidInput
from ..services.access import require_admin
from ..services.actor import Actor
from ..vocabulary import AgeGroup, Gender, HouseholdType, SubstanceUsePolicy, Tier
from .inventory_columns import COLUMN_NAMES, LIST_SEPARATOR
from .inventory_import import ImportPlan, Refusal, plan_import
from .inventory_write import ImportResult, apply_planned
from .spreadsheet import LARGEST_FILE_BYTES, LARGEST_ROW_COUNT, Sheet, escape

SCHEMA = Path(__file__).parent / "hsds_schema" / "service_with_definitions.json"
BEDS = frozenset({"bed", "beds"})
UNITS = frozenset({"unit", "units"})


@dataclass(frozen=True)
class Defaults:
    """What HSDS doesn't say and every site needs, given once for the whole document."""

    tier: Tier
    households_served: frozenset[HouseholdType]
    genders_served: frozenset[Gender]
    age_groups_served: frozenset[AgeGroup]
    substance_use_policy: SubstanceUsePolicy
    area: str
    unit_capacity: int = 4

    def as_text(self) -> str:
        return json.dumps(
            {
                "tier": self.tier.value,
                "households_served": sorted(self.households_served),
                "genders_served": sorted(self.genders_served),
                "age_groups_served": sorted(self.age_groups_served),
                "substance_use_policy": self.substance_use_policy.value,
                "area": self.area,
                "unit_capacity": self.unit_capacity,
            },
            sort_keys=True,
        )


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA.read_text()), format_checker=FormatChecker())


def fingerprint(content: bytes, defaults: Defaults) -> str:
    """The document and the defaults together: applying names the dry run it follows."""
    return hashlib.sha256(content + b"\n" + defaults.as_text().encode()).hexdigest()


def _refuse(problem: str) -> InvalidInput:
    return InvalidInput.field("file", problem)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def services_of(file_name: str, content: bytes) -> list[Any]:
    """The services of an HSDS document: a list of services, or a page of them (`contents`)."""
    if len(content) > LARGEST_FILE_BYTES:
        raise _refuse(gettext("%(file)s is larger than 5 MB: split it into several files.", file=file_name))
    try:
        document = json.loads(content.decode("utf-8-sig"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _refuse(gettext("%(file)s is not JSON in UTF-8.", file=file_name)) from None
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        document = document["contents"]
    elif isinstance(document, dict) and "id" in document:
        document = [document]
    if not isinstance(document, list) or not document:
        raise _refuse(
            gettext(
                "%(file)s holds no services: give a list of HSDS services or a page of them.", file=file_name
            )
        )
    if len(document) > LARGEST_ROW_COUNT:
        raise _refuse(
            gettext(
                "%(file)s has more than %(most)s services: split it.",
                file=file_name,
                most=format_number(LARGEST_ROW_COUNT),
            )
        )
    return document


def _schema_problems(service: Any) -> list[tuple[str, str]]:
    errors = sorted(_validator().iter_errors(service), key=lambda e: list(e.absolute_path))
    return [(".".join(map(str, e.absolute_path)) or "(service)", e.message[:300]) for e in errors[:5]]


def _first(records: Any, key: str = "") -> Any:
    if isinstance(records, list) and records:
        return records[0].get(key) if key else records[0]
    return None


def _capacity(service: dict[str, Any], names: frozenset[str]) -> int:
    for capacity in service.get("capacities") or []:
        unit = capacity.get("unit") or {}
        if str(unit.get("name", "")).strip().lower() in names:
            count = capacity.get("maximum", capacity.get("available", 0)) or 0
            # Beyond what a site may have, the import's own rule refuses it (0–1,000).
            return int(count) if 0 <= count <= 1_000_000 else 1_000_001
    return 0


def _intake_hours(service: dict[str, Any]) -> str:
    schedule = _first(service.get("schedules")) or {}
    if schedule.get("description"):
        return str(schedule["description"])
    if schedule.get("opens_at") and schedule.get("closes_at"):
        days = f"{schedule['byday']} " if schedule.get("byday") else ""
        return f"{days}{schedule['opens_at']}–{schedule['closes_at']}"
    return ""


def _rows(service: dict[str, Any], defaults: Defaults) -> list[dict[str, str]]:
    """One inventory row per location the service is offered at (or one without a location)."""
    organization = service.get("organization") or {}
    at_locations = service.get("service_at_locations") or [{"id": service["id"], "location": {}}]
    rows = []
    for at_location in at_locations:
        location = at_location.get("location") or {}
        address = (
            next((a for a in location.get("addresses") or [] if a.get("address_type") == "physical"), None)
            or _first(location.get("addresses"))
            or {}
        )
        name = location.get("name") or service.get("name", "")
        if len(at_locations) > 1 and location.get("name") and service.get("name"):
            name = f"{service['name']} at {location['name']}"
        beds = _capacity(service, BEDS)
        units = _capacity(service, UNITS)
        accessibility = location.get("accessibility") or []
        notes = "; ".join(entry["description"] for entry in accessibility if entry.get("description"))
        rows.append(
            {
                "organisation": organization.get("name", ""),
                "organisation_external_id": f"hsds:{organization['id']}" if organization.get("id") else "",
                "site_external_id": f"hsds:{at_location.get('id') or service['id']}",
                "site": name,
                "tier": defaults.tier.value,
                "area": defaults.area,
                # A directory lists places people may go to: none of them is a confidential shelter.
                "confidential": "no",
                "street_address": address.get("address_1", ""),
                "city": address.get("city", ""),
                "state": address.get("state_province", ""),
                "postal_code": address.get("postal_code", ""),
                "households_served": LIST_SEPARATOR.join(sorted(defaults.households_served)),
                "genders_served": LIST_SEPARATOR.join(sorted(defaults.genders_served)),
                "age_groups_served": LIST_SEPARATOR.join(sorted(defaults.age_groups_served)),
                "languages": LIST_SEPARATOR.join(
                    sorted({lang["code"] for lang in service.get("languages") or [] if lang.get("code")})
                ),
                "substance_use_policy": defaults.substance_use_policy.value,
                "intake_hours": _intake_hours(service),
                "contact": _first(service.get("phones"), "number") or service.get("email") or "",
                "accessibility_notes": notes,
                "beds": str(beds),
                "units": str(units),
                "unit_capacity": str(defaults.unit_capacity) if units else "",
            }
        )
    return rows


def plan_hsds_import(actor: Actor, file_name: str, content: bytes, defaults: Defaults) -> ImportPlan:
    """The dry run of an HSDS document: schema problems first, then the inventory import's own."""
    require_admin(actor)
    services = services_of(file_name, content)
    refusals, lines = [], []
    for number, service in enumerate(services, start=1):
        problems = _schema_problems(service)
        if problems:
            refusals += [Refusal(number, f"service.{path}", reason) for path, reason in problems]
            continue
        for row in _rows(service, defaults):
            # Values are text to keep, never formulas: escaped as the export escapes them.
            lines.append((number, {name: escape(str(row.get(name, ""))) for name in COLUMN_NAMES}))
    sheet = Sheet(file_name, COLUMN_NAMES, tuple(lines))
    plan = plan_import(actor, sheet, fingerprint(content, defaults))
    plan.rows = len(services)
    plan.refusals = sorted(refusals + plan.refusals, key=lambda refusal: refusal.row)
    return plan


def apply_hsds_import(
    actor: Actor, file_name: str, content: bytes, defaults: Defaults, dry_run_fingerprint: str, now: datetime
) -> ImportResult:
    """Import the document of a dry run, all or nothing (a service failing its schema refuses it all)."""
    return apply_planned(
        actor,
        lambda: plan_hsds_import(actor, file_name, content, defaults),
        fingerprint(content, defaults),
        dry_run_fingerprint,
        now,
        "directory.hsds_import",
    )
