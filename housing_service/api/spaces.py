"""Beds and units, and partners keeping their availability current."""

from __future__ import annotations

from typing import Any

from ..models import AvailabilityConfirmation, Space
from ..services import inventory
from ..services.inventory import HistoryEntry, ServiceChange
from .common import Blueprint, PageArgs, acting, now, page_of, paginate
from .inventory import require_site_visible
from .schemas_inventory import (
    ConfirmationCreateSchema,
    ConfirmationSchema,
    HistoryEntrySchema,
    SpaceCreateSchema,
    SpaceSchema,
    SpaceUpdateSchema,
)

blp = Blueprint("spaces", __name__, description="Beds and units, and their availability")


@blp.route("/sites/<int:site_id>/spaces", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(SpaceSchema))
def list_spaces(args: dict[str, Any], site_id: int) -> dict[str, Any]:
    """A site's beds and units, in and out of service."""
    site = inventory.get_site(site_id)
    require_site_visible(acting(), site)
    return paginate(list(site.spaces), args)


@blp.route("/sites/<int:site_id>/spaces", methods=["POST"])
@blp.arguments(SpaceCreateSchema)
@blp.response(201, SpaceSchema)
def add_space(data: dict[str, Any], site_id: int) -> Space:
    """Add a bed (one person) or a unit (one household) to a site."""
    return inventory.add_space(acting(), inventory.get_site(site_id), data, now())


@blp.route("/spaces/<int:space_id>", methods=["GET"])
@blp.response(200, SpaceSchema)
def get_space(space_id: int) -> Space:
    """One bed or unit."""
    space = inventory.get_space(space_id)
    require_site_visible(acting(), space.site)
    return space


@blp.route("/spaces/<int:space_id>", methods=["PATCH"])
@blp.arguments(SpaceUpdateSchema)
@blp.response(200, SpaceSchema)
def update_space(changes: dict[str, Any], space_id: int) -> Space:
    """Relabel, change capacity or features, or take in or out of service (with a reason)."""
    return inventory.update_space(acting(), inventory.get_space(space_id), changes, now())


@blp.route("/sites/<int:site_id>/availability-confirmations", methods=["POST"])
@blp.arguments(ConfirmationCreateSchema)
@blp.response(201, ConfirmationSchema)
def confirm_availability(data: dict[str, Any], site_id: int) -> AvailabilityConfirmation:
    """Apply in/out-of-service changes and confirm the site's availability, in one call."""
    changes = [ServiceChange(c["space_id"], c["in_service"], c.get("reason")) for c in data["changes"]]
    return inventory.confirm_availability(acting(), inventory.get_site(site_id), changes, now())


@blp.route("/sites/<int:site_id>/availability-history", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(HistoryEntrySchema))
def availability_history(args: dict[str, Any], site_id: int) -> dict[str, Any]:
    """Who confirmed or changed the site's availability, and when (newest first)."""
    entries: list[HistoryEntry] = inventory.availability_history(acting(), inventory.get_site(site_id))
    return paginate(entries, args)
