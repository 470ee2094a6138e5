"""The stay review: flag every stay nearing or past its end, and every transition plan that
needs attention. Set-based: a handful of INSERT ... SELECT statements over all stays, the
unique key on flags refusing any flag that was raised before.

It judges by state, not by what happened since the last run: after days of downtime, one
run raises every flag that came due meanwhile, and only those.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, literal, select

from ..db import UTCDateTime, count_inserted, insert_ignoring_duplicates
from ..extensions import db
from ..models import Flag, FlagKind, Placement, PlanStep, StepStatus, TransitionPlan
from ..vocabulary import Tier, threshold_lead
from .flags import resolve_plan_flags, resolve_planned_moves, resolve_stale_stay_flags


@dataclass(frozen=True)
class ReviewResult:
    raised: int
    resolved: int


def _key(*parts: Any) -> ColumnElement[str]:
    """SQL: a flag key such as 'stay:12:2027-04-30:14' from literals and columns."""
    pieces = [literal(part) if isinstance(part, str) else cast(part, String) for part in parts]
    key = pieces[0]
    for piece in pieces[1:]:
        key = key + piece
    return key


def _flags_from(
    key: ColumnElement[str],
    kind: FlagKind,
    subject_on: Any,
    now: datetime,
    run_id: int | None,
    **extra: Any,
) -> tuple[list[str], Select[Any]]:
    """Column names and a SELECT producing one flag row per stay (joined from Placement)."""
    columns = {
        "key": key,
        "kind": literal(kind.value),
        "client_id": Placement.client_id,
        "placement_id": Placement.id,
        "site_id": Placement.site_id,
        "subject_on": subject_on,
        "act_by": subject_on,
        "raised_at": literal(now, UTCDateTime()),
        "job_run_id": literal(run_id),
        **extra,
    }
    return list(columns), select(*columns.values())


def _raise(names: list[str], rows: Select[Any]) -> int:
    insert = insert_ignoring_duplicates(db.session, Flag.__table__).from_select(names, rows)
    return count_inserted(db.session, insert)


def raise_stay_flags(
    thresholds: dict[str, tuple[int, ...]], today: date, now: datetime, run_id: int | None
) -> int:
    """One flag per stay episode and threshold it has reached; one more once it is past its end.

    Keys name the episode, not the stay: after a bed move the flags already raised stay raised
    (they moved with the survivor) and are not raised a second time.
    """
    current = and_(Placement.exited_on.is_(None), Placement.expected_end_on.is_not(None))
    raised = 0
    for tier_name, days_list in thresholds.items():
        for days in days_list:
            key = _key("stay:", Placement.episode_id, ":", Placement.expected_end_on, f":{days}")
            names, rows = _flags_from(
                key, FlagKind.NEARING_LIMIT, Placement.expected_end_on, now, run_id, days_before=literal(days)
            )
            # threshold_day(end, days) <= today, written for the index on the end date
            due = Placement.expected_end_on <= today + threshold_lead(days)
            raised += _raise(names, rows.where(current, Placement.tier == Tier(tier_name), due))
    key = _key("stay:", Placement.episode_id, ":", Placement.expected_end_on, ":over")
    names, rows = _flags_from(
        key, FlagKind.OVER_LIMIT, Placement.expected_end_on, now, run_id, days_before=literal(0)
    )
    return raised + _raise(names, rows.where(current, Placement.expected_end_on <= today))


def raise_plan_flags(
    thresholds: dict[str, tuple[int, ...]], today: date, now: datetime, run_id: int | None
) -> int:
    """Flag steps past their due date, and move-by dates drawing near with no option chosen."""
    current = Placement.exited_on.is_(None)
    key = _key("step:", PlanStep.id, ":", PlanStep.due_on)
    names, rows = _flags_from(
        key, FlagKind.PLAN_STEP_OVERDUE, PlanStep.due_on, now, run_id, plan_step_id=PlanStep.id
    )
    overdue = (
        rows.select_from(PlanStep)
        .join(TransitionPlan, TransitionPlan.id == PlanStep.plan_id)
        .join(Placement, Placement.id == TransitionPlan.placement_id)
        .where(
            current,
            PlanStep.status.in_([StepStatus.TO_DO, StepStatus.IN_PROGRESS]),
            PlanStep.due_on.is_not(None),
            PlanStep.due_on < today,
        )
    )
    raised = _raise(names, overdue)
    # A plan needs a chosen option once its stay reaches the tier's first review threshold.
    key = _key("plan:", TransitionPlan.id, ":", TransitionPlan.move_by, ":no-choice")
    names, rows = _flags_from(key, FlagKind.MOVE_WITHOUT_CHOICE, TransitionPlan.move_by, now, run_id)
    for tier_name, days_list in thresholds.items():
        no_choice = (
            rows.select_from(TransitionPlan)
            .join(Placement, Placement.id == TransitionPlan.placement_id)
            .where(
                current,
                Placement.tier == Tier(tier_name),
                TransitionPlan.chosen_site_id.is_(None),
                # the move-by date stands for the stay's end: the first threshold, counted alike
                TransitionPlan.move_by <= today + threshold_lead(max(days_list)),
            )
        )
        raised += _raise(names, no_choice)
    return raised


def review_stays(
    thresholds: dict[str, tuple[int, ...]], today: date, now: datetime, run_id: int | None = None
) -> ReviewResult:
    """Resolve what no longer holds, then raise what came due (in that order, in one transaction)."""
    resolved = resolve_stale_stay_flags(now) + resolve_plan_flags(now) + resolve_planned_moves(now)
    raised = raise_stay_flags(thresholds, today, now, run_id)
    raised += raise_plan_flags(thresholds, today, now, run_id)
    return ReviewResult(raised=raised, resolved=resolved)
