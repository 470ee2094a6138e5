"""Transition plans: the target, the move-by date, the steps toward readiness, and the
survivor's own decisions on the places suggested to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import clock
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..matching import Action
from ..models import (
    Client,
    Decision,
    Hold,
    Placement,
    PlanStep,
    Site,
    StepStatus,
    SuggestionDecision,
    TransitionPlan,
)
from ..vocabulary import Tier
from . import audit, flags, holds, suggestions
from .access import require_case_worker, works_case
from .actor import Actor


def _require_current(placement: Placement) -> None:
    if placement.exited_on is not None:
        raise Conflict(gettext("This stay has ended; plan from the survivor's current stay."))


def plan_of(placement: Placement) -> TransitionPlan | None:
    return db.session.scalar(select(TransitionPlan).where(TransitionPlan.placement_id == placement.id))


def get_plan(actor: Actor, placement: Placement) -> TransitionPlan:
    require_case_worker(actor, placement.client)
    plan = plan_of(placement)
    if plan is None:
        raise NotFound(gettext("This stay has no transition plan yet."))
    return plan


def save_plan(
    actor: Actor,
    placement: Placement,
    *,
    target_tier: Tier | None,
    move_by: date | None,
    today: date,
    now: datetime,
) -> TransitionPlan:
    """Create or change the plan; what is not given comes from the current suggestion."""
    require_case_worker(actor, placement.client)
    _require_current(placement)
    plan = plan_of(placement)
    if plan is None or (target_tier is None and move_by is None):
        suggestion = suggestions.suggest_for_placement(actor, placement, today, now)
        if suggestion.target_tier is None:
            raise Conflict(suggestion.explanation)
        default_tier, default_move_by = suggestion.target_tier, suggestion.move_by
    else:
        default_tier, default_move_by = plan.target_tier, plan.move_by
    target_tier = target_tier or default_tier
    move_by = move_by or default_move_by
    if target_tier == Tier(placement.tier) == Tier.LONG_TERM:
        raise InvalidInput.field(
            "target_tier", gettext("Long-term housing is the last step; there is no move to plan.")
        )
    if move_by is not None and move_by < today:
        raise InvalidInput.field("move_by", gettext("Choose today or a later date."))
    if plan is None:
        plan = TransitionPlan(
            placement_id=placement.id, created_by_id=actor.signed_in_user.id, created_at=now
        )
        db.session.add(plan)
    plan.target_tier = target_tier
    plan.move_by = move_by
    plan.updated_at = now
    db.session.flush()
    audit.record(actor, "plan.save", "transition_plan", plan.id, {"placement_id": placement.id}, now=now)
    return plan


def add_step(actor: Actor, plan: TransitionPlan, data: dict[str, Any], now: datetime) -> PlanStep:
    require_case_worker(actor, plan.placement.client)
    step = PlanStep(
        plan_id=plan.id,
        kind=data["kind"],
        description=data["description"].strip(),
        owner=data["owner"].strip(),
        due_on=data.get("due_on"),
        status=data.get("status", StepStatus.TO_DO),
        created_at=now,
        updated_at=now,
    )
    if not step.description:
        raise InvalidInput.field("description", gettext("Say what the step is."))
    db.session.add(step)
    db.session.flush()
    audit.record(actor, "plan.step_add", "plan_step", step.id, {"plan_id": plan.id}, now=now)
    return step


def get_step(actor: Actor, step_id: int) -> PlanStep:
    step = db.session.get(PlanStep, step_id)
    # As for survivors' records: a step of a case the actor doesn't work on is not found.
    if step is None or not works_case(actor, step.plan.placement.client):
        raise NotFound(gettext("No plan step you may see has this id."))
    return step


def update_step(actor: Actor, step: PlanStep, changes: dict[str, Any], now: datetime) -> PlanStep:
    require_case_worker(actor, step.plan.placement.client)
    for field, value in changes.items():
        setattr(step, field, value.strip() if type(value) is str else value)
    step.updated_at = now
    db.session.flush()
    audit.record(actor, "plan.step_update", "plan_step", step.id, {"fields": sorted(changes)}, now=now)
    return step


def record_decision(
    actor: Actor,
    placement: Placement,
    site_id: int,
    decision: Decision,
    reason: str | None,
    today: date,
    now: datetime,
) -> SuggestionDecision:
    """The survivor chose a place, or declined it (not suggested again during the cool-down)."""
    require_case_worker(actor, placement.client)
    _require_current(placement)
    if db.session.get(Site, site_id) is None:
        raise InvalidInput.field("site_id", gettext("No site has this id."))
    reason = (reason or "").strip() or None
    if decision == Decision.DECLINED and reason is None:
        raise InvalidInput.field(
            "reason", gettext("Note why the survivor declined, in their own words where you can.")
        )
    record = SuggestionDecision(
        client_id=placement.client_id,
        placement_id=placement.id,
        site_id=site_id,
        decision=decision,
        reason=reason,
        recorded_by_id=actor.signed_in_user.id,
        recorded_at=now,
    )
    db.session.add(record)
    if decision == Decision.CHOSEN:
        plan = plan_of(placement) or save_plan(
            actor, placement, target_tier=None, move_by=None, today=today, now=now
        )
        plan.chosen_site_id = site_id
        plan.updated_at = now
    db.session.flush()
    audit.record(actor, "plan.decision", "placement", placement.id, {"decision": decision.value}, now=now)
    return record


@dataclass(frozen=True)
class DecisionEntry:
    """A decision as the case team reads it back: where, what, why, who, when, and until when."""

    record: SuggestionDecision
    site_name: str
    recorded_by_name: str
    suggested_again_from: date | None  # a declined place returns to suggestions on this day


def list_decisions(actor: Actor, client: Client, now: datetime) -> list[DecisionEntry]:
    """The survivor's decisions on suggested places, newest first, across all their stays."""
    require_case_worker(actor, client)
    cooldown = timedelta(days=current_app.config["DECLINE_COOLDOWN_DAYS"])
    zone = current_app.config["COALITION_TIMEZONE"]
    records = db.session.scalars(
        select(SuggestionDecision)
        .where(SuggestionDecision.client_id == client.id)
        .options(joinedload(SuggestionDecision.site), joinedload(SuggestionDecision.recorded_by))
        .order_by(SuggestionDecision.recorded_at.desc(), SuggestionDecision.id.desc())
        .limit(500)
    )
    entries = [
        DecisionEntry(
            record,
            record.site.name,
            record.recorded_by.display_name,
            clock.local_date(record.recorded_at + cooldown, zone)
            if record.decision == Decision.DECLINED
            else None,
        )
        for record in records
    ]
    audit.record(actor, "plan.decisions_read", "client", client.id, now=now)
    return entries


