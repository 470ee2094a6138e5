"""The bed board: where a household can sleep, from a date, with its needs and its safety plan."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Response, current_app, jsonify
from marshmallow import Schema, fields, validate

from ..models import Role
from ..services import addresses, availability
from ..services.access import require_role
from ..services.inventory import require_areas_exist
from ..vocabulary import AgeGroup, Gender, SpaceFeature, SpaceKind, Tier
from .common import A_PAGE, AN_ID, Blueprint, EnumList, StrictSchema, WholeNumber, acting, now, today
from .presenters import present_site_columns
from .schemas_inventory import SiteSchema

blp = Blueprint("availability", __name__, description="Bed search")


class AvailabilityArgs(StrictSchema):
    starts_on = fields.Date(metadata={"description": "First night (default: tonight)."})
    ends_on = fields.Date(
        metadata={
            "description": "The morning the stay ends. Default: the site's stay limit (what a hold books)."
        }
    )
    tier = fields.Enum(Tier, by_value=True)
    adults = WholeNumber(load_default=1, validate=validate.Range(min=0, max=20))
    children = WholeNumber(load_default=0, validate=validate.Range(min=0, max=20))
    gender = fields.Enum(Gender, by_value=True)
    age_group = fields.Enum(AgeGroup, by_value=True)
    language = fields.String(
        validate=validate.Regexp(r"^[a-z]{2,3}$", error="Use an ISO 639 code such as 'es'.")
    )
    needs = EnumList(SpaceFeature, metadata={"description": "Repeat the parameter for several needs."})
    pets = fields.Boolean(load_default=False, metadata={"description": "The household has a pet."})
    avoid_area = fields.List(WholeNumber(validate=AN_ID), metadata={"description": "Area ids to leave out."})
    page = WholeNumber(load_default=1, validate=A_PAGE)
    per_page = WholeNumber(load_default=20, validate=validate.Range(min=1, max=100))


class FreeSpaceSchema(Schema):
    id = WholeNumber()
    label = fields.String()
    kind = fields.Enum(SpaceKind, by_value=True)
    capacity = WholeNumber()
    features = EnumList(SpaceFeature)


class SiteAvailabilitySchema(Schema):
    site = fields.Nested(SiteSchema)
    free_beds = WholeNumber()
    free_units = WholeNumber()
    free_spaces = fields.List(fields.Nested(FreeSpaceSchema))
    free_from = fields.Date()
    free_until = fields.Date(allow_none=True, metadata={"description": "Null: open-ended."})
    confirmed_hours_ago = fields.Float(allow_none=True)
    availability_stale = fields.Boolean()


class AvailabilityPageSchema(Schema):
    items = fields.List(fields.Nested(SiteAvailabilitySchema))
    page = WholeNumber()
    per_page = WholeNumber()
    has_more = fields.Boolean(
        metadata={"description": "Another page follows. No total: counting costs a look at every site."}
    )


@blp.route("/availability", methods=["GET"])
@blp.arguments(AvailabilityArgs, location="query")
@blp.response(200, AvailabilityPageSchema)
def search(args: dict[str, Any]) -> Response:
    """Sites with beds or units free for a household, the most recently confirmed first.

    Counts are derived from holds and stays for the nights asked, never kept as a counter.
    """
    actor = acting()
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    avoid = frozenset(args.get("avoid_area", ()))
    require_areas_exist("avoid_area", avoid)
    starts_on = args.get("starts_on") or today()
    query = availability.AvailabilityQuery(
        starts_on=starts_on,
        ends_on=args.get("ends_on"),
        tier=args.get("tier"),
        household=availability.Household(args["adults"], args["children"]),
        gender=args.get("gender"),
        age_group=args.get("age_group"),
        language=args.get("language"),
        needs=frozenset(args.get("needs", ())),
        pets=args["pets"],
        avoid_area_ids=avoid,
        page=args["page"],
        per_page=args["per_page"],
    )
    moment = now()
    result = availability.search(actor, query, today(), moment)
    stale_after = current_app.config["STALE_AVAILABILITY_HOURS"]
    items = []
    for item in result.items:
        entry = _dumped_entry(availability.BoardEntry(item.site, item.free_spaces, item.free_until))
        hours = availability.freshness_hours(item.site.availability_confirmed_at, moment)
        items.append(
            {
                **entry,
                "site": {**entry["site"], "address": addresses.on_lists(actor, item.site)},
                "free_from": starts_on.isoformat(),
                "confirmed_hours_ago": hours,
                "availability_stale": hours is None or hours > stale_after,
            }
        )
    # Already in the shape of AvailabilityPageSchema: the entries were dumped by it once.
    return jsonify(
        {"items": items, "has_more": result.has_more, "page": result.page, "per_page": result.per_page}
    )


_ENTRY_SCHEMA = SiteAvailabilitySchema(exclude=("free_from", "confirmed_hours_ago", "availability_stale"))


@lru_cache(maxsize=4096)
def _dumped_entry(entry: availability.BoardEntry) -> dict[str, Any]:
    """A board entry as JSON, the same for everyone (the address and freshness are per request)."""
    free_beds = sum(1 for space in entry.free_spaces if space.kind == SpaceKind.BED)
    return _ENTRY_SCHEMA.dump(
        {
            "site": {**present_site_columns(entry.site), "address": None},
            "free_beds": free_beds,
            "free_units": len(entry.free_spaces) - free_beds,
            "free_spaces": entry.free_spaces,
            "free_until": entry.free_until,
        }
    )
