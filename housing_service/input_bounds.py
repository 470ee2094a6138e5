"""Ids in URLs stay within what the database can hold.

Every table's id is a 32-bit integer on PostgreSQL. Werkzeug's `int` converter accepts any
number of digits, so `/holds/99999999999999999999` reached the database and failed there
(a 500). Bounded here, a larger id matches no route: 404, like any id that does not exist.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

LARGEST_ID = 2**31 - 1  # PostgreSQL `integer`


class IdConverter(IntegerConverter):
    """`<int:...>` with a default upper bound of LARGEST_ID (a route may still ask for less)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def install(app: Flask) -> None:
    """Replace the `int` converter; call before any blueprint registers its routes."""
    app.url_map.converters["int"] = IdConverter
