"""The coalition's revision: one number that changes whenever sites, beds or bookings do.

A transaction that changes any of them bumps the number just before it commits, in the
same transaction, so that the number and the data change together for every reader. A
process may keep what it built from the data (the matcher's indexes) for as long as the
number it read before building stays the same.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Booking, CoalitionRevision, Site, SiteLanguage, Space

_CHANGED = "coalition_changed"
_WATCHED = (Booking, Site, SiteLanguage, Space)


def mark_changed(session: Session | None = None) -> None:
    """Say that this transaction changed sites, beds or bookings without the ORM (bulk SQL)."""
    (session or db.session).info[_CHANGED] = True


def current() -> int:
    return db.session.scalar(select(CoalitionRevision.revision).where(CoalitionRevision.id == 1)) or 0


def _note_changes(session: Session, *_args: Any) -> None:
    if any(isinstance(record, _WATCHED) for record in (*session.new, *session.dirty, *session.deleted)):
        session.info[_CHANGED] = True


def _bump_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()  # changes still pending are flushed now, and noted by _note_changes
    if not session.info.pop(_CHANGED, False):
        return
    session.execute(
        update(CoalitionRevision)
        .where(CoalitionRevision.id == 1)
        .values(revision=CoalitionRevision.revision + 1)
    )


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_CHANGED, None)


def install(session_factory: Any) -> None:
    event.listen(session_factory, "before_flush", _note_changes)
    event.listen(session_factory, "before_commit", _bump_before_commit)
    event.listen(session_factory, "after_rollback", _forget)
