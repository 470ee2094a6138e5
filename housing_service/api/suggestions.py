"""Next-tier suggestions with their reasons, the survivor's decisions, and holding a choice."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ..i18n import current_words
from ..matching import Candidate, Suggestion, wording
from ..models import Placement
from ..services import clients, placements, plans, suggestions
from .common import Blueprint, PageArgs, acting, now, page, page_of, today
from .idempotency import idempotent
from .presenters import columns, present_hold
from .schemas_plans import (
    DecisionCreateSchema,
    DecisionReadSchema,
    DecisionSchema,
    HoldSuggestionSchema,
    SuggestionArgs,
    SuggestionSchema,
)
from .schemas_stays import HoldSchema

blp = Blueprint(
    "suggestions", __name__, description="Next-tier suggestions; a person chooses with the survivor"
)


def present_candidates(candidates: tuple[Candidate, ...]) -> list[dict[str, Any]]:
    return [
        {**asdict(candidate), "fit": wording.fit_words(candidate, best=rank == 0, words=current_words())}
        for rank, candidate in enumerate(candidates)
    ]


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
        "candidates": present_candidates(suggestion.candidates),
        "excluded": dict(suggestion.excluded),
        "excluded_text": suggestion.excluded_text,
        "alternative_tier": suggestion.alternative_tier,
        "alternatives": present_candidates(suggestion.alternatives),
        "excluded_sites": suggestion.excluded_sites,
    }


@blp.route("/placements/<int:placement_id>/suggestions", methods=["GET"])
@blp.arguments(SuggestionArgs, location="query")
@blp.response(200, SuggestionSchema)
def for_placement(args: dict[str, Any], placement_id: int) -> dict[str, Any]:
    """The suggested next tier, move-by date and places that fit, with reasons met and missed.

    A stay that has ended gets no suggestions: 409, naming the survivor's next stay if any.
    """
    actor = acting()
    placement = placements.get_placement(actor, placement_id)
    suggestion = suggestions.suggest_for_placement(
        actor, placement, today(), now(), name_exclusions=args["name_exclusions"]
    )
    return present_suggestion(placement, suggestion)


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


@blp.route("/clients/<int:client_id>/decisions", methods=["GET"])
@blp.response(200, DecisionReadSchema(many=True))
def decisions(client_id: int) -> list[dict[str, Any]]:
    """The survivor's decisions on suggested places, across all their stays, newest first."""
    actor = acting()
    client = clients.get_client(actor, client_id, now())
    return [
        {
            **columns(entry.record, DecisionReadSchema),
            "site_name": entry.site_name,
            "recorded_by_name": entry.recorded_by_name,
            "suggested_again_from": entry.suggested_again_from,
        }
        for entry in plans.list_decisions(actor, client, now())
    ]


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
