"""Erasing a survivor's personal details once the retention period after their exit has passed.

What stays: the record's generated code, the household's counts (adults, children's age
brackets, age group) and every stay with its dates, site, tier and HUD destination code, so
that bed-nights, exits and households served still add up. What goes: the alias, languages,
gender, needs, the safety plan, preferences and readiness signals, and the free-text notes
written about the survivor's holds, stays and plans. The audit trail records each erasure.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, delete, or_, select, update

from .. import clock
from ..extensions import db
from ..models import (
    Client,
    Extension,
    Flag,
    Hold,
    HoldStatus,
    IdempotentRequest,
    Placement,
    PlanStep,
    TransitionPlan,
)
from ..models.plans import SuggestionDecision
from . import audit
from .actor import Actor

# The neutral values personal fields take when erased (a new record's defaults).
ERASED_VALUES: dict[str, Any] = {
    "alias": None,
    "gender": None,
    "languages": [],
    "accessibility_needs": frozenset(),
    "has_pets": False,
    "avoid_area_ids": [],
    "avoid_site_ids": [],
    "preferred_area_ids": [],
    "substance_use_preference": None,
    "stage_of_change": None,
    "has_income": False,
    "has_identity_documents": False,
    "legal_status": None,
    "says_ready_to_move": False,
}
# HUD destination 17 ("other") needs some text: the survivor's own whereabouts are replaced.
ERASED_TEXT = "erased"
# A write's answer is kept this long for retries with the same Idempotency-Key. The answer
# may name a survivor or a confidential address; it is a copy for retries, not history.
REPLAY_WINDOW = timedelta(hours=24)


def _eligible(now: datetime, retention_days: int) -> Any:
    """SQL: clients whose last stay ended `retention_days` ago, with nothing current since."""
    last_exit_on = clock.local_date(now, current_app.config["COALITION_TIMEZONE"]) - timedelta(
        days=retention_days
    )
    cutoff = now - timedelta(days=retention_days)
    stays = select(Placement.id).where(Placement.client_id == Client.id)
    recent_or_current_stay = stays.where(
        or_(Placement.exited_on.is_(None), Placement.exited_on > last_exit_on)
    ).exists()
    active_or_recent_hold = (
        select(Hold.id)
        .where(Hold.client_id == Client.id, or_(Hold.status == HoldStatus.HELD, Hold.created_at > cutoff))
        .exists()
    )
    return and_(
        Client.erased_at.is_(None),
        Client.updated_at <= cutoff,
        stays.exists(),
        ~recent_or_current_stay,
        ~active_or_recent_hold,
    )


def erase_expired_personal_data(now: datetime, retention_days: int | None = None) -> int:
    """Erase the personal fields of survivors who exited more than the retention period ago.

    A survivor with a current stay, a hold that is still held, a hold or a change to the
    record within the period is left alone. Returns how many records were erased.
    The period is RETENTION_DAYS_AFTER_EXIT unless `retention_days` is given.
    """
    days = current_app.config["RETENTION_DAYS_AFTER_EXIT"] if retention_days is None else retention_days
    erased_ids = list(
        db.session.scalars(
            update(Client)
            .where(_eligible(now, days))
            .values(**ERASED_VALUES, erased_at=now, updated_at=now)
            .returning(Client.id)
            .execution_options(synchronize_session=False)
        )
    )
    if not erased_ids:
        return 0
    _erase_notes(erased_ids)
    # The objects in this session (if any) must not write the old values back.
    db.session.expire_all()
    fields = sorted(ERASED_VALUES)
    for client_id in erased_ids:
        audit.record(Actor.scheduler(), "client.erase", "client", client_id, {"fields": fields}, now=now)
    return len(erased_ids)


def _erase_notes(client_ids: list[int]) -> None:
    """Free text written about these survivors' holds, stays and plans."""
    placements = select(Placement.id).where(Placement.client_id.in_(client_ids))
    plans = select(TransitionPlan.id).where(TransitionPlan.placement_id.in_(placements))
    statements = (
        update(Hold).where(Hold.client_id.in_(client_ids)).values(override_reason=None, release_reason=None),
        update(Placement)
        .where(Placement.client_id.in_(client_ids), Placement.destination_text.is_not(None))
        .values(destination_text=ERASED_TEXT),
        update(Extension).where(Extension.placement_id.in_(placements)).values(reason=ERASED_TEXT),
        update(SuggestionDecision).where(SuggestionDecision.placement_id.in_(placements)).values(reason=None),
        update(PlanStep).where(PlanStep.plan_id.in_(plans)).values(description=ERASED_TEXT),
        update(Flag)
        .where(or_(Flag.client_id.in_(client_ids), Flag.placement_id.in_(placements)))
        .values(acknowledgement_note=None),
    )
    for statement in statements:
        db.session.execute(statement.execution_options(synchronize_session=False))


def forget_replayable_answers(now: datetime) -> int:
    """Drop the answers kept for Idempotency-Key retries once the replay window has passed."""
    statement = delete(IdempotentRequest).where(IdempotentRequest.created_at < now - REPLAY_WINDOW)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount or 0
