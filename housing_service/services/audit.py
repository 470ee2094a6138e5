"""The audit trail: who did what to which record, when and from where; hash-chained.

Entries are queued on the session and written just before it commits, in the same
transaction as the change they describe. A read is different: once survivors' details were
shown, the read happened whatever became of the transaction, so reads outlive a rollback
and the request writes them on their own. Details hold field names, never the values of a
survivor's fields: the trail must not become a second copy of the data it protects.

The chain. SQLite has one writer at a time, so each entry is chained as it is written. On
PostgreSQL, where many requests commit at once, an entry is written *unsealed* (its hashes
empty, no lock to wait for) and the sealer (`seal`, a scheduler job every few seconds,
`audit-verify`, the checkpoint) chains entries in id order. The ordering hole: ids are
handed out when a row is written, but rows become visible when their transactions commit,
so id 7 may commit after id 8 was seen. The sealer must never chain 8 before 7 exists, or
7 would be left out. So an id comes from `audit_events_next_id()` (migration 0019), which
takes a *shared* advisory lock (appenders never wait for each other) before `nextval`. The
sealer reads the sequence's last value L, then lists the transactions holding that lock,
then waits until each of them has ended. Every id up to L was handed out before the list
was taken, to a transaction that held the lock by then: it is in the list, or had already
ended. Once the list has ended, every id up to L is committed (visible) or rolled back
(never will be), and the sealer chains what it sees up to L. A transaction that never
writes to the trail never delays the sealer; one that does writes at its commit, so the
wait is that commit.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event, insert, select, text
from sqlalchemy.orm import Session

from .. import clock
from ..extensions import db
from ..models import AuditEvent
from .actor import Actor

log = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
_PENDING = "audit_pending"
_READ = "read"  # marks a queued entry as a read (not a column)
_SEALER_LOCK_ID = 7_460_001  # pg advisory lock: one sealer at a time chains entries
APPENDING_LOCK_ID = 7_460_002  # taken shared by audit_events_next_id() (migration 0019)
SEAL_BATCH = 5000


def record(
    actor: Actor,
    action: str,
    record_type: str,
    record_id: int | str | None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
    *,
    read: bool = False,
) -> None:
    """Queue an audit entry; it is written when the transaction commits.

    A change's entry is dropped if the transaction rolls back (the change never happened);
    a read's entry (`read=True`) is kept for the next commit (see `write_pending_reads`).
    """
    db.session.info.setdefault(_PENDING, []).append(
        {
            _READ: read,
            "occurred_at": now or clock.now(),
            "actor_id": actor.user_id,
            "action": action,
            "record_type": record_type,
            "record_id": None if record_id is None else str(record_id),
            "address": actor.address,
            "details": details or {},
        }
    )


def record_reads(actor: Actor, client_ids: list[int], via: str, now: datetime | None = None) -> None:
    """Audit that survivors' details were shown (e.g. in a list of stays); one entry per request."""
    if client_ids:
        ids = sorted(set(client_ids))
        record_id = ids[0] if len(ids) == 1 else None
        record(actor, "client.read", "client", record_id, {"ids": ids, "via": via}, now, read=True)


