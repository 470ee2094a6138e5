"""Notifications: the right person told at the right time, by in-app note, e-mail or text;
partners updating availability by text; signed webhooks for partner systems.

A feature package: it stands on the shared layers (models, services, web, api) and nothing
below it imports it (the scheduler's jobs call it, as they call services). A producer tells
people in one call, inside its own transaction:

    outbox.notify(
        NotificationKind.REFERRAL, [user_id, ...],
        lambda person: messages.referral(answered=True, link=f"/referrals/{id}", words=words_of(person)),
        key=f"referral:{id}:answered", now=now,
    )
"""

from __future__ import annotations

from flask import Blueprint, Flask

from . import models  # noqa: F401  (the tables join the metadata the migrations compare)


def install(app: Flask) -> None:
    """The API, the pages (on the shared `web` blueprint), templates, and webhook events."""
    from ..extensions import api as rest_api
    from . import api, pages, referral_news, webhooks  # noqa: F401  (pages add routes to the web blueprint)

    rest_api.register_blueprint(api.blp, url_prefix="/api/v1")
    app.register_blueprint(Blueprint("notifications_templates", __name__, template_folder="templates"))
    webhooks.install()
    referral_news.install()
