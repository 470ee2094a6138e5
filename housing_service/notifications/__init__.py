"""Notifications: the right person told at the right time, by in-app note, e-mail or text;
partners updating availability by text; signed webhooks for partner systems.

A feature package: it stands on the shared layers (models, services, web, api) and nothing
below it imports it. A producer tells people in one call, inside its own transaction:
`notify(kind, recipient_ids, subject=..., body=..., link=..., key=..., now=now)`.
"""

from __future__ import annotations

from flask import Flask

from . import models  # noqa: F401  (the tables join the metadata the migrations compare)


def install(app: Flask) -> None:
    """Pages, API, templates and the listener that turns recorded changes into webhook events."""
