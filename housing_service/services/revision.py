"""The coalition's revision: one number that changes whenever sites, beds or bookings do
(or the names of the areas and organisations the board shows).

A transaction that changes any of them bumps the number just before it commits, in the
same transaction, so that the number and the data change together for every reader. A
process may keep what it built from the data (the matcher's indexes) for as long as the
number it read before building stays the same.

The number is the sum of `SLOTS` counters (rows of coalition_revisions), and a change bumps
the one slot its bed or site falls in. Two holds on different beds then lock different rows
and commit without waiting for each other (they wait only when their beds share a slot, and
then only for the other's commit). A committed bump moves the sum by one, at the moment the
change becomes visible and not before: a reader that reads the sum and then the data sees
data at least as new as the sum says. A sequence would not do: `nextval` is seen by others
before the change commits, so a page read in between would be kept under the new number.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Area, Booking, CoalitionRevision, Organisation, Site, SiteLanguage, Space

_CHANGED = "coalition_changed"
_WATCHED = (Area, Booking, Organisation, Site, SiteLanguage, Space)
SLOTS = 256  # rows of coalition_revisions, ids 1..SLOTS (migration 0019)


def mark_changed(session: Session | None = None) -> None:
    """Say that this transaction changed sites, beds or bookings without the ORM (bulk SQL)."""
    (session or db.session).info.setdefault(_CHANGED, 0)


def current() -> int:
    """The coalition's revision: read it before the data that is kept under it."""
    return db.session.scalar(select(func.sum(CoalitionRevision.revision))) or 0


def _slot_key(record: Any) -> int:
    """A number that spreads changes over the slots: the bed's id, else the site's, else the record's.

    Read from the instance's dict, never loaded: this runs inside a flush.
    """
    values = record.__dict__
    for attribute in ("space", "site"):
        related = values.get(attribute)
        if related is not None and related.__dict__.get("id") is not None:
            return int(related.__dict__["id"])
        if values.get(f"{attribute}_id") is not None:
            return int(values[f"{attribute}_id"])
    return int(values.get("id") or 0)


T = TypeVar("T")
_kept: list[KeptWhileCurrent[Any]] = []


class KeptWhileCurrent(Generic[T]):
    """Answers built from the coalition's data, kept (least recently used first out) for as
    long as the revision they were built at is the current one."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[tuple[Hashable, int], T] = OrderedDict()
        self._lock = threading.Lock()
        _kept.append(self)

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        # The revision is read before the data: whatever the data then shows is at least as new.
        full_key = (key, current())
        with self._lock:
            if full_key in self._answers:
                self._answers.move_to_end(full_key)
                return self._answers[full_key]
        answer = build()
        with self._lock:
            self._answers[full_key] = answer
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return answer

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()


def forget_everything_kept() -> None:
    """Drop every kept answer (tests, whose database starts afresh, revision included)."""
    for kept in _kept:
        kept.clear()


def _note_changes(session: Session, *_args: Any) -> None:
    if _CHANGED in session.info:
        return
    for record in (*session.new, *session.dirty, *session.deleted):
        if isinstance(record, _WATCHED):
            session.info[_CHANGED] = _slot_key(record)
            return


def _bump_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()  # changes still pending are flushed now, and noted by _note_changes
    key = session.info.pop(_CHANGED, None)
    if key is None:
        return
    session.execute(
        update(CoalitionRevision)
        .where(CoalitionRevision.id == key % SLOTS + 1)
        .values(revision=CoalitionRevision.revision + 1)
    )


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_CHANGED, None)


def install(session_factory: Any) -> None:
    event.listen(session_factory, "before_flush", _note_changes)
    event.listen(session_factory, "before_commit", _bump_before_commit)
    event.listen(session_factory, "after_rollback", _forget)
