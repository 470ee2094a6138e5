"""The coalition's revision: one number that changes whenever sites, beds or bookings do
(or the names of the areas and organisations the board shows).

A transaction that changes any of them bumps the number just before it commits, in the
same transaction, so that the number and the data change together for every reader. A
process may keep what it built from the data (the matcher's indexes) for as long as the
number it read before building stays the same; with REDIS_URL set, every worker and host
shares what one of them built (housing_service/shared_cache.py), under the same number.

The number is the sum of `SLOTS` counters (rows of coalition_revisions, ids 1..SLOTS), and a
change bumps the one slot its bed or site falls in. Two holds on different beds then lock
different rows and commit without waiting for each other (they wait only when their beds share
a slot, and then only for the other's commit). A committed bump moves the sum by one, at the
moment the change becomes visible and not before: a reader that reads the sum and then the data
sees data at least as new as the sum says. A sequence would not do: `nextval` is seen by others
before the change commits, so a page read in between would be kept under the new number.

A second number, the accounts' revision (row ACCOUNTS_ROW, outside the slots), changes whenever
an account or an API token does (deactivation, a role change, a token revoked, a token's
last use noted, at most every few minutes): the bearer-token lookup is kept under it, so that
such a change takes effect at once on every host.

Everything that keeps answers reads the numbers through `revisions()` (one statement for both,
once per transaction): change how the numbers are stored there, and the caches follow.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy import event, func, select, text, update
from sqlalchemy.orm import Session

from .. import shared_cache
from ..extensions import db
from ..models import ApiToken, Area, Booking, CoalitionRevision, Organisation, Site, SiteLanguage, Space, User

_CHANGED = "coalition_changed"
_ACCOUNTS_CHANGED = "accounts_changed"
_READ = "revisions_read"
_WATCHED = (Area, Booking, Organisation, Site, SiteLanguage, Space)
SLOTS = 256  # rows of coalition_revisions, ids 1..SLOTS (migration 0019)
_ACCOUNTS = (User, ApiToken)
# The accounts' number is kept beside the coalition's slots, in a row of its own (made by its
# first bump), whose id is outside the slots' 1..SLOTS.
ACCOUNTS_ROW = 0
_BUMP_ACCOUNTS = text(
    "INSERT INTO coalition_revisions (id, revision) VALUES (:row, 1)"
    " ON CONFLICT (id) DO UPDATE SET revision = coalition_revisions.revision + 1"
)


def mark_changed(session: Session | None = None) -> None:
    """Say that this transaction changed sites, beds or bookings without the ORM (bulk SQL)."""
    (session or db.session).info.setdefault(_CHANGED, 0)


def mark_accounts_changed(session: Session | None = None) -> None:
    """Say that this transaction changed accounts or tokens without the ORM (bulk SQL)."""
    (session or db.session).info[_ACCOUNTS_CHANGED] = True


def revisions() -> tuple[int, int]:
    """The coalition's and the accounts' numbers, read together once per transaction.

    Read before whatever the transaction reads next, so anything built from that data is at
    least as new as the numbers say (under READ COMMITTED, newer still): it may be kept under them.
    """
    session = db.session()
    known = session.info.get(_READ)
    if known is None:
        slots = func.sum(CoalitionRevision.revision).filter(CoalitionRevision.id != ACCOUNTS_ROW)
        accounts = func.max(CoalitionRevision.revision).filter(CoalitionRevision.id == ACCOUNTS_ROW)
        coalition, people = session.execute(select(slots, accounts)).one()
        known = session.info[_READ] = (coalition or 0, people or 0)
    return known


def current() -> int:
    """The coalition's revision: read it before the data that is kept under it."""
    return revisions()[0]


def accounts_current() -> int:
    """The accounts' revision."""
    return revisions()[1]


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
    long as the revision they were built at is the current one.

    With a `shared_as` name, answers are also kept in the shared cache (when there is one)
    for every worker and host: the key and the answer must then be made of values registered
    with shared_cache, and `to_share` turns an answer into what may be kept there.
    """

    def __init__(
        self,
        size: int,
        *,
        revision: Callable[[], int] = current,
        shared_as: str | None = None,
        shared_seconds: int = 600,
        to_share: Callable[[T], Any] | None = None,
        from_shared: Callable[[Any], T] | None = None,
    ) -> None:
        self.size = size
        self._revision = revision
        self.shared_as = shared_as
        # Entries expire even while current: a database restored from a backup goes back to
        # older revision numbers (clear the prefix then: `flask shared-cache-clear`).
        self.shared_seconds = shared_seconds
        self._to_share = to_share or (lambda answer: answer)
        self._from_shared = from_shared or (lambda kept: kept)
        self._answers: OrderedDict[tuple[Hashable, int], T] = OrderedDict()
        self._lock = threading.Lock()
        _kept.append(self)

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        # The revision is read before the data: whatever the data then shows is at least as new.
        number = self._revision()
        if _CHANGED in db.session.info or db.session.info.get(_ACCOUNTS_CHANGED):
            # This transaction changed the coalition and has not committed: what it reads is
            # nobody else's yet (and may be rolled back), so it is neither kept nor shared.
            return build()
        full_key = (key, number)
        with self._lock:
            if full_key in self._answers:
                self._answers.move_to_end(full_key)
                return self._answers[full_key]
        cache = shared_cache.shared() if self.shared_as else None
        name = f"{self.shared_as}:{number}:{shared_cache.key_digest(key)}" if cache else ""
        kept = cache.get(name) if cache else shared_cache.MISSING
        if kept is not shared_cache.MISSING:
            answer = self._from_shared(kept)
        else:
            answer = build()
            if cache:
                cache.put(name, self._to_share(answer), self.shared_seconds)
        with self._lock:
            self._answers[full_key] = answer
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return answer

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()


def forget_everything_kept() -> None:
    """Drop every kept answer, the shared ones too (tests, whose database starts afresh,
    revision included)."""
    for kept in _kept:
        kept.clear()
    cache = shared_cache.shared()
    if cache is not None:
        cache.clear()


def _note_changes(session: Session, *_args: Any) -> None:
    records = (*session.new, *session.dirty, *session.deleted)
    if _CHANGED not in session.info:
        for record in records:
            if isinstance(record, _WATCHED):
                session.info[_CHANGED] = _slot_key(record)
                break
    if any(isinstance(record, _ACCOUNTS) for record in records):
        session.info[_ACCOUNTS_CHANGED] = True


def _bump_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()  # changes still pending are flushed now, and noted by _note_changes
    key = session.info.pop(_CHANGED, None)
    if key is not None:
        session.execute(
            update(CoalitionRevision)
            .where(CoalitionRevision.id == key % SLOTS + 1)
            .values(revision=CoalitionRevision.revision + 1)
        )
    if session.info.pop(_ACCOUNTS_CHANGED, False):
        session.execute(_BUMP_ACCOUNTS, {"row": ACCOUNTS_ROW})


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_CHANGED, None)
    session.info.pop(_ACCOUNTS_CHANGED, None)


def _forget_numbers(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the next transaction reads the numbers afresh
        session.info.pop(_READ, None)


def install(session_factory: Any) -> None:
    event.listen(session_factory, "before_flush", _note_changes)
    event.listen(session_factory, "before_commit", _bump_before_commit)
    event.listen(session_factory, "after_rollback", _forget)
    event.listen(session_factory, "after_transaction_end", _forget_numbers)
