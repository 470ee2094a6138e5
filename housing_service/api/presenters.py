"""How records look to the person asking: a confidential address only for those who need it."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from marshmallow import Schema
from sqlalchemy import select

from ..extensions import db
from ..models import Client, Hold, Placement, Referral, Site, TransitionPlan
from ..request_context import now
from ..services import addresses, placements, plans
from ..services.access import knows_who_is_arriving, works_case
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


def present_site(site: Site | Any, actor: Actor) -> dict[str, Any]:
    """A site as this person may see it: a confidential address (all its parts) only for the
    site's own staff and admins."""
    shown = present_site_columns(site)
    if addresses.on_lists(actor, site) is None:
        shown.update(dict.fromkeys(("address", *ADDRESS_PARTS)))
    return shown


def present_hold(hold: Hold, actor: Actor) -> dict[str, Any]:
    """A hold; a confidential address only as services/addresses.py allows (and recorded)."""
    site = hold.site
    address = addresses.for_hold(actor, hold, now())
    known = knows_who_is_arriving(actor, hold)
    return {
        **columns(hold, HoldSchema),
        "client_id": hold.client_id if known else None,
        "client": hold.client if known else referred_household(hold.referral),
        "space_label": hold.space.label,
        "site_name": site.name,
        "confidential": site.confidential,
        "address": address.address,
        "address_withheld_because": address.withheld_because,
        "referral_mode": site.referral_mode,
        "ends_on": hold.booking.ends_on,
        "placement_id": hold.placement.id if hold.placement else None,
    }


def referred_household(referral: Referral) -> dict[str, Any]:
    """What a screened site accepted: the household from the referral, no record's code."""
    return {
        "code": None,
        "household_size": referral.household_size,
        "accessibility_needs": referral.accessibility_needs,
        "languages": referral.languages,
        "has_pets": referral.has_pets,
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
