"""The public directory in Open Referral HSDS 3.1: organisations, one service per site's
programme, its location, phones, languages, intake hours, accessibility and tonight's capacity.

Confidential sites are never in it: not as a location, not in a count, not as a gap in a
sequence. Every id is a UUIDv5 derived from a secret namespace (HSDS_ID_SECRET) and the
record, so ids are stable across requests and releases, and nobody can enumerate the
database ids behind them to find the ones the directory leaves out.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Organisation, Site, Space
from ..services.availability import space_is_free
from ..vocabulary import AgeGroup, Gender, HouseholdType, SpaceFeature, SpaceKind, Tier

HSDS_VERSION = "3.1"
TIER_WORDS = {
    Tier.EMERGENCY: "Emergency shelter",
    Tier.TRANSITIONAL: "Transitional housing",
    Tier.LONG_TERM: "Long-term housing",
}
HOUSEHOLD_WORDS = {
    HouseholdType.SINGLE_ADULTS: "adults on their own",
    HouseholdType.ADULTS_WITH_CHILDREN: "families with children",
    HouseholdType.MINORS_ONLY: "young people under 18 on their own",
}
PHONE = re.compile(r"^\+?[\d\s().-]{7,20}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"


def namespace(secret: str) -> uuid.UUID:
    """The coalition's id namespace: derived from a secret, so ids can't be enumerated."""
    digest = hmac.new(secret.encode(), b"hsds-3.1 ids", hashlib.sha256).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


@dataclass(frozen=True)
class Directory:
    """Every public record of the feed, built once; the API pages through these lists."""

    organizations: list[dict[str, Any]]
    services: list[dict[str, Any]]  # full: with organization, locations, phones, capacities…
    locations: list[dict[str, Any]]


class _Ids:
    def __init__(self, space: uuid.UUID) -> None:
        self.space = space

    def __call__(self, *parts: object) -> str:
        return str(uuid.uuid5(self.space, "/".join(map(str, parts))))


def build_directory(secret: str, today: date, timezone_offset_hours: float) -> Directory:
    """The directory as of tonight (`today` in the coalition's time zone)."""
    ids = _Ids(namespace(secret))
    sites = list(
        db.session.scalars(
            select(Site)
            .where(Site.active, Site.confidential.is_(False))
            .options(selectinload(Site.languages), selectinload(Site.organisation), selectinload(Site.spaces))
        )
    )
    capacity = _capacity_tonight([site.id for site in sites], today)
    hotlines = list(
        db.session.scalars(select(Organisation).where(Organisation.confidential_services_phone.is_not(None)))
    )
    organisations = {site.organisation.id: site.organisation for site in sites}
    organisations.update({organisation.id: organisation for organisation in hotlines})
    organizations = {o.id: _organization(ids, o) for o in organisations.values()}

    services, locations = [], []
    for site in sites:
        location = _location(ids, site)
        service = _service(ids, site, capacity.get(site.id, {}), timezone_offset_hours)
        service["organization"] = organizations[site.organisation_id]
        service["service_at_locations"] = [
            {"id": ids("service_at_location", site.id), "service_id": service["id"],
             "location_id": location["id"], "location": location}
        ]  # fmt: skip
        services.append(service)
        locations.append(location)
    for organisation in hotlines:
        service = _confidential_services(ids, organisation)
        service["organization"] = organizations[organisation.id]
        services.append(service)
    by_id = lambda record: record["id"]  # noqa: E731 - the one order of every list: opaque ids
    return Directory(
        organizations=sorted(organizations.values(), key=by_id),
        services=sorted(services, key=by_id),
        locations=sorted(locations, key=by_id),
    )


def _capacity_tonight(site_ids: list[int], today: date) -> dict[int, dict[SpaceKind, tuple[int, int]]]:
    """(free tonight, in service) beds and units per site."""
    if not site_ids:
        return {}
    free = space_is_free(today, today + timedelta(days=1), today)
    query = (
        select(Space.site_id, Space.kind, func.count(), func.sum(case((free, 1), else_=0)))
        .where(Space.site_id.in_(site_ids), Space.in_service)
        .group_by(Space.site_id, Space.kind)
    )
    counts: dict[int, dict[SpaceKind, tuple[int, int]]] = {}
    for site_id, kind, in_service, available in db.session.execute(query):
        counts.setdefault(site_id, {})[kind] = (int(available or 0), int(in_service))
    return counts


def _organization(ids: _Ids, organisation: Organisation) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": ids("organization", organisation.id),
        "name": organisation.name,
        "description": f"{organisation.name}: housing for survivors of human trafficking.",
    }
    return record


def _phones(ids: _Ids, owner: str, owner_id: str, contact: str, **links: str) -> list[dict[str, Any]]:
    if not PHONE.match(contact.strip()):
        return []
    return [{"id": ids("phone", owner, owner_id), "number": contact.strip(), **links}]


def _languages(ids: _Ids, owner: str, site: Site, **links: str) -> list[dict[str, Any]]:
    return [
        {"id": ids("language", owner, site.id, code), "code": code, **links} for code in site.language_codes
    ]


def _eligibility(site: Site) -> str:
    households = [HOUSEHOLD_WORDS[h] for h in HouseholdType if h in site.households_served]
    genders = [g.value for g in Gender if g in site.genders_served]
    ages = [a.value for a in AgeGroup if a in site.age_groups_served]
    return (
        f"Survivors of human trafficking: {', '.join(households)}. "
        f"Genders: {', '.join(genders)}. Ages: {', '.join(ages)}."
    )


