"""What the scheduler's jobs call: tell people about the flags a run raised, deliver what is due."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Role, User
from . import delivery, outbox, preferences, webhooks
from .kinds import Channel, NotificationKind


def tell_about_flags(run_id: int | None, now: datetime) -> int:
    """In the job run's transaction: one outbox row per person and channel for each new flag."""
    return outbox.notify_flags_raised(run_id, now)


def deliver_due(now: datetime) -> int:
    """Send the due messages and webhook deliveries; each is committed as it goes."""
    return delivery.deliver_outbox(now).total + webhooks.deliver_due(now).total


def digest_opted_out() -> set[int]:
    """Case managers who chose not to get the daily digest e-mail."""
    managers = list(db.session.scalars(select(User).where(User.role == Role.CASE_MANAGER, User.active)))
    chosen = preferences.choices_of(managers)
    return {uid for uid, kinds in chosen.items() if Channel.EMAIL not in kinds[NotificationKind.DIGEST]}
