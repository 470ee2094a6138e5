"""The audit trail's checkpoint: its head, written where the database's owner can't reach.

The hash chain proves that no entry before the last was changed; only a copy of the head
kept elsewhere proves that no entry was cut from the end. The checkpoint writes the head to
the application log and, with SMTP set, emails it to every active admin.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Role, User
from . import audit, mail

log = logging.getLogger(__name__)


def record_checkpoint(now: datetime) -> int:
    """Seal the trail, log its head and email it to admins; return how many emails went out."""
    audit.seal(db.engine)
    head = audit.chain_head(db.session)
    if head is None:
        log.info("audit checkpoint at %s: the trail is empty", now.isoformat())
        return 0
    expect = audit.expectation(head)
    log.info(
        "audit checkpoint at %s: last entry id %s, hash %s (audit-verify --expect %s)",
        now.isoformat(),
        head.id,
        head.entry_hash,
        expect,
    )
    if not mail.enabled():
        return 0
    admins = db.session.scalars(select(User).where(User.role == Role.ADMIN, User.active).order_by(User.id))
    body = "\n".join(
        [
            f"The audit trail's last entry at {now.isoformat()}: id {head.id}, hash {head.entry_hash}.",
            "",
            "Keep this email. Later, this command proves that no entry up to it was changed or cut:",
            f"  flask --app housing_service audit-verify --expect {expect}",
        ]
    )
    sent = 0
    for admin in admins:
        mail.deliver(mail.new_message(admin.email, "housing_service: audit trail checkpoint", body))
        sent += 1
    return sent
