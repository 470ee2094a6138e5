"""Records opened and never used for a stay: listed for admins, since a made-up record is how
an insider would reach a confidential address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import Client, Hold, Placement, User
from ..services.access import require_admin
from ..services.actor import Actor


@dataclass(frozen=True)
class UnusedRecord:
    client_id: int
    code: str
    created_at: datetime
    created_by_id: int | None
    created_by_name: str | None
    holds_made: int
    referrals_sent: int


def unused_records(actor: Actor, older_than_days: int, now: datetime, limit: int = 500) -> list[UnusedRecord]:
    """Records opened more than `older_than_days` ago with no stay, ever, oldest first."""
    require_admin(actor)
    holds_made = select(func.count(Hold.id)).where(Hold.client_id == Client.id).scalar_subquery()
    never_stayed = ~select(Placement.id).where(Placement.client_id == Client.id).exists()
    rows = db.session.execute(
        select(
            Client.id,
            Client.code,
            Client.created_at,
            Client.created_by_id,
            User.display_name,
            holds_made,
            Client.referrals_sent,
        )
        .outerjoin(User, User.id == Client.created_by_id)
        .where(Client.created_at <= now - timedelta(days=older_than_days), never_stayed)
        .order_by(Client.created_at, Client.id)
        .limit(limit)
    )
    return [UnusedRecord(*row) for row in rows]
