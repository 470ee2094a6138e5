"""How records look to the person asking: a confidential address only for those who need it."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from marshmallow import Schema
from sqlalchemy import select

from ..extensions import db
from ..models import Client, Hold, Placement, Site, TransitionPlan
from ..request_context import now
from ..services import placements, plans
from ..services.access import may_see_address, works_case
from ..services.actor import Actor
from ..services.inventory import ADDRESS_PARTS
from ..vocabulary import EXIT_DESTINATIONS
from .schemas_inventory import SiteSchema
from .schemas_plans import PlanSchema
from .schemas_stays import ClientSchema, HoldSchema, PlacementSchema


@cache
def _field_names(schema: type[Schema]) -> tuple[str, ...]:
    # Building a schema is costly (a third of a millisecond): read its field names once.
    return tuple(schema().fields)


def columns(record: object, schema: type[Schema]) -> dict[str, Any]:
    """The record's attributes that the response schema names (presenters add the rest)."""
    return {name: getattr(record, name) for name in _field_names(schema) if hasattr(record, name)}


def present_site_columns(site: Site | Any) -> dict[str, Any]:
    """A site's fields as the schema shows them, address included: callers decide on it."""
    return {
        **columns(site, SiteSchema),
        "organisation_name": site.organisation.name,
        "area_name": site.area.name,
        "languages": list(site.language_codes),
    }


def present_site(site: Site | Any, actor: Actor, holds_bed_here: bool = False) -> dict[str, Any]:
    """A site as this person may see it: a confidential address only for those who need it."""
    shown = present_site_columns(site)
    if not may_see_address(actor, site, holds_bed_here):
        shown.update(dict.fromkeys(("address", *ADDRESS_PARTS)))
    return shown


def present_hold(hold: Hold, actor: Actor) -> dict[str, Any]:
    """A hold; the address shows for the advocate holding it (and the site's own staff)."""
    site = hold.site
    reserving = hold.held_by_id == actor.user_id and hold.is_current(now())
    return {
        **columns(hold, HoldSchema),
        "client": hold.client,
        "space_label": hold.space.label,
        "site_name": site.name,
        "confidential": site.confidential,
        "address": site.address if may_see_address(actor, site, reserving) else None,
        "ends_on": hold.booking.ends_on,
        "placement_id": hold.placement.id if hold.placement else None,
    }


def present_plan(plan: TransitionPlan) -> dict[str, Any]:
    return {
        **columns(plan, PlanSchema),
        "chosen_site_name": plan.chosen_site.name if plan.chosen_site else None,
    }


def present_placement(placement: Placement, on: date, actor: Actor) -> dict[str, Any]:
    """A stay; its transition plan only for the survivor's case team (not the site's staff)."""
    progress = placements.progress(placement, on)
    plan = plans.plan_of(placement) if works_case(actor, placement.client) else None
    return {
        **columns(placement, PlacementSchema),
        "client": placement.client,
        "space_label": placement.space.label,
        "site_name": placement.site.name,
        "destination_label": EXIT_DESTINATIONS.get(placement.destination) if placement.destination else None,
        "next_placement_id": placement.next_placement.id if placement.next_placement else None,
        "day": progress.day,
        "limit_days": progress.limit_days,
        "days_left": progress.days_left,
        "plan": present_plan(plan) if plan else None,
    }


def present_client(client: Client, on: date) -> dict[str, Any]:
    current = db.session.scalar(
        select(Placement).where(Placement.client_id == client.id, Placement.exited_on.is_(None))
    )
    stay = None
    if current is not None:
        progress = placements.progress(current, on)
        stay = {
            "placement_id": current.id,
            "site_id": current.site_id,
            "site_name": current.site.name,
            "tier": current.tier,
            "starts_on": current.starts_on,
            "ends_on": current.expected_end_on,
            "day": progress.day,
            "limit_days": progress.limit_days,
            "days_left": progress.days_left,
        }
    return {
        **columns(client, ClientSchema),
        "team_user_ids": [member.user_id for member in client.team],
        "current_stay": stay,
    }
