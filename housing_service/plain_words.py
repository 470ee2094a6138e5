"""Dates, times and ages as people read them, the same on every page, in every flag and in
every suggestion, in the reader's language (Babel's locale data). (Language names: languages.py.)

Pure Python: the matching module uses it too, so the reader's language comes in as a
`Words` (English when not given) and the time zone as a name.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_skeleton, format_time, get_timezone

from .translation import ENGLISH, Words


def day_text(value: date | None, words: Words = ENGLISH) -> str:
    """'Thu, Apr 29, 2027'; in Spanish 'jue, 29 abr 2027'."""
    if value is None:
        return ""
    return format_skeleton("yMMMEd", value, locale=words.locale)


def time_text(value: datetime | None, zone: str, words: Words = ENGLISH) -> str:
    """'4:05 PM' (in Spanish '16:05'), in the given time zone."""
    if value is None:
        return ""
    return format_time(value, "short", tzinfo=get_timezone(zone), locale=words.locale)


def moment_text(value: datetime | None, zone: str, today: date | None = None, words: Words = ENGLISH) -> str:
    """'4:05 PM today', '9:00 AM tomorrow' or '4:05 PM on Thu, Apr 29, 2027'."""
    if value is None:
        return ""
    time = time_text(value, zone, words)
    local_day = value.astimezone(get_timezone(zone)).date()
    if today is not None and local_day == today:
        return words.gettext("%(time)s today", time=time)
    if today is not None and local_day == today + timedelta(days=1):
        return words.gettext("%(time)s tomorrow", time=time)
    return words.gettext("%(time)s on %(day)s", time=time, day=day_text(local_day, words))


def age_text(elapsed: timedelta, words: Words = ENGLISH) -> str:
    """'just now', '25 min ago', '2 h ago', '3 days ago'."""
    minutes = int(elapsed.total_seconds() // 60)
    if minutes < 1:
        return words.gettext("just now")
    if minutes < 60:
        return words.gettext("%(minutes)s min ago", minutes=minutes)
    if minutes < 48 * 60:
        return words.gettext("%(hours)s h ago", hours=minutes // 60)
    return words.ngettext("%(num)s day ago", "%(num)s days ago", minutes // (24 * 60))
