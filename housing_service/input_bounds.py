"""Numbers and dates from URLs stay within what the service and its database can hold.

Every table's id is a 32-bit integer on PostgreSQL. Werkzeug's `int` converter accepts any
number of digits, so `/holds/99999999999999999999` reached the database and failed there
(a 500). Bounded here, a larger id matches no route: 404, like any id that does not exist.

The pages read page numbers, ids and dates from query strings too: a page past the end of
numbers, or a first night in the year 9999 (whose stay ends past the last date Python can
hold), is refused here with a 422 that says what is accepted, as the API does.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from .errors import InvalidInput

LARGEST_ID = 2**31 - 1  # PostgreSQL `integer`
LARGEST_PAGE = 100_000
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2099, 12, 31)
DAY_PROBLEM = f"Enter a date from {EARLIEST_DAY.year} to {LATEST_DAY.year}, for example 2027-03-10."


def within_days(day: date) -> bool:
    """Whether a date is one the service plans for (stays and holds of this century)."""
    return EARLIEST_DAY <= day <= LATEST_DAY


def _whole_number(name: str, raw: str, largest: int) -> int:
    problem = f"Must be a whole number from 1 to {largest:,}."
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(largest)) or not 1 <= int(raw) <= largest:
        raise InvalidInput.field(name, problem)
    return int(raw)


def page_number(raw: str | None) -> int:
    """A page number from a query string: 1 when absent, refused outside 1 to LARGEST_PAGE."""
    return 1 if raw is None or raw == "" else _whole_number("page", raw, LARGEST_PAGE)


def id_argument(name: str, raw: str | None) -> int | None:
    """A record's id from a query string: None when absent, refused unless a whole number in range."""
    return None if raw is None or raw == "" else _whole_number(name, raw, LARGEST_ID)


def day_argument(name: str, raw: str | None) -> date | None:
    """A date from a query string: None when absent, refused unless a real date this century."""
    if raw is None or raw == "":
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput.field(name, DAY_PROBLEM) from None
    if not within_days(day):
        raise InvalidInput.field(name, DAY_PROBLEM)
    return day


class IdConverter(IntegerConverter):
    """`<int:...>` with a default upper bound of LARGEST_ID (a route may still ask for less)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def install(app: Flask) -> None:
    """Replace the `int` converter; call before any blueprint registers its routes."""
    app.url_map.converters["int"] = IdConverter
