"""Pages: each person's notification choices and phone number; admins' webhooks.

They live on the shared `web` blueprint (sign-in required, no-store, CSRF on every form).
"""

from __future__ import annotations

from datetime import time
from typing import Any

from flask import flash, request, url_for
from flask_babel import gettext
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..errors import DomainError, InvalidInput
from ..extensions import db
from ..services.access import require_admin
from ..web.blueprint import bp
from ..web.rendering import Problem, acting, now, page, see_other
from . import channels, preferences, texting, webhooks
from .kinds import CHANNEL_LABELS, CHANNELS_OF, KIND_LABELS, Channel, kinds_for
from .models import OutboxMessage


def _notifications_page(
    status: int = 200, problems: list[Problem] | None = None, **extra: Any
) -> ResponseReturnValue:
    user = acting().signed_in_user
    settings = preferences.settings_of(user.id)
    notes = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.user_id == user.id, OutboxMessage.channel == Channel.IN_APP)
        .order_by(OutboxMessage.id.desc())
        .limit(20)
    )
    return page(
        "notifications/choices.html",
        status,
        problems=problems or [],
        kinds=kinds_for(user.role),
        kind_labels=KIND_LABELS,
        channel_labels=CHANNEL_LABELS,
        channels_of=CHANNELS_OF,
        chosen=preferences.choices_of([user])[user.id],
        settings=settings,
        notes=list(notes),
        email_on=channels.email_is_on(),
        sms_on=channels.sms_is_on(),
        **extra,
    )


def _time(name: str) -> time | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    try:
        return time.fromisoformat(raw)
    except ValueError:
        raise InvalidInput.field(name, gettext("Give a time such as %(example)s.", example="22:00")) from None


def _problems(error: DomainError) -> list[Problem]:
    db.session.rollback()
    found = [Problem(message, field) for field, messages in error.errors.items() for message in messages]
    return found or [Problem(error.message)]


@bp.route("/account/notifications", methods=["GET", "POST"])
def notification_choices() -> ResponseReturnValue:
    """What I am told and how: per kind, by channel; and my quiet hours."""
    if request.method == "GET":
        return _notifications_page()
    actor = acting()
    user = actor.signed_in_user
    chosen = {
        kind: [c for c in CHANNELS_OF[kind] if request.form.get(f"{kind.value}-{c.value}")]
        for kind in kinds_for(user.role)
    }
    try:
        preferences.choose(actor, chosen, now())
        preferences.set_quiet_hours(actor, _time("quiet_from"), _time("quiet_until"), now())
    except InvalidInput as error:
        return _notifications_page(error.status, _problems(error))
    flash(gettext("Your notification choices are saved."), "success")
    return see_other(url_for("web.notification_choices"))


@bp.route("/account/notifications/phone", methods=["POST"])
def add_phone() -> ResponseReturnValue:
    """Send a code to a number; it is used once the code comes back."""
    try:
        texting.start_phone_confirmation(acting(), request.form.get("phone", ""), now())
    except DomainError as error:
        return _notifications_page(error.status, _problems(error))
    flash(gettext("We sent a code to the number. Type it below to start getting texts there."), "success")
    return see_other(url_for("web.notification_choices"))


@bp.route("/account/notifications/phone/confirm", methods=["POST"])
def confirm_phone() -> ResponseReturnValue:
    actor = acting()
    try:
        texting.confirm_phone(actor, request.form.get("code", ""), now())
    except InvalidInput as error:
        # A wrong code counts towards the five tries: keep the count, show the problem.
        db.session.commit()
        problems = [Problem(m, f) for f, ms in error.errors.items() for m in ms] or [Problem(error.message)]
        return _notifications_page(error.status, problems)
    flash(gettext("Your number is confirmed: texts you chose go there now."), "success")
    return see_other(url_for("web.notification_choices"))


@bp.route("/account/notifications/phone/remove", methods=["POST"])
def remove_phone() -> ResponseReturnValue:
    texting.remove_phone(acting(), now())
    flash(gettext("Your number is removed: no more texts go to it."), "success")
    return see_other(url_for("web.notification_choices"))


# Webhooks (admins) --------------------------------------------------------------------------


def _webhooks_page(
    status: int = 200, problems: list[Problem] | None = None, **extra: Any
) -> ResponseReturnValue:
    actor = acting()
    hooks = webhooks.list_webhooks(actor)
    return page(
        "notifications/webhooks.html",
        status,
        problems=problems or [],
        hooks=hooks,
        deliveries={hook.id: webhooks.deliveries_of(actor, hook, 10) for hook in hooks},
        events=webhooks.SUBSCRIBABLE,
        form=request.form if status >= 400 else MultiDict(),
        **extra,
    )


@bp.route("/admin/webhooks", methods=["GET", "POST"])
def admin_webhooks() -> ResponseReturnValue:
    """Partner systems' webhooks: add one (its secret is shown once), test, turn back on."""
    actor = acting()
    require_admin(actor)
    if request.method == "GET":
        return _webhooks_page()
    try:
        webhook, secret = webhooks.register(
            actor,
            request.form.get("name", ""),
            request.form.get("url", ""),
            request.form.getlist("events"),
            now(),
        )
    except InvalidInput as error:
        return _webhooks_page(error.status, _problems(error))
    # Shown here once, never stored in a cookie or shown again.
    return _webhooks_page(201, new_webhook=webhook, secret=secret)


@bp.route("/admin/webhooks/<int:webhook_id>/test", methods=["POST"])
def admin_test_webhook(webhook_id: int) -> ResponseReturnValue:
    actor = acting()
    webhooks.send_test_event(actor, webhooks.get_webhook(actor, webhook_id), now())
    flash(gettext("A test event is on its way (within a minute); its delivery shows below."), "success")
    return see_other(url_for("web.admin_webhooks"))


@bp.route("/admin/webhooks/<int:webhook_id>/turn-on", methods=["POST"])
def admin_turn_on_webhook(webhook_id: int) -> ResponseReturnValue:
    actor = acting()
    webhooks.turn_on(actor, webhooks.get_webhook(actor, webhook_id), now())
    flash(gettext("The webhook is on again."), "success")
    return see_other(url_for("web.admin_webhooks"))


@bp.route("/admin/webhooks/<int:webhook_id>/delete", methods=["POST"])
def admin_delete_webhook(webhook_id: int) -> ResponseReturnValue:
    actor = acting()
    webhooks.remove(actor, webhooks.get_webhook(actor, webhook_id), now())
    flash(gettext("The webhook is removed; nothing more is sent to it."), "success")
    return see_other(url_for("web.admin_webhooks"))
