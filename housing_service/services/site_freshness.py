"""Sites whose availability has not been confirmed lately: flag them to their partner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, cast, func, literal, or_, select

from ..db import UTCDateTime, count_inserted, insert_ignoring_duplicates
from ..extensions import db
from ..models import Flag, FlagKind, Site
from .flags import resolve_freshness_flags


@dataclass(frozen=True)
class FreshnessResult:
    raised: int
    resolved: int


def flag_stale_sites(stale_after: timedelta, now: datetime, run_id: int | None = None) -> FreshnessResult:
    """One flag per site per spell of staleness; it resolves once the site is confirmed."""
    resolved = resolve_freshness_flags(now)
    # The key names the confirmation that went stale, so a later spell gets a new flag.
    last_confirmed = func.coalesce(cast(Site.availability_confirmed_at, String), literal("never"))
    rows = select(
        literal("site:") + cast(Site.id, String) + literal(":stale:") + last_confirmed,
        literal(FlagKind.STALE_AVAILABILITY.value),
        Site.id,
        literal(now, UTCDateTime()),
        literal(run_id),
    ).where(
        Site.active,
        or_(Site.availability_confirmed_at.is_(None), Site.availability_confirmed_at < now - stale_after),
    )
    insert = insert_ignoring_duplicates(db.session, Flag.__table__).from_select(
        ["key", "kind", "site_id", "raised_at", "job_run_id"], rows
    )
    return FreshnessResult(raised=count_inserted(db.session, insert), resolved=resolved)
