"""Screened referrals, as news: the site's staff told the moment one is sent, the sender when it
is answered. Read from the audit entries each commit records, so the referrals feature does not
depend on this one; the messages are written in the same transaction as the referral."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from .. import clock
from ..extensions import db
from ..models import Referral
from . import outbox

ANSWERS = ("referral.accepted", "referral.declined")


def _tell_about_referrals(session: Session) -> None:
    if session.in_nested_transaction():
        return
    entries: list[dict[str, Any]] = [
        entry
        for entry in session.info.get("audit_pending") or []
        if entry["action"] == "referral.create" or entry["action"] in ANSWERS
    ]
    for entry in entries:
        referral = session.scalar(select(Referral).where(Referral.id == int(entry["record_id"])))
        if referral is None:
            continue
        now = entry["occurred_at"] or clock.now()
        if entry["action"] == "referral.create":
            outbox.notify_referral_sent(referral.id, referral.site_id, now)
        else:
            outbox.notify_referral_answered(referral.id, referral.requested_by_id, now)
    if entries:
        session.flush()


def install() -> None:
    if not event.contains(db.session, "before_commit", _tell_about_referrals):
        event.listen(db.session, "before_commit", _tell_about_referrals, insert=True)