def _service(
    ids: _Ids, site: Site, capacity: dict[SpaceKind, tuple[int, int]], offset_hours: float
) -> dict[str, Any]:
    service_id = ids("service", site.id)
    service: dict[str, Any] = {
        "id": service_id,
        "organization_id": ids("organization", site.organisation_id),
        "name": f"{site.name}: {TIER_WORDS[site.tier]}",
        "description": f"{TIER_WORDS[site.tier]} for survivors of human trafficking.",
        "status": "active",
        "eligibility_description": _eligibility(site),
        "last_modified": _timestamp(site.updated_at),
        "phones": _phones(ids, "service", site.id, site.contact, service_id=service_id),
        "languages": _languages(ids, "service", site, service_id=service_id),
        "schedules": _intake_schedules(ids, site, service_id, offset_hours),
        "capacities": _capacities(ids, site, service_id, capacity),
    }
    if site.age_groups_served == frozenset({AgeGroup.ADULT}):
        service["minimum_age"] = 18
    if site.age_groups_served == frozenset({AgeGroup.MINOR}):
        service["maximum_age"] = 17
    if EMAIL.match(site.contact.strip()):
        service["email"] = site.contact.strip()
    return service


def _intake_schedules(ids: _Ids, site: Site, service_id: str, offset_hours: float) -> list[dict[str, Any]]:
    if site.intake_24_hours:
        offset = _offset(offset_hours)
        return [
            {
                "id": ids("schedule", site.id),
                "service_id": service_id,
                "freq": "WEEKLY",
                "byday": EVERY_DAY,
                "opens_at": f"00:00{offset}",
                "closes_at": f"23:59{offset}",
                "description": "Intake open day and night.",
            }
        ]
    if site.intake_hours.strip():
        return [{"id": ids("schedule", site.id), "service_id": service_id, "description": site.intake_hours}]
    return []


def _offset(hours: float) -> str:
    sign = "+" if hours >= 0 else "-"
    minutes = round(abs(hours) * 60)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


UNITS = {SpaceKind.BED: "Bed", SpaceKind.UNIT: "Unit"}
UNIT_WORDS = {
    SpaceKind.BED: "Beds (one person each) free tonight.",
    SpaceKind.UNIT: "Units (one household each) free tonight.",
}


def unit(ids: _Ids, kind: SpaceKind) -> dict[str, Any]:
    return {"id": ids("unit", kind.value), "name": UNITS[kind]}


def _capacities(
    ids: _Ids, site: Site, service_id: str, capacity: dict[SpaceKind, tuple[int, int]]
) -> list[dict[str, Any]]:
    """Beds and units free tonight, as of the site's last confirmation (none if never confirmed)."""
    if site.availability_confirmed_at is None:
        return []
    records = []
    for kind in SpaceKind:
        if kind not in capacity:
            continue
        available, maximum = capacity[kind]
        records.append(
            {
                "id": ids("service_capacity", site.id, kind.value),
                "service_id": service_id,
                "unit": unit(ids, kind),
                "available": available,
                "maximum": maximum,
                "description": UNIT_WORDS[kind],
                "updated": _timestamp(site.availability_confirmed_at),
            }
        )
    return records


def _timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _location(ids: _Ids, site: Site) -> dict[str, Any]:
    location_id = ids("location", site.id)
    location: dict[str, Any] = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": ids("organization", site.organisation_id),
        "name": site.name,
        "languages": _languages(ids, "location", site, location_id=location_id),
        "phones": _phones(ids, "location", site.id, site.contact, location_id=location_id),
        "addresses": [],
        "accessibility": [],
    }
    # HSDS needs every part of an address; a site without them is listed without one.
    if site.street_address and site.city and site.state and site.postal_code:
        location["addresses"] = [
            {
                "id": ids("address", site.id),
                "location_id": location_id,
                "address_1": site.street_address,
                "city": site.city,
                "state_province": site.state,
                "postal_code": site.postal_code,
                "country": "US",
                "address_type": "physical",
            }
        ]
    accessible = sum(1 for space in site.spaces if SpaceFeature.WHEELCHAIR_ACCESSIBLE in space.features)
    if site.accessibility_notes.strip() or accessible:
        entry: dict[str, Any] = {"id": ids("accessibility", site.id), "location_id": location_id}
        if site.accessibility_notes.strip():
            entry["description"] = site.accessibility_notes.strip()
        if accessible:
            entry["details"] = f"{accessible} wheelchair-accessible beds or units."
        location["accessibility"] = [entry]
    return location


def _confidential_services(ids: _Ids, organisation: Organisation) -> dict[str, Any]:
    """The one public trace of an organisation's confidential shelters, when it asks for one."""
    service_id = ids("service", "confidential", organisation.id)
    phone = organisation.confidential_services_phone or ""
    return {
        "id": service_id,
        "organization_id": ids("organization", organisation.id),
        "name": f"{organisation.name}: confidential housing",
        "description": (
            "This organisation also runs confidential housing for survivors of human trafficking. "
            "Call the hotline for a safe referral."
        ),
        "status": "active",
        "phones": [
            {"id": ids("phone", "confidential", organisation.id), "number": phone, "service_id": service_id}
        ],
    }
