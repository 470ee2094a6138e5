"""The audit trail: who did what to which record, when and from where; hash-chained.

Entries are queued on the session and written just before it commits, in the same
transaction as the change they describe, under a lock that keeps the chain in order.
A read is different: once survivors' details were shown, the read happened whatever became
of the transaction, so reads outlive a rollback and the request writes them on their own.
Details hold field names, never the values of a survivor's fields: the trail must not
become a second copy of the data it protects.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from .. import clock
from ..extensions import db
from ..models import AuditEvent
from .actor import Actor

GENESIS_HASH = "0" * 64
_PENDING = "audit_pending"
_READ = "read"  # marks a queued entry as a read (not a column)
_CHAIN_LOCK_ID = 7_460_001  # pg advisory lock id for appending to the chain


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
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _CHAIN_LOCK_ID})
    previous = (
        session.scalar(select(AuditEvent.entry_hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS_HASH
    )
    for queued in pending:
        entry = {key: value for key, value in queued.items() if key != _READ}
        digest = entry_hash(previous, entry)
        session.add(AuditEvent(**entry, previous_hash=previous, entry_hash=digest))
        previous = digest
    session.flush()


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


def verify_chain(session: Session, batch: int = 5000) -> tuple[int, AuditEvent | None]:
    """Walk the chain in order; return how many entries hold and the first that does not."""
    previous, checked, last_id = GENESIS_HASH, 0, 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            return checked, None
        for row in rows:
            entry = {
                "occurred_at": row.occurred_at,
                "actor_id": row.actor_id,
                "action": row.action,
                "record_type": row.record_type,
                "record_id": row.record_id,
                "address": row.address,
                "details": row.details,
            }
            if row.previous_hash != previous or row.entry_hash != entry_hash(previous, entry):
                return checked, row
            previous, checked, last_id = row.entry_hash, checked + 1, row.id


def chain_head(session: Session) -> AuditEvent | None:
    """The last entry of the trail (None while it is empty)."""
    return session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))


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
