"""The one place that reads the current time. Tests and jobs pass `now` explicitly."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_frozen_at: datetime | None = None


def now() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    return _frozen_at if _frozen_at is not None else datetime.now(UTC)


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Make `now()` return `moment` (tests, and jobs replayed by an operator)."""
    global _frozen_at
    if moment.tzinfo is None:
        raise ValueError("a frozen moment must be timezone-aware")
    previous, _frozen_at = _frozen_at, moment.astimezone(UTC)
    try:
        yield
    finally:
        _frozen_at = previous


def local_date(moment: datetime, timezone: str) -> date:
    """The calendar date of `moment` in the coalition's time zone (where a night begins)."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def start_of_day(day: date, timezone: str) -> datetime:
    """The moment `day` begins in the coalition's time zone, in UTC."""
    local = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)