def hold_suggestion(
    actor: Actor,
    placement: Placement,
    site_id: int,
    space_id: int | None,
    today: date,
    now: datetime,
    override_reason: str | None = None,
) -> Hold:
    """One step from a suggestion to a held place: the survivor chose it, hold it for the move."""
    require_case_worker(actor, placement.client)
    _require_current(placement)
    suggestion = suggestions.suggest_for_placement(actor, placement, today, now)
    candidate = next((c for c in suggestion.candidates if c.site_id == site_id), None)
    if suggestion.action != Action.SUGGEST or candidate is None:
        raise Conflict(
            gettext(
                "This place is not among the current suggestions for this stay; search the bed board instead."
            ),
            {"site_id": [gettext("Not suggested now.")]},
        )
    hold = holds.create_hold(
        actor,
        client_id=placement.client_id,
        space_id=space_id or candidate.space.space_id,
        starts_on=suggestion.move_by,
        ends_on=None,
        override_reason=override_reason,
        now=now,
        today=today,
    )
    if hold.site_id != site_id:
        raise InvalidInput.field("space_id", gettext("This bed or unit is not at the suggested site."))
    record_decision(actor, placement, site_id, Decision.CHOSEN, None, today, now)
    plan = plan_of(placement)
    if plan is not None:
        plan.hold_id = hold.id
    db.session.flush()
    flags.resolve_planned_moves(now, [placement.id])
    return hold
