"""When a space is free for a whole stay, and which sites or spaces are free on a given day."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import itemgetter

# Days are date ordinals; a window running to FOREVER has no later booking.
FOREVER = date.max.toordinal()
_BEFORE_ALL = date.min.toordinal()

Window = tuple[int, int]  # first and last day (inclusive) on which a stay can start


def move_in_windows(bookings: Iterable[tuple[date, date | None]], needed_days: int | None) -> list[Window]:
    """The days on which a stay of `needed_days` nights (None: open-ended) could start in a space."""
    windows: list[Window] = []
    free_from = _BEFORE_ALL
    for start, end in sorted(bookings, key=itemgetter(0)):
        # The gap [free_from, start) holds a stay starting on day d when d + needed_days <= start.
        if needed_days is not None and start.toordinal() - needed_days >= free_from:
            windows.append((free_from, start.toordinal() - needed_days))
        if end is None:
            return windows
        free_from = max(free_from, end.toordinal())
    windows.append((free_from, FOREVER))
    return windows


@dataclass(frozen=True, slots=True)
class FreeByDay:
    """For any day, the set (an int bitset) of members — sites or spaces — free for a stay starting then."""

    days: list[int]  # the days on which the set changes, ascending
    sets: list[int]  # the set from that day on

    @classmethod
    def build(cls, windows_by_member: Iterable[tuple[int, Iterable[Window]]]) -> FreeByDay:
        """Sweep every member's merged windows once; a query is then one binary search."""
        toggles: list[tuple[int, int]] = []
        for member, windows in windows_by_member:
            for first, last in _merged(windows):
                toggles.append((first, member))
                if last < FOREVER:
                    toggles.append((last + 1, member))
        toggles.sort()
        days: list[int] = []
        sets: list[int] = []
        members = 0
        # A member's merged windows neither overlap nor touch, so each boundary flips its bit.
        for day, group in groupby(toggles, key=itemgetter(0)):
            for _, member in group:
                members ^= 1 << member
            days.append(day)
            sets.append(members)
        return cls(days, sets)

    def on(self, day: int) -> int:
        """The members free for a stay starting on `day`."""
        position = bisect_right(self.days, day)
        return self.sets[position - 1] if position else 0


def _merged(windows: Iterable[Window]) -> list[Window]:
    merged: list[Window] = []
    for first, last in sorted(windows):
        if merged and first <= merged[-1][1] + 1:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged
