"""When a space counts as free: the whole needed period, from the move-by date, overlapping no booking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from housing_service.matching.availability import FOREVER, FreeByDay, move_in_windows

MOVE_BY = date(2025, 3, 21)


def free_on(bookings: list[tuple[date, date | None]], needed_days: int | None, day: date = MOVE_BY) -> bool:
    free = FreeByDay.build([(0, move_in_windows(bookings, needed_days))])
    return free.on(day.toordinal()) == 1


@pytest.mark.parametrize(
    ("bookings", "needed_days", "free"),
    [
        ([], 60, True),
        ([], None, True),
        # The previous stay's last night is 2025-03-20: its end date is the first free night.
        ([(date(2025, 1, 20), MOVE_BY)], 60, True),
        ([(date(2025, 1, 20), MOVE_BY + timedelta(days=1))], 60, False),
        # A later arrival leaves exactly 60 nights, then one too few.
        ([(MOVE_BY + timedelta(days=60), date(2025, 8, 1))], 60, True),
        ([(MOVE_BY + timedelta(days=59), date(2025, 8, 1))], 60, False),
        # Open-ended needs: free for good from the move-by date.
        ([(date(2025, 1, 1), date(2025, 3, 1))], None, True),
        ([(date(2025, 1, 1), date(2025, 3, 1)), (date(2026, 1, 1), date(2026, 2, 1))], None, False),
        ([(date(2024, 6, 1), None)], 60, False),
        # Bookings given out of order are still read correctly.
        ([(date(2025, 6, 1), None), (date(2025, 1, 1), date(2025, 3, 1))], 60, True),
        ([(date(2025, 6, 1), None), (date(2025, 1, 1), date(2025, 3, 1))], 90, False),
    ],
)
def test_a_space_is_free_only_for_the_whole_needed_period(
    bookings: list[tuple[date, date | None]], needed_days: int | None, free: bool
) -> None:
    assert free_on(bookings, needed_days) is free


def test_windows_show_the_gap_and_the_open_end() -> None:
    bookings = [(date(2025, 1, 1), date(2025, 3, 1)), (date(2025, 6, 1), date(2025, 7, 1))]

    assert move_in_windows(bookings, 30) == [
        (date.min.toordinal(), date(2025, 1, 1).toordinal() - 30),
        (date(2025, 3, 1).toordinal(), date(2025, 6, 1).toordinal() - 30),
        (date(2025, 7, 1).toordinal(), FOREVER),
    ]


def test_sites_free_by_day_follow_each_sites_windows() -> None:
    day = date(2025, 3, 1).toordinal()
    free = FreeByDay.build([(0, [(day, day + 9)]), (1, [(day + 5, FOREVER)]), (2, [])])

    assert [free.on(day + offset) for offset in (-1, 0, 5, 10, 1000)] == [0b00, 0b01, 0b11, 0b10, 0b10]
