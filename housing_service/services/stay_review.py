"""The stay review: flag every stay nearing or past its end, and every transition plan that
needs attention. Set-based: a handful of INSERT ... SELECT statements over all stays, the
unique key on flags refusing any flag that was raised before.

It judges by state, not by what happened since the last run: after days of downtime, one
run raises every flag that came due meanwhile, and only those.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, and_, cast, literal, select

from ..db import UTCDateTime, count_inserted, insert_ignoring_duplicates
from ..extensions import db
from ..models import Flag, FlagKind, Placement, PlanStep, StepStatus, TransitionPlan
from ..vocabulary import Tier
from .flags import resolve_plan_flags, resolve_stale_stay_flags


@dataclass(frozen=True)
class ReviewResult:
    raised: int
    resolved: int


def _text(column: object) -> object:
    return cast(column, String)


def _raise(select_statement: object, columns: list[str]) -> int:
    insert = insert_ignoring_duplicates(db.session, Flag.__table__).from_select(columns, select_statement)
    return count_inserted(db.session, insert)


STAY_FLAG_COLUMNS = [
    "key",
    "kind",
    "client_id",
    "placement_id",
    "site_id",
    "subject_on",
    "days_before",
    "act_by",
    "raised_at",
    "job_run_id",
]


def raise_stay_flags(
    thresholds: dict[str, tuple[int, ...]], today: date, now: datetime, run_id: int | None
) -> int:
    """One flag per current stay and threshold it has reached; one more once it is past its end."""
    current = and_(Placement.exited_on.is_(None), Placement.expected_end_on.is_not(None))
    raised = 0
    for tier_name, days_list in thresholds.items():
        tier = Tier(tier_name)
        for days in days_list:
            due = select(
                literal("stay:")
                + _text(Placement.id)
                + literal(":")
                + _text(Placement.expected_end_on)
                + literal(f":{days}"),
                literal(FlagKind.NEARING_LIMIT.value),
                Placement.client_id,
                Placement.id,
                Placement.site_id,
                Placement.expected_end_on,
                literal(days),
                Placement.expected_end_on,
                literal(now, UTCDateTime()),
                literal(run_id),
            ).where(
                current, Placement.tier == tier, Placement.expected_end_on <= today + timedelta(days=days)
            )
            raised += _raise(due, STAY_FLAG_COLUMNS)
    past_end = select(
        literal("stay:")
        + _text(Placement.id)
        + literal(":")
        + _text(Placement.expected_end_on)
        + literal(":over"),
        literal(FlagKind.OVER_LIMIT.value),
        Placement.client_id,
        Placement.id,
        Placement.site_id,
        Placement.expected_end_on,
        literal(0),
        Placement.expected_end_on,
        literal(now, UTCDateTime()),
        literal(run_id),
    ).where(current, Placement.expected_end_on <= today)
    return raised + _raise(past_end, STAY_FLAG_COLUMNS)


def raise_plan_flags(
    thresholds: dict[str, tuple[int, ...]], today: date, now: datetime, run_id: int | None
) -> int:
    """Flag steps past their due date, and move-by dates drawing near with no option chosen."""
    current = Placement.exited_on.is_(None)
    overdue = (
        select(
            literal("step:") + _text(PlanStep.id) + literal(":") + _text(PlanStep.due_on),
            literal(FlagKind.PLAN_STEP_OVERDUE.value),
            Placement.client_id,
            Placement.id,
            Placement.site_id,
            PlanStep.id,
            PlanStep.due_on,
            PlanStep.due_on,
            literal(now, UTCDateTime()),
            literal(run_id),
        )
        .join(TransitionPlan, TransitionPlan.id == PlanStep.plan_id)
        .join(Placement, Placement.id == TransitionPlan.placement_id)
        .where(
            current,
            PlanStep.status.in_([StepStatus.TO_DO, StepStatus.IN_PROGRESS]),
            PlanStep.due_on.is_not(None),
            PlanStep.due_on < today,
        )
    )
    raised = _raise(
        overdue,
        [
            "key",
            "kind",
            "client_id",
            "placement_id",
            "site_id",
            "plan_step_id",
            "subject_on",
            "act_by",
            "raised_at",
            "job_run_id",
        ],
    )
    # A plan needs a chosen option once its stay reaches the tier's first review threshold.
    for tier_name, days_list in thresholds.items():
        first = max(days_list)
        no_choice = (
            select(
                literal("plan:")
                + _text(TransitionPlan.id)
                + literal(":")
                + _text(TransitionPlan.move_by)
                + literal(":no-choice"),
                literal(FlagKind.MOVE_WITHOUT_CHOICE.value),
                Placement.client_id,
                Placement.id,
                Placement.site_id,
                TransitionPlan.move_by,
                TransitionPlan.move_by,
                literal(now, UTCDateTime()),
                literal(run_id),
            )
            .join(Placement, Placement.id == TransitionPlan.placement_id)
            .where(
                current,
                Placement.tier == Tier(tier_name),
                TransitionPlan.chosen_site_id.is_(None),
                TransitionPlan.move_by <= today + timedelta(days=first),
            )
        )
        raised += _raise(
            no_choice,
            [
                "key",
                "kind",
                "client_id",
                "placement_id",
                "site_id",
                "subject_on",
                "act_by",
                "raised_at",
                "job_run_id",
            ],
        )
    return raised


def review_stays(
    thresholds: dict[str, tuple[int, ...]], today: date, now: datetime, run_id: int | None = None
) -> ReviewResult:
    """Resolve what no longer holds, then raise what came due (in that order, in one transaction)."""
    resolved = resolve_stale_stay_flags(now) + resolve_plan_flags(now)
    raised = raise_stay_flags(thresholds, today, now, run_id)
    raised += raise_plan_flags(thresholds, today, now, run_id)
    return ReviewResult(raised=raised, resolved=resolved)
