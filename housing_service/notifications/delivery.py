"""Delivering the outbox: claim what is due, send it, record each try, retry with backoff.

Each message is claimed (and the claim committed) before it is sent, and marked sent
(and committed) right after, so two delivery runs never send the same message, and a
message whose flag was committed is sent even if the process died before sending it. A
claim left by a process that died mid-send is taken up again after CLAIM_LEASE: that
rare case may send a message twice (an e-mail keeps its Message-ID), but never loses it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from ..extensions import db
from ..models import User
from . import channels
from .kinds import DeliveryStatus
from .models import DeliveryAttempt, NotificationSettings, OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
CLAIM_LEASE = timedelta(minutes=10)
BATCH = 100


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4, 8 … minutes, at most an hour."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    gave_up: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.retrying + self.gave_up


def due(model: Any, now: datetime) -> ColumnElement[bool]:
    """SQL: rows waiting for a try, and claims abandoned by a process that stopped."""
    return or_(
        (model.status == DeliveryStatus.PENDING) & (model.next_attempt_at <= now),
        (model.status == DeliveryStatus.SENDING) & (model.claimed_at < now - CLAIM_LEASE),
    )


def claim(model: Any, now: datetime, limit: int = BATCH) -> list[int]:
    """Mark up to `limit` due rows as being sent by this run, and commit the claim."""
    query = select(model).where(due(model, now)).order_by(model.next_attempt_at, model.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(db.session.scalars(query))
    for row in rows:
        row.status = DeliveryStatus.SENDING
        row.claimed_at = now
    ids = [row.id for row in rows]
    db.session.commit()
    return ids


def deliver_outbox(now: datetime) -> DeliveryReport:
    """Send every due outbox message once; each try is recorded with its outcome."""
    sent = retrying = gave_up = 0
    for message_id in claim(OutboxMessage, now):
        message = db.session.get(OutboxMessage, message_id)
        if message is None:
            continue
        person = db.session.get(User, message.user_id)
        settings = db.session.get(NotificationSettings, message.user_id)
        message.attempts += 1
        try:
            channels.send(message, person, settings)
        except channels.NotDelivered as reason:
            message.last_error = str(reason)[:300]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = DeliveryStatus.FAILED
                gave_up += 1
            else:
                message.status = DeliveryStatus.PENDING
                message.next_attempt_at = now + backoff(message.attempts)
                retrying += 1
            db.session.add(
                DeliveryAttempt(
                    outbox_message_id=message.id, attempted_at=now, succeeded=False, detail=message.last_error
                )
            )
            log.warning("message %s (%s) not delivered: %s", message.id, message.channel.value, reason)
        else:
            message.status = DeliveryStatus.SENT
            message.sent_at = now
            message.last_error = None
            db.session.add(DeliveryAttempt(outbox_message_id=message.id, attempted_at=now, succeeded=True))
            sent += 1
        db.session.commit()
    return DeliveryReport(sent, retrying, gave_up)
