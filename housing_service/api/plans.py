"""Transition plans: target tier, move-by date, the chosen option and steps toward readiness."""

from __future__ import annotations

from typing import Any

from ..models import PlanStep
from ..services import placements, plans
from .common import Blueprint, acting, now, today
from .presenters import present_plan
from .schemas_plans import PlanSaveSchema, PlanSchema, StepCreateSchema, StepSchema, StepUpdateSchema

blp = Blueprint("plans", __name__, description="Transition plans")


@blp.route("/placements/<int:placement_id>/plan", methods=["GET"])
@blp.response(200, PlanSchema)
def get_plan(placement_id: int) -> dict[str, Any]:
    """The stay's transition plan."""
    actor = acting()
    return present_plan(plans.get_plan(actor, placements.get_placement(actor, placement_id)))


@blp.route("/placements/<int:placement_id>/plan", methods=["PUT"])
@blp.arguments(PlanSaveSchema)
@blp.response(200, PlanSchema)
def save_plan(data: dict[str, Any], placement_id: int) -> dict[str, Any]:
    """Create or change the plan; what you leave out comes from the current suggestion."""
    actor = acting()
    plan = plans.save_plan(
        actor,
        placements.get_placement(actor, placement_id),
        target_tier=data.get("target_tier"),
        move_by=data.get("move_by"),
        today=today(),
        now=now(),
    )
    return present_plan(plan)


@blp.route("/placements/<int:placement_id>/plan/steps", methods=["POST"])
@blp.arguments(StepCreateSchema)
@blp.response(201, StepSchema)
def add_step(data: dict[str, Any], placement_id: int) -> PlanStep:
    """Add a step toward readiness: what, who owns it, by when."""
    actor = acting()
    plan = plans.get_plan(actor, placements.get_placement(actor, placement_id))
    return plans.add_step(actor, plan, data, now())


@blp.route("/plan-steps/<int:step_id>", methods=["PATCH"])
@blp.arguments(StepUpdateSchema)
@blp.response(200, StepSchema)
def update_step(changes: dict[str, Any], step_id: int) -> PlanStep:
    """Update a step: its status, due date, owner or description."""
    actor = acting()
    return plans.update_step(actor, plans.get_step(actor, step_id), changes, now())
