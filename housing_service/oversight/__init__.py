"""Oversight of confidential addresses: who was shown which, pauses on people shown too many,
and survivors' records opened and never used for a stay (a way to reach an address).

Admins review pauses and unused records; a site's own staff see who was shown its address.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The oversight API, and its pages on the pages' blueprint (before it is registered)."""
    from ..extensions import api
    from . import api as oversight_api
    from . import pages  # noqa: F401  (adds its pages to the web blueprint)

    api.register_blueprint(oversight_api.blp, url_prefix="/api/v1")
