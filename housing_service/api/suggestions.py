"""Next-tier suggestions with their reasons, the survivor's decisions, and holding a choice."""

from __future__ import annotations

from typing import Any

from ..matching import Suggestion
from ..models import Placement
from ..services import placements, plans, suggestions
from .common import Blueprint, PageArgs, acting, now, page, page_of, today
from .idempotency import idempotent
from .presenters import present_hold
from .schemas_plans import DecisionCreateSchema, DecisionSchema, HoldSuggestionSchema, SuggestionSchema
from .schemas_stays import HoldSchema

blp = Blueprint(
    "suggestions", __name__, description="Next-tier suggestions; a person chooses with the survivor"
)


def present_suggestion(placement: Placement, suggestion: Suggestion) -> dict[str, Any]:
    return {
        "placement_id": suggestion.placement_id,
        "client_code": placement.client.code,
        "action": suggestion.action,
        "current_tier": suggestion.current_tier,
        "target_tier": suggestion.target_tier,
        "move_by": suggestion.move_by,
        "plan_from": suggestion.plan_from,
        "explanation": suggestion.explanation,
        "candidates": suggestion.candidates,
        "excluded": dict(suggestion.excluded),
        "excluded_text": suggestion.excluded_text,
    }


@blp.route("/placements/<int:placement_id>/suggestions", methods=["GET"])
@blp.response(200, SuggestionSchema)
def for_placement(placement_id: int) -> dict[str, Any]:
    """The suggested next tier, move-by date and places that fit, with reasons met and missed."""
    actor = acting()
    placement = placements.get_placement(actor, placement_id)
    return present_suggestion(placement, suggestions.suggest_for_placement(actor, placement, today(), now()))


@blp.route("/suggestions", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(SuggestionSchema))
def for_caseload(args: dict[str, Any]) -> dict[str, Any]:
    """Suggestions for every current stay on your caseload, soonest move first."""
    pairs, total = suggestions.suggest_for_caseload(acting(), today(), now(), args["page"], args["per_page"])
    return page([present_suggestion(p, s) for p, s in pairs], total, args)


@blp.route("/placements/<int:placement_id>/decisions", methods=["POST"])
@blp.arguments(DecisionCreateSchema)
@blp.response(201, DecisionSchema)
def record_decision(data: dict[str, Any], placement_id: int) -> Any:
    """Record the survivor's decision on a suggested place: chosen, or declined with a reason."""
    actor = acting()
    placement = placements.get_placement(actor, placement_id)
    return plans.record_decision(
        actor, placement, data["site_id"], data["decision"], data.get("reason"), today(), now()
    )


@blp.route("/placements/<int:placement_id>/suggestions/hold", methods=["POST"])
@idempotent
@blp.arguments(HoldSuggestionSchema)
@blp.response(201, HoldSchema)
def hold_suggestion(data: dict[str, Any], placement_id: int) -> dict[str, Any]:
    """Hold the suggested place from the move-by date, in one call, and record it as chosen."""
    actor = acting()
    placement = placements.get_placement(actor, placement_id)
    hold = plans.hold_suggestion(actor, placement, data["site_id"], data.get("space_id"), today(), now())
    return present_hold(hold, actor)
