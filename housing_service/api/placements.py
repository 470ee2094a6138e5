"""Stays: walk-ins, extensions, exits; days used and left against the limit."""

from __future__ import annotations

from typing import Any

from ..services import episodes, go_live, inventory, moves, placements
from .common import Blueprint, acting, now, page, page_of, today
from .idempotency import idempotent
from .presenters import present_hold, present_placement
from .schemas_stays import (
    ArrivalsArgs,
    EpisodeSchema,
    ExitSchema,
    ExtensionCreateSchema,
    ExtensionSchema,
    GoLiveStaySchema,
    HoldSchema,
    MoveSchema,
    NewEpisodeSchema,
    PlacementListArgs,
    PlacementSchema,
    WalkInSchema,
)

blp = Blueprint("placements", __name__, description="Stays")


@blp.route("/placements", methods=["GET"])
@blp.arguments(PlacementListArgs, location="query")
@blp.response(200, page_of(PlacementSchema))
def list_placements(args: dict[str, Any]) -> dict[str, Any]:
    """Stays: for case teams their clients', for partners those at their sites."""
    records, total = placements.list_placements(
        acting(),
        current=args.get("current"),
        client_id=args.get("client_id"),
        site_id=args.get("site_id"),
        page=args["page"],
        per_page=args["per_page"],
    )
    on, actor = today(), acting()
    return page([present_placement(p, on, actor) for p in records], total, args)


@blp.route("/placements", methods=["POST"])
@idempotent
@blp.arguments(WalkInSchema)
@blp.response(201, PlacementSchema)
def place_walk_in(data: dict[str, Any]) -> dict[str, Any]:
    """Place someone who arrived without a hold, from tonight (the site's staff)."""
    actor = acting()
    placement = placements.place_walk_in(
        actor,
        space_id=data["space_id"],
        client_id=data.get("client_id"),
        new_client=data.get("client"),
        ends_on=data.get("ends_on"),
        now=now(),
        today=today(),
    )
    return present_placement(placement, today(), actor)


@blp.route("/placements/go-live", methods=["POST"])
@idempotent
@blp.arguments(GoLiveStaySchema)
@blp.response(201, PlacementSchema)
def record_go_live_stay(data: dict[str, Any]) -> dict[str, Any]:
    """Record a stay that began before the coalition used the service, with its real first night.

    Admins, or the site's own staff; with a reason; audited. It may not overlap another stay.
    """
    actor = acting()
    placement = go_live.record_go_live_stay(
        actor,
        space_id=data["space_id"],
        client_id=data.get("client_id"),
        new_client=data.get("client"),
        starts_on=data["starts_on"],
        episode_starts_on=data.get("episode_starts_on"),
        ends_on=data.get("ends_on"),
        reason=data["reason"],
        now=now(),
        today=today(),
    )
    return present_placement(placement, today(), actor)


@blp.route("/placements/<int:placement_id>", methods=["GET"])
@blp.response(200, PlacementSchema)
def get_placement(placement_id: int) -> dict[str, Any]:
    """One stay, with its extensions and the stays before and after it."""
    actor = acting()
    return present_placement(placements.get_placement(actor, placement_id), today(), actor)


@blp.route("/placements/<int:placement_id>/extensions", methods=["POST"])
@blp.arguments(ExtensionCreateSchema)
@blp.response(201, ExtensionSchema)
def extend(data: dict[str, Any], placement_id: int) -> Any:
    """Extend a stay: the new end date, why, and who approved it."""
    actor = acting()
    return placements.extend(
        actor,
        placements.get_placement(actor, placement_id),
        new_end_on=data["new_end_on"],
        reason=data["reason"],
        approved_by=data["approved_by"],
        now=now(),
    )


@blp.route("/placements/<int:placement_id>/exit", methods=["POST"])
@blp.arguments(ExitSchema)
@blp.response(200, PlacementSchema)
def exit_stay(data: dict[str, Any], placement_id: int) -> dict[str, Any]:
    """Record the end of a stay, with its HUD destination; the bed is free from that date."""
    actor = acting()
    placement = placements.exit_stay(
        actor,
        placements.get_placement(actor, placement_id),
        exited_on=data["exited_on"],
        destination=data["destination"],
        subsidy_type=data.get("subsidy_type"),
        destination_text=data.get("destination_text"),
        now=now(),
        today=today(),
    )
    return present_placement(placement, today(), actor)


@blp.route("/placements/<int:placement_id>/move", methods=["POST"])
@idempotent
@blp.arguments(MoveSchema)
@blp.response(201, PlacementSchema)
def move(data: dict[str, Any], placement_id: int) -> dict[str, Any]:
    """Move the survivor to another bed or unit of the same tier from tonight; the episode goes on."""
    actor = acting()
    moved = moves.move(
        actor,
        placements.get_placement(actor, placement_id),
        space_id=data["space_id"],
        reason=data["reason"],
        now=now(),
        today=today(),
    )
    return present_placement(moved, today(), actor)


@blp.route("/placements/<int:placement_id>/undo-check-in", methods=["POST"])
@blp.response(204)
def undo_check_in(placement_id: int) -> None:
    """Take back a check-in made by mistake, within 15 minutes: the hold is held again."""
    actor = acting()
    moves.undo_check_in(actor, placements.get_placement(actor, placement_id), now())


@blp.route("/placements/<int:placement_id>/new-episode", methods=["POST"])
@blp.arguments(NewEpisodeSchema)
@blp.response(200, PlacementSchema)
def start_new_episode(data: dict[str, Any], placement_id: int) -> dict[str, Any]:
    """Start the tier's clock again from this stay's first night, with the reason (case managers)."""
    actor = acting()
    placement = placements.get_placement(actor, placement_id)
    episodes.start_new_episode(actor, placement, data["reason"], now())
    return present_placement(placement, today(), actor)


@blp.route("/new-episodes", methods=["GET"])
@blp.response(200, EpisodeSchema(many=True))
def restarted_episodes() -> Any:
    """Episodes started again with a reason, for reporting (admins; case managers for their clients)."""
    return episodes.restarted_episodes(acting())


@blp.route("/extensions", methods=["GET"])
@blp.response(200, ExtensionSchema(many=True))
def extensions_beyond_limit() -> Any:
    """Extensions past the tier's limit, for reporting (admins; case managers for their clients)."""
    return placements.extensions_beyond_limit(acting())


@blp.route("/sites/<int:site_id>/arrivals", methods=["GET"])
@blp.arguments(ArrivalsArgs, location="query")
@blp.response(200, HoldSchema(many=True))
def arrivals(args: dict[str, Any], site_id: int) -> list[dict[str, Any]]:
    """Who is expected at the site in the next days (the site's staff)."""
    actor = acting()
    expected = placements.arrivals(actor, inventory.get_site(site_id), today(), args["days"])
    return [present_hold(hold, actor) for hold in expected]
