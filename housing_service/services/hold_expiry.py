"""Holds whose window is ending: warn first, then expire them and free their beds.

The warning always comes first, whatever order or timing the jobs run in: a hold is only
expired once its warning exists, and the same run writes any missing warning before it
expires anything. After downtime, a hold long past its window is warned about and
released in the same run (the warning says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, cast, exists, literal, select, update

from ..db import UTCDateTime, count_inserted, insert_ignoring_duplicates
from ..extensions import db
from ..models import Booking, Flag, FlagKind, Hold, HoldStatus
from . import audit, revision
from .actor import Actor
from .flags import resolve_hold_flags


@dataclass(frozen=True)
class ExpiryResult:
    warned: int
    expired: int
    resolved: int


def _hold_flags(kind: FlagKind, suffix: str, due: object, now: datetime, run_id: int | None) -> int:
    rows = select(
        literal("hold:") + cast(Hold.id, String) + literal(suffix),
        literal(kind.value),
        Hold.client_id,
        Hold.id,
        Hold.site_id,
        literal(now, UTCDateTime()),
        literal(run_id),
    ).where(due)
    insert = insert_ignoring_duplicates(db.session, Flag.__table__).from_select(
        ["key", "kind", "client_id", "hold_id", "site_id", "raised_at", "job_run_id"], rows
    )
    return count_inserted(db.session, insert)


def warn_and_expire_holds(warning: timedelta, now: datetime, run_id: int | None = None) -> ExpiryResult:
    """Warn about holds ending within `warning`, then expire those past their window."""
    held = Hold.status == HoldStatus.HELD
    ending_soon = held & (Hold.expires_at <= now + warning)
    warned = _hold_flags(FlagKind.HOLD_EXPIRING, ":ending", ending_soon, now, run_id)

    was_warned = exists().where(Flag.hold_id == Hold.id, Flag.kind == FlagKind.HOLD_EXPIRING)
    expired_rows = db.session.execute(
        update(Hold)
        .where(held, Hold.expires_at <= now, was_warned)
        .values(status=HoldStatus.EXPIRED, ended_at=now)
        .returning(Hold.id, Hold.booking_id),
        execution_options={"synchronize_session": False},
    ).all()
    hold_ids = [row.id for row in expired_rows]
    if hold_ids:
        freed = [row.booking_id for row in expired_rows]
        db.session.execute(
            update(Booking).where(Booking.id.in_(freed)).values(active=False),
            execution_options={"synchronize_session": False},
        )
        revision.mark_changed()
        _hold_flags(FlagKind.HOLD_EXPIRED, ":expired", Hold.id.in_(hold_ids), now, run_id)
        audit.record(Actor.scheduler(), "hold.expire", "hold", None, {"hold_ids": hold_ids}, now=now)
    resolved = resolve_hold_flags(now)
    return ExpiryResult(warned=warned, expired=len(hold_ids), resolved=resolved)
