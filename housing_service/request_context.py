"""Who is asking and when, read once at the edge (API and pages) and passed to services."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, request
from flask_login import current_user

from . import clock
from .services.actor import Actor


def acting() -> Actor:
    """The signed-in person making this request, and the address it came from."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return Actor(user=user, address=request.remote_addr)


def now() -> datetime:
    return clock.now()


def today() -> date:
    """Today's date where the coalition is (nights begin in its time zone)."""
    return clock.local_date(clock.now(), current_app.config["COALITION_TIMEZONE"])
