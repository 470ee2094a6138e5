"""Dates, times and ages as people read them, the same on every page, in every flag and in
every suggestion. Pure Python: the matching module uses it too. (Language names: languages.py.)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def day_text(value: date | None) -> str:
    """'Wed, Mar 10, 2027'."""
    if value is None:
        return ""
    return f"{value:%a}, {value:%b} {value.day}, {value.year}"


def time_text(value: datetime | None, zone: str) -> str:
    """'4:05 pm', in the given time zone."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(zone))
    return f"{local.hour % 12 or 12}:{local:%M} {'am' if local.hour < 12 else 'pm'}"


def moment_text(value: datetime | None, zone: str, today: date | None = None) -> str:
    """'4:05 pm today', '9:00 am tomorrow' or '4:05 pm on Wed, Mar 10, 2027'."""
    if value is None:
        return ""
    local_day = value.astimezone(ZoneInfo(zone)).date()
    if today is not None and local_day == today:
        return f"{time_text(value, zone)} today"
    if today is not None and local_day == today + timedelta(days=1):
        return f"{time_text(value, zone)} tomorrow"
    return f"{time_text(value, zone)} on {day_text(local_day)}"


def age_text(elapsed: timedelta) -> str:
    """'just now', '25 min ago', '2 h ago', '3 days ago'."""
    minutes = int(elapsed.total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"