def entry_hash(previous_hash: str, entry: dict[str, Any]) -> str:
    """The hash that links an entry to the one before it."""
    canonical = json.dumps(
        {
            "occurred_at": entry["occurred_at"].astimezone(UTC).isoformat(),
            "actor_id": entry["actor_id"],
            "action": entry["action"],
            "record_type": entry["record_type"],
            "record_id": entry["record_id"],
            "address": entry["address"],
            "details": entry["details"],
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256((previous_hash + canonical).encode()).hexdigest()


def _append_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the entries wait for the real commit
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    entries = [{key: value for key, value in queued.items() if key != _READ} for queued in pending]
    if session.get_bind().dialect.name == "postgresql":
        # Unsealed, in one statement, without waiting for anyone: the sealer chains them.
        session.execute(insert(AuditEvent.__table__), entries)
        return
    # SQLite: this transaction is the only writer (BEGIN IMMEDIATE), so chain at once.
    previous = (
        session.scalar(select(AuditEvent.entry_hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS_HASH
    )
    for entry in entries:
        entry["previous_hash"] = previous
        entry["entry_hash"] = previous = entry_hash(previous, entry)
    session.execute(insert(AuditEvent.__table__), entries)


def _discard_pending_changes(session: Session, *_args: Any) -> None:
    reads = [entry for entry in session.info.pop(_PENDING, None) or () if entry[_READ]]
    if reads:
        session.info[_PENDING] = reads


def has_pending(session: Session) -> bool:
    """Whether entries wait for a commit (after a rollback: reads only)."""
    return bool(session.info.get(_PENDING))


def write_pending_reads(session: Session) -> None:
    """After a rollback, write the reads it could not undo, in a transaction of their own."""
    if not has_pending(session):
        return
    try:
        session.commit()
    except Exception:
        session.info.pop(_PENDING, None)
        session.rollback()
        raise


def forget_pending_reads(session: Session) -> None:
    """Drop reads queued for an answer that turned out to show nothing (a refusal)."""
    session.info.pop(_PENDING, None)


def install(session_factory: Any) -> None:
    """Write queued entries at commit; on rollback drop the changes' entries, keep the reads'."""
    event.listen(session_factory, "before_commit", _append_pending)
    event.listen(session_factory, "after_rollback", _discard_pending_changes)


def _hashed_fields(row: Any) -> dict[str, Any]:
    return {
        "occurred_at": row.occurred_at,
        "actor_id": row.actor_id,
        "action": row.action,
        "record_type": row.record_type,
        "record_id": row.record_id,
        "address": row.address,
        "details": row.details,
    }


@dataclass(frozen=True)
class Sealed:
    sealed: int  # entries this call chained
    waiting: int  # entries written but not yet sealed (in flight when it looked)


def seal(engine: Engine, wait_seconds: float = 2.0) -> Sealed:
    """Chain every unsealed entry that can no longer be preceded by one not yet committed.

    Runs on connections of its own (never inside a caller's transaction, which may itself
    hold the appending lock). Safe to run in several processes at once: one chains at a time.
    """
    if engine.dialect.name != "postgresql":
        return Sealed(0, 0)  # SQLite chains each entry as it is written
    with engine.connect() as connection:
        handed_out = _handed_out(connection)
        appending = connection.scalars(
            text(
                "SELECT virtualtransaction FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid = 0 AND objid = :id AND objsubid = 1 "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"id": APPENDING_LOCK_ID},
        ).all()
        connection.rollback()
        if appending and not _ended(connection, appending, wait_seconds):
            log.warning("audit sealer: a transaction writing to the trail has been open %s s", wait_seconds)
            handed_out = 0
        sealed = 0
        while True:
            with connection.begin():
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _SEALER_LOCK_ID})
                count = _seal_batch(connection, handed_out)
            sealed += count
            if count < SEAL_BATCH:
                break
        waiting = connection.scalar(text("SELECT count(*) FROM audit_events WHERE entry_hash IS NULL")) or 0
        connection.rollback()
    return Sealed(sealed, waiting)


def _handed_out(connection: Any) -> int:
    """The last id `nextval` gave anyone (0 while none was)."""
    last_value, is_called = connection.execute(
        text("SELECT last_value, is_called FROM audit_events_id_seq")
    ).one()
    return int(last_value) if is_called else int(last_value) - 1


def _ended(connection: Any, transactions: list[str], wait_seconds: float) -> bool:
    """Wait until none of `transactions` holds the appending lock (they committed or rolled back)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        still = connection.scalar(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 "
                "AND objid = :id AND objsubid = 1 AND virtualtransaction = ANY(:vxids)"
            ),
            {"id": APPENDING_LOCK_ID, "vxids": transactions},
        )
        connection.rollback()
        if not still:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)


def _seal_batch(connection: Any, up_to: int) -> int:
    head = connection.execute(
        text("SELECT id, entry_hash FROM audit_events WHERE entry_hash IS NOT NULL ORDER BY id DESC LIMIT 1")
    ).one_or_none()
    head_id, previous = (head.id, head.entry_hash) if head is not None else (0, GENESIS_HASH)
    table = AuditEvent.__table__
    rows = connection.execute(
        select(table)
        .where(table.c.id > head_id, table.c.id <= up_to, table.c.entry_hash.is_(None))
        .order_by(table.c.id)
        .limit(SEAL_BATCH)
    ).all()
    seals = []
    for row in rows:
        digest = entry_hash(previous, _hashed_fields(row))
        seals.append({"row_id": row.id, "previous": previous, "digest": digest})
        previous = digest
    if seals:
        connection.execute(
            text(
                "UPDATE audit_events SET previous_hash = :previous, entry_hash = :digest WHERE id = :row_id"
            ),
            seals,
        )
    return len(seals)


@dataclass(frozen=True)
class Verified:
    checked: int  # sealed entries whose links hold
    broken: AuditEvent | None  # the first entry that breaks the chain
    waiting: int  # entries after the last sealed one, not yet sealed


def verify_chain(session: Session, batch: int = 5000) -> Verified:
    """Walk the chain in order: every sealed entry's link must hold, and no unsealed entry may
    come before a sealed one (that would be an entry the chain skipped)."""
    previous, checked, waiting = GENESIS_HASH, 0, 0
    last_id: int | None = None  # no lower bound: an entry slipped in with id 0 or less is seen too
    first_unsealed: AuditEvent | None = None
    while True:
        query = select(AuditEvent).order_by(AuditEvent.id).limit(batch)
        if last_id is not None:
            query = query.where(AuditEvent.id > last_id)
        rows = session.scalars(query).all()
        if not rows:
            return Verified(checked, None, waiting)
        for row in rows:
            last_id = row.id
            if row.entry_hash is None and row.previous_hash is None:
                first_unsealed = first_unsealed or row
                waiting += 1
                continue
            if first_unsealed is not None:
                return Verified(checked, first_unsealed, waiting)
            if row.previous_hash != previous or row.entry_hash != entry_hash(previous, _hashed_fields(row)):
                return Verified(checked, row, waiting)
            previous, checked = row.entry_hash, checked + 1


def chain_head(session: Session) -> AuditEvent | None:
    """The last sealed entry of the trail (None while none is)."""
    return session.scalar(
        select(AuditEvent).where(AuditEvent.entry_hash.is_not(None)).order_by(AuditEvent.id.desc()).limit(1)
    )


def expectation(entry: AuditEvent) -> str:
    """The `ID:HASH` that `audit-verify --expect` takes, to prove later that nothing was cut."""
    return f"{entry.id}:{entry.entry_hash}"


def missing_expectation(session: Session, entry_id: int, expected_hash: str) -> str | None:
    """Why an intact chain no longer holds a head recorded earlier; None when it does.

    The chain links every entry to the one before it, so an entry with the recorded id and
    hash vouches for every entry up to it. Without it, the tail was cut (or rewritten).
    """
    entry = session.get(AuditEvent, entry_id)
    if entry is None:
        last = chain_head(session)
        if last is None:
            return f"the trail is empty, but entry id {entry_id} was recorded earlier"
        if last.id < entry_id:
            return f"the trail ends at entry id {last.id}, before entry id {entry_id} recorded earlier"
        return f"the trail has no entry id {entry_id}, recorded earlier"
    if entry.entry_hash != expected_hash:
        return f"entry id {entry_id} has hash {entry.entry_hash}, not the {expected_hash} recorded earlier"
    return None
