"""Screened referrals to confidential sites: the household asks, the site answers and calls back.

Its service, API and pages live here; it depends on the shared layers (models, services,
the API's and pages' common parts), never the other way round.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The referral API, and the referral pages on the pages' blueprint (before it is registered)."""
    from ..extensions import api
    from . import api as referral_api
    from . import pages  # noqa: F401  (adds its pages to the web blueprint)

    api.register_blueprint(referral_api.blp, url_prefix="/api/v1")
