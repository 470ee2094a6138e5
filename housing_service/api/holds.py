"""Holding a bed or unit for a survivor, releasing it, and checking the survivor in."""

from __future__ import annotations

from typing import Any

from ..services import holds, placements
from .common import Blueprint, acting, now, page_of, paginate, today
from .idempotency import idempotent
from .presenters import present_hold, present_placement
from .schemas_stays import HoldCreateSchema, HoldListArgs, HoldSchema, PlacementSchema, ReleaseSchema

blp = Blueprint("holds", __name__, description="Holds: reserving a bed or unit")


@blp.route("/holds", methods=["GET"])
@blp.arguments(HoldListArgs, location="query")
@blp.response(200, page_of(HoldSchema))
def list_holds(args: dict[str, Any]) -> dict[str, Any]:
    """Holds you made or for your clients (partners: at your sites)."""
    actor = acting()
    result = paginate(holds.list_holds(actor, args.get("status"), args.get("site_id")), args)
    result["items"] = [present_hold(hold, actor) for hold in result["items"]]
    return result


def _hold_as_it_stands(kept: dict[str, Any]) -> dict[str, Any]:
    """A replayed hold answer: the hold now (released or past its window: no address)."""
    actor = acting()
    return HoldSchema().dump(present_hold(holds.get_hold(actor, kept["id"]), actor))


@blp.route("/holds", methods=["POST"])
@idempotent(render_again=_hold_as_it_stands)
@blp.arguments(HoldCreateSchema)
@blp.response(201, HoldSchema)
def create_hold(data: dict[str, Any]) -> dict[str, Any]:
    """Hold a bed or unit: for tonight (within the site's window) or from a future date."""
    actor = acting()
    hold = holds.create_hold(
        actor,
        client_id=data["client_id"],
        space_id=data["space_id"],
        starts_on=data.get("starts_on"),
        ends_on=data.get("ends_on"),
        override_reason=data.get("override_reason"),
        now=now(),
        today=today(),
    )
    return present_hold(hold, actor)


@blp.route("/holds/<int:hold_id>", methods=["GET"])
@blp.response(200, HoldSchema)
def get_hold(hold_id: int) -> dict[str, Any]:
    """One hold."""
    actor = acting()
    return present_hold(holds.get_hold(actor, hold_id), actor)


@blp.route("/holds/<int:hold_id>/release", methods=["POST"])
@blp.arguments(ReleaseSchema)
@blp.response(200, HoldSchema)
def release_hold(data: dict[str, Any], hold_id: int) -> dict[str, Any]:
    """Cancel a hold; the bed is free again at once."""
    actor = acting()
    hold = holds.release_hold(actor, holds.get_hold(actor, hold_id), data.get("reason"), now())
    return present_hold(hold, actor)


@blp.route("/holds/<int:hold_id>/check-in", methods=["POST"])
@idempotent
@blp.response(201, PlacementSchema)
def check_in(hold_id: int) -> dict[str, Any]:
    """The survivor arrived: the hold becomes a stay from tonight (the site's staff)."""
    actor = acting()
    placement = placements.check_in(actor, holds.get_hold(actor, hold_id), now(), today())
    return present_placement(placement, today(), actor)
