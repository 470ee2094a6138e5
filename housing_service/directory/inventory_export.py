"""The inventory as the import's own CSV: admins get every site, partners their organisation's.

The same columns as the template, so that a partner can download, edit and import again.
A confidential site's address is in it: the file goes only to the people who manage the
site (admins, its own staff), like the site's page.
"""

from __future__ import annotations

from collections import defaultdict
from enum import Enum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Organisation, Role, Site, Space
from ..services import audit
from ..services.access import require_role
from ..services.actor import Actor
from ..vocabulary import SpaceKind
from .inventory_columns import COLUMN_NAMES, COLUMNS, LIST_SEPARATOR
from .spreadsheet import write_csv


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _listed(values: frozenset[Any], enum: type[Enum]) -> str:
    return LIST_SEPARATOR.join(member.value for member in enum if member in values)


def export_inventory(actor: Actor) -> str:
    """The inventory file of the sites this person manages."""
    require_role(actor, Role.PARTNER)
    query = (
        select(Site)
        .join(Organisation)
        .where(Site.active)
        .options(selectinload(Site.languages), selectinload(Site.organisation), selectinload(Site.area))
        .order_by(func.lower(Organisation.name), func.lower(Site.name), Site.id)
    )
    if not actor.is_admin:
        query = query.where(Site.organisation_id == actor.organisation_id)
    sites = list(db.session.scalars(query))
    spaces = _space_summary([site.id for site in sites])
    rows = [_row(site, spaces.get(site.id, (0, 0, None))) for site in sites]
    audit.record(actor, "inventory.export", "export", None, {"sites": len(rows)})
    return write_csv(list(COLUMN_NAMES), rows)


def _space_summary(site_ids: list[int]) -> dict[int, tuple[int, int, int | None]]:
    counts: dict[int, list[Any]] = defaultdict(lambda: [0, 0, None])
    if not site_ids:
        return {}
    query = (
        select(Space.site_id, Space.kind, func.count(), func.max(Space.capacity))
        .where(Space.site_id.in_(site_ids))
        .group_by(Space.site_id, Space.kind)
    )
    for site_id, kind, count, largest in db.session.execute(query):
        if kind == SpaceKind.BED:
            counts[site_id][0] = count
        else:
            counts[site_id][1], counts[site_id][2] = count, largest
    return {site_id: (beds, units, capacity) for site_id, (beds, units, capacity) in counts.items()}


def _row(site: Site, spaces: tuple[int, int, int | None]) -> list[str]:
    from ..vocabulary import AgeGroup, Gender, HouseholdType

    beds, units, unit_capacity = spaces
    organisation = site.organisation
    return [
        organisation.name,
        organisation.external_id or "",
        _yes_no(organisation.victim_service_provider),
        organisation.confidential_services_phone or "",
        site.external_id or "",
        site.name,
        site.tier.value,
        str(site.hud_project_type),
        "" if site.stay_limit_days is None else str(site.stay_limit_days),
        site.area.name,
        _yes_no(site.confidential),
        site.street_address or "",
        site.city or "",
        site.state or "",
        site.postal_code or "",
        _listed(site.households_served, HouseholdType),
        _listed(site.genders_served, Gender),
        _listed(site.age_groups_served, AgeGroup),
        LIST_SEPARATOR.join(site.language_codes),
        site.substance_use_policy.value,
        _yes_no(site.pets_allowed),
        _yes_no(site.intake_24_hours),
        site.intake_hours,
        site.contact,
        site.accessibility_notes,
        str(site.hold_window_hours),
        str(beds),
        str(units),
        "" if unit_capacity is None else str(unit_capacity),
    ]


def template() -> str:
    """The file's header and one example row, for a coalition to fill in."""
    return write_csv(list(COLUMN_NAMES), [[column.example for column in COLUMNS]])
