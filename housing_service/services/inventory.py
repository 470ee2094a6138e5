"""Organisations, areas, sites, beds and units, and keeping their availability current."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..db import savepoint
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..models import (
    Area,
    AvailabilityConfirmation,
    Organisation,
    Placement,
    Site,
    SiteFunder,
    SiteLanguage,
    Space,
    SpaceStatusChange,
)
from ..vocabulary import FUNDER_NEEDING_TEXT, FUNDERS, HMIS_PARTICIPATING, ReferralMode, SpaceKind, Tier
from . import audit
from .access import require_admin, require_site_manager
from .actor import Actor
from .flags import resolve_freshness_flags

# Fields a partner may change on their own organisation's site; the rest are admins'.
PARTNER_EDITABLE_SITE_FIELDS = frozenset(
    {
        "address",
        "street_address",
        "city",
        "state",
        "postal_code",
        "households_served",
        "genders_served",
        "age_groups_served",
        "min_age",
        "max_age",
        "languages",
        "accessibility_notes",
        "pets_allowed",
        "substance_use_policy",
        "intake_24_hours",
        "intake_hours",
        "contact",
        "hold_window_hours",
        "referral_response_minutes",
    }
)


def _get(model: type[Any], record_id: int, what: str) -> Any:
    record = db.session.get(model, record_id)
    if record is None:
        raise NotFound(f"No {what} has this id.")
    return record


def get_organisation(organisation_id: int) -> Organisation:
    return _get(Organisation, organisation_id, "organisation")


def get_site(site_id: int) -> Site:
    return _get(Site, site_id, "site")


def get_space(space_id: int) -> Space:
    return _get(Space, space_id, "bed or unit")


def _flush_unique(field: str, message: str, *new_records: object) -> None:
    """Flush (adding `new_records`) in a savepoint; a duplicate name becomes a 409 naming `field`."""
    try:
        with savepoint(db.session):
            db.session.add_all(new_records)
            db.session.flush()
    except IntegrityError as error:
        raise Conflict(message, {field: [message]}) from error


# Organisations and areas -------------------------------------------------------------


def _name(value: str) -> str:
    """A name as people will read it: no stray spaces, and not only spaces."""
    name = " ".join(value.split())
    if not name:
        raise InvalidInput.field("name", "Give a name (spaces alone are not one).")
    return name


def create_organisation(actor: Actor, name: str, victim_service_provider: bool) -> Organisation:
    require_admin(actor)
    organisation = Organisation(name=_name(name), victim_service_provider=victim_service_provider)
    _flush_unique("name", "An organisation with this name already exists.", organisation)
    audit.record(actor, "organisation.create", "organisation", organisation.id)
    return organisation


def update_organisation(actor: Actor, organisation: Organisation, changes: dict[str, Any]) -> Organisation:
    require_admin(actor)
    for field, value in changes.items():
        setattr(organisation, field, _name(value) if field == "name" else value)
    _flush_unique("name", "An organisation with this name already exists.")
    audit.record(actor, "organisation.update", "organisation", organisation.id, {"fields": sorted(changes)})
    return organisation


def list_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def create_area(actor: Actor, name: str) -> Area:
    require_admin(actor)
    area = Area(name=_name(name))
    _flush_unique("name", "An area with this name already exists.", area)
    audit.record(actor, "area.create", "area", area.id)
    return area


def list_areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.name)))


def require_areas_exist(field: str, area_ids: Iterable[int]) -> None:
    """Refuse unknown area ids: a typo in a safety exclusion must never pass silently."""
    wanted = set(area_ids)
    if not wanted:
        return
    known = set(db.session.scalars(select(Area.id).where(Area.id.in_(wanted))))
    if missing := sorted(wanted - known):
        raise InvalidInput.field(field, f"No area has id {', '.join(map(str, missing))}.")


# Sites --------------------------------------------------------------------------------

_DEFAULT_HUD_PROJECT_TYPE = {Tier.EMERGENCY: 0, Tier.TRANSITIONAL: 2, Tier.LONG_TERM: 9}


ADDRESS_PARTS = ("street_address", "city", "state", "postal_code")
EMERGENCY_SHELTER_FIELDS = ("es_bed_type", "bed_availability")


def one_line_address(site: Site) -> str:
    """The structured address as pages show it: "12 Elm St, Oakland, CA 94601"."""
    state_zip = " ".join(part for part in (site.state, site.postal_code) if part)
    return ", ".join(part for part in (site.street_address, site.city, state_zip) if part)


def _apply_site_fields(site: Site, data: dict[str, Any]) -> None:
    for field, value in data.items():
        if field == "languages":
            site.languages = [SiteLanguage(code=code) for code in sorted(set(value))]
        elif field in ("households_served", "genders_served", "age_groups_served"):
            setattr(site, field, frozenset(value))
        elif field in ADDRESS_PARTS:
            setattr(site, field, (value or "").strip() or None)
        else:
            setattr(site, field, value.strip() if type(value) is str else value)
    if any(part in data for part in ADDRESS_PARTS):
        # One address, two forms: the pages' line follows the parts whenever they change.
        site.address = one_line_address(site)


def _check_site(site: Site, given: dict[str, Any]) -> None:
    """Rules that span fields; the schema has already checked each field on its own."""
    if db.session.get(Organisation, site.organisation_id) is None:
        raise InvalidInput.field("organisation_id", "No organisation has this id.")
    if db.session.get(Area, site.area_id) is None:
        raise InvalidInput.field("area_id", "No area has this id.")
    if site.hud_project_type not in site.tier.hud_project_types:
        allowed = ", ".join(map(str, sorted(site.tier.hud_project_types)))
        raise InvalidInput.field(
            "hud_project_type", f"A {site.tier.value} site has HUD project type {allowed}."
        )
    if site.tier == Tier.LONG_TERM and site.stay_limit_days is not None:
        raise InvalidInput.field("stay_limit_days", "Long-term housing has no stay limit.")
    if site.tier != Tier.LONG_TERM and site.stay_limit_days is None:
        if "stay_limit_days" in given:
            raise InvalidInput.field("stay_limit_days", f"A {site.tier.value} site needs a stay limit.")
        site.stay_limit_days = site.tier.default_stay_limit_days
    _check_hud_fields(site, given)
    if not site.households_served:
        raise InvalidInput.field("households_served", "Choose at least one kind of household.")
    if not site.genders_served:
        raise InvalidInput.field("genders_served", "Choose at least one gender.")
    if not site.age_groups_served:
        raise InvalidInput.field("age_groups_served", "Choose at least one age group.")
    if site.min_age is not None and site.max_age is not None and site.min_age > site.max_age:
        raise InvalidInput.field(
            "max_age", f"The oldest age served can't be below the youngest ({site.min_age})."
        )


def _check_hud_fields(site: Site, given: dict[str, Any]) -> None:
    if site.tier != Tier.EMERGENCY:
        for field in EMERGENCY_SHELTER_FIELDS:
            if given.get(field) is not None:
                raise InvalidInput.field(
                    field, "Only emergency shelter has this (HUD's ES bed type and availability)."
                )
            setattr(site, field, None)  # a site moved out of emergency shelter drops them
    if site.operating_start_on and site.operating_end_on and site.operating_end_on < site.operating_start_on:
        raise InvalidInput.field("operating_end_on", "The programme can't stop operating before it starts.")
    organisation = db.session.get(Organisation, site.organisation_id)
    if (
        organisation is not None
        and organisation.victim_service_provider
        and (site.hmis_participation == HMIS_PARTICIPATING)
    ):
        raise InvalidInput.field(
            "hmis_participation",
            "A victim service provider never enters client data in the HMIS: "
            "use 2 (comparable database) or 0 (not participating).",
        )


def create_site(actor: Actor, data: dict[str, Any]) -> Site:
    """Register a housing programme (admins)."""
    require_admin(actor)
    tier = Tier(data["tier"])
    site = Site(
        tier=tier,
        hud_project_type=data.get("hud_project_type", _DEFAULT_HUD_PROJECT_TYPE[tier]),
        stay_limit_days=data.get("stay_limit_days", tier.default_stay_limit_days),
        hold_window_hours=data.get("hold_window_hours", current_app.config["HOLD_WINDOW_HOURS"]),
        # A new confidential site is screened unless said otherwise: its address is then never sent.
        referral_mode=data.get(
            "referral_mode", ReferralMode.SCREENED if data.get("confidential") else ReferralMode.DIRECT
        ),
        referral_response_minutes=data.get(
            "referral_response_minutes", current_app.config["REFERRAL_RESPONSE_MINUTES"]
        ),
    )
    _apply_site_fields(site, {k: v for k, v in data.items() if k not in ("tier",)})
    _check_site(site, data)
    _flush_unique("name", "This organisation already has a site with this name.", site)
    audit.record(actor, "site.create", "site", site.id)
    return site


def update_site(actor: Actor, site: Site, changes: dict[str, Any]) -> Site:
    """Change a site (admins; partners their own organisation's sites, within their fields)."""
    require_site_manager(actor, site)
    if not actor.is_admin and (refused := sorted(set(changes) - PARTNER_EDITABLE_SITE_FIELDS)):
        raise InvalidInput(
            "Only admins may change these fields.",
            {field: ["Only admins may change this."] for field in refused},
        )
    if changes.get("confidential") and not site.confidential and "referral_mode" not in changes:
        # Made confidential: screened, as a new confidential site is, unless said otherwise.
        changes = {**changes, "referral_mode": ReferralMode.SCREENED}
    if "tier" in changes and "stay_limit_days" not in changes:
        changes = {**changes, "stay_limit_days": Tier(changes["tier"]).default_stay_limit_days}
        changes.setdefault("hud_project_type", _DEFAULT_HUD_PROJECT_TYPE[Tier(changes["tier"])])
    # Nothing is written before the checks pass: a bad value must be a 422, not a refused
    # UPDATE (replacing the languages loads the old ones, which would flush the rest first).
    with db.session.no_autoflush:
        _apply_site_fields(site, changes)
        _check_site(site, changes)
    _flush_unique("name", "This organisation already has a site with this name.")
    audit.record(actor, "site.update", "site", site.id, {"fields": sorted(changes)})
    return site


def list_sites(actor: Actor, organisation_id: int | None = None, tier: Tier | None = None) -> list[Site]:
    query = select(Site).where(Site.active).order_by(Site.name, Site.id)
    if organisation_id is not None:
        query = query.where(Site.organisation_id == organisation_id)
    if tier is not None:
        query = query.where(Site.tier == tier)
    return list(db.session.scalars(query))


# Funders ------------------------------------------------------------------------------


def add_funder(actor: Actor, site: Site, data: dict[str, Any]) -> SiteFunder:
    """Record a grant that pays for the site's programme (admins)."""
    require_admin(actor)
    if data["funder"] not in FUNDERS:
        raise InvalidInput.field("funder", "Not a HUD funder code.")
    other = (data.get("other_funder") or "").strip() or None
    if data["funder"] == FUNDER_NEEDING_TEXT and other is None:
        raise InvalidInput.field("other_funder", "Name the funder (e.g. CalOES, OVC).")
    ends_on = data.get("ends_on")
    if ends_on is not None and ends_on < data["starts_on"]:
        raise InvalidInput.field("ends_on", "The grant can't end before it starts.")
    funder = SiteFunder(
        site_id=site.id,
        funder=data["funder"],
        other_funder=other,
        grant_id=(data.get("grant_id") or "").strip() or None,
        starts_on=data["starts_on"],
        ends_on=ends_on,
    )
    db.session.add(funder)
    db.session.flush()
    audit.record(actor, "site.add_funder", "site", site.id, {"funder_id": funder.id})
    return funder


def remove_funder(actor: Actor, site: Site, funder_id: int) -> None:
    """Remove a funder recorded by mistake (admins); an ended grant gets an end date instead."""
    require_admin(actor)
    funder = db.session.get(SiteFunder, funder_id)
    if funder is None or funder.site_id != site.id:
        raise NotFound("This site has no funder with this id.")
    db.session.delete(funder)
    db.session.flush()
    audit.record(actor, "site.remove_funder", "site", site.id, {"funder_id": funder_id})


# Beds and units -----------------------------------------------------------------------


def _check_space(kind: SpaceKind, capacity: int) -> None:
    if kind == SpaceKind.BED and capacity != 1:
        raise InvalidInput.field("capacity", "A bed sleeps one person; use a unit for a household.")


# A 40-bed shelter is added in one go; more than this at once is more likely a typing slip.
MOST_SPACES_AT_ONCE = 100
LARGEST_FIRST_NUMBER = 9999
LABEL_LENGTH = 60


def numbered_labels(name: str, count: int, first_number: int | None) -> list[str]:
    """The labels of `count` new beds or units: 'Bed', 6, 1 → Bed 1 … Bed 6.

    One space without a first number keeps its name as given ('Room A').
    """
    name = " ".join(name.split())
    if not name:
        raise InvalidInput.field("label", "Give a name (spaces alone are not one).")
    if not 1 <= count <= MOST_SPACES_AT_ONCE:
        raise InvalidInput.field("count", f"Add from 1 to {MOST_SPACES_AT_ONCE} at a time.")
    if count == 1 and first_number is None:
        labels = [name]
    else:
        start = 1 if first_number is None else first_number
        if not 0 <= start <= LARGEST_FIRST_NUMBER:
            raise InvalidInput.field("first_number", f"Start from a number from 0 to {LARGEST_FIRST_NUMBER}.")
        labels = [f"{name} {number}" for number in range(start, start + count)]
    if len(labels[-1]) > LABEL_LENGTH:
        raise InvalidInput.field(
            "label", f"“{labels[-1]}” is longer than {LABEL_LENGTH} characters: use a shorter name."
        )
    return labels


def _listing(labels: list[str]) -> str:
    shown = labels[:5] + ([f"{len(labels) - 5} more"] if len(labels) > 5 else [])
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def add_space(actor: Actor, site: Site, data: dict[str, Any], now: datetime) -> Space:
    """Add a bed or unit to a site (admins; partners at their own sites)."""
    return add_spaces(actor, site, data, [data["label"].strip()], now)[0]


def add_spaces(
    actor: Actor, site: Site, data: dict[str, Any], labels: list[str], now: datetime
) -> list[Space]:
    """Add beds or units alike but for their labels, all or none (admins; partners at their own sites)."""
    require_site_manager(actor, site)
    kind = SpaceKind(data["kind"])
    capacity = data.get("capacity", 1)
    _check_space(kind, capacity)
    in_service = data.get("in_service", True)
    reason = data.get("out_of_service_reason")
    if not in_service and not reason:
        raise InvalidInput.field("out_of_service_reason", "Say why it is out of service.")
    existing = set(db.session.scalars(select(Space.label).where(Space.site_id == site.id)))
    taken = [label for label in labels if label in existing]
    if taken:
        message = f"This site already has {_listing(taken)}: choose another name or first number."
        raise Conflict(message, {"label": [message]})
    if len(set(labels)) < len(labels):
        raise InvalidInput.field("label", "Give each bed or unit its own label.")
    spaces = [
        Space(
            site_id=site.id,
            label=label,
            kind=kind,
            capacity=capacity,
            features=frozenset(data.get("features", ())),
            in_service=in_service,
            out_of_service_reason=None if in_service else reason,
        )
        for label in labels
    ]
    # The check above reads; a space added meanwhile by someone else still meets the constraint.
    _flush_unique("label", "This site already has a bed or unit with this label.", *spaces)
    for space in spaces:
        _keep_status_history(actor, space, now)
        audit.record(actor, "space.create", "space", space.id, now=now)
    return spaces


def update_space(actor: Actor, space: Space, changes: dict[str, Any], now: datetime) -> Space:
    """Relabel a space, change its capacity or features, or take it in or out of service."""
    require_site_manager(actor, space.site)
    service_changes = {k: changes.pop(k) for k in ("in_service", "out_of_service_reason") if k in changes}
    if "capacity" in changes:
        _check_space(space.kind, changes["capacity"])
    for field, value in changes.items():
        setattr(space, field, frozenset(value) if field == "features" else value)
    _flush_unique("label", "This site already has a bed or unit with this label.")
    if service_changes:
        set_in_service(
            actor,
            space,
            service_changes.get("in_service", space.in_service),
            service_changes.get("out_of_service_reason"),
            now,
        )
    audit.record(actor, "space.update", "space", space.id, {"fields": sorted(changes)}, now=now)
    return space


def _require_empty_to_close(space: Space, in_service: bool, field: str) -> None:
    """A bed someone sleeps in tonight is not taken out of service from under them."""
    if in_service or not space.in_service:
        return
    occupied = db.session.scalar(
        select(Placement.id).where(Placement.space_id == space.id, Placement.exited_on.is_(None)).limit(1)
    )
    if occupied is not None:
        raise Conflict(
            f"{space.label} is occupied: someone is staying in it. Record their exit or move them to "
            "another bed first, then take it out of service.",
            {field: ["Occupied: record the exit or move the stay first."]},
        )


def set_in_service(actor: Actor, space: Space, in_service: bool, reason: str | None, now: datetime) -> None:
    """Take a space in or out of service; the change is kept in its history."""
    require_site_manager(actor, space.site)
    reason = (reason or "").strip() or None
    if not in_service and reason is None:
        raise InvalidInput.field("out_of_service_reason", "Say why it is out of service.")
    _require_empty_to_close(space, in_service, "in_service")
    if space.in_service == in_service and space.out_of_service_reason == (None if in_service else reason):
        return
    space.in_service = in_service
    space.out_of_service_reason = None if in_service else reason
    _keep_status_history(actor, space, now)
    db.session.flush()
    audit.record(actor, "space.service_status", "space", space.id, {"in_service": in_service}, now=now)


def _keep_status_history(actor: Actor, space: Space, now: datetime) -> None:
    db.session.add(
        SpaceStatusChange(
            space_id=space.id,
            in_service=space.in_service,
            reason=space.out_of_service_reason,
            changed_by_id=actor.user_id,
            changed_at=now,
        )
    )


@dataclass(frozen=True)
class ServiceChange:
    space_id: int
    in_service: bool
    reason: str | None = None


def confirm_availability(
    actor: Actor, site: Site, changes: list[ServiceChange], now: datetime
) -> AvailabilityConfirmation:
    """Apply a partner's in/out-of-service changes and confirm the site's board, in one step."""
    require_site_manager(actor, site)
    spaces = {space.id: space for space in site.spaces}
    for index, change in enumerate(changes):
        if change.space_id not in spaces:
            raise InvalidInput.field(f"changes.{index}.space_id", "Not a bed or unit of this site.")
        if not change.in_service and not (change.reason or "").strip():
            raise InvalidInput.field(f"changes.{index}.reason", "Say why it is out of service.")
        _require_empty_to_close(spaces[change.space_id], change.in_service, f"changes.{index}.in_service")
    for change in changes:
        set_in_service(actor, spaces[change.space_id], change.in_service, change.reason, now)
    confirmation = AvailabilityConfirmation(
        site_id=site.id, confirmed_by_id=actor.user_id, confirmed_at=now, changes=len(changes)
    )
    db.session.add(confirmation)
    site.availability_confirmed_at = now
    site.availability_confirmed_by_id = actor.user_id
    db.session.flush()
    resolve_freshness_flags(now, [site.id])
    audit.record(actor, "site.confirm_availability", "site", site.id, {"changes": len(changes)}, now=now)
    return confirmation


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str  # "confirmed" or "service_status"
    by_user_id: int | None
    space_id: int | None = None
    in_service: bool | None = None
    reason: str | None = None


def availability_history(actor: Actor, site: Site, limit: int = 200) -> list[HistoryEntry]:
    """The site's confirmations and service changes, newest first."""
    require_site_manager(actor, site)
    confirmations = db.session.scalars(
        select(AvailabilityConfirmation)
        .where(AvailabilityConfirmation.site_id == site.id)
        .order_by(AvailabilityConfirmation.confirmed_at.desc())
        .limit(limit)
    )
    status_changes = db.session.scalars(
        select(SpaceStatusChange)
        .join(Space, Space.id == SpaceStatusChange.space_id)
        .where(Space.site_id == site.id)
        .order_by(SpaceStatusChange.changed_at.desc())
        .limit(limit)
    )
    entries = [HistoryEntry(c.confirmed_at, "confirmed", c.confirmed_by_id) for c in confirmations]
    entries += [
        HistoryEntry(c.changed_at, "service_status", c.changed_by_id, c.space_id, c.in_service, c.reason)
        for c in status_changes
    ]
    return sorted(entries, key=lambda e: e.at, reverse=True)[:limit]
