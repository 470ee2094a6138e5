"""The notifications API: my notes and choices, webhooks (admins), and texts from the provider."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, current_app, g, request
from flask_babel import gettext
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from ..api.common import (
    Blueprint,
    EnumList,
    PageArgs,
    StrictSchema,
    WholeNumber,
    acting,
    now,
    page,
    page_of,
    today,
)
from ..db import savepoint
from ..errors import Conflict, Forbidden, InvalidInput
from ..extensions import db
from . import channels, preferences, sms_provider, texting, webhooks
from .kinds import Channel, DeliveryStatus, NotificationKind, WebhookEvent
from .models import InboundText, OutboxMessage

blp = Blueprint("notifications", __name__, description="Notifications, webhooks and texts")

INBOUND_ENDPOINT = "notifications.text_received"
MESSAGE_SID = re.compile(r"^(SM|MM)[0-9a-fA-F]{32}$")


class NoteSchema(Schema):
    id = WholeNumber()
    kind = fields.Enum(NotificationKind, by_value=True)
    subject = fields.String()
    body = fields.String()
    link = fields.String()
    created_at = fields.DateTime()


class ChoicesSchema(StrictSchema):
    choices = fields.Dict(
        keys=fields.Enum(NotificationKind, by_value=True),
        values=EnumList(Channel),
        metadata={"description": "Per kind, the channels to use ([] for none). Kinds left out keep theirs."},
    )
    quiet_from = fields.Time(allow_none=True, metadata={"description": "e.g. 22:00, in the coalition's time"})
    quiet_until = fields.Time(allow_none=True, metadata={"description": "e.g. 07:00"})


class MyChoicesSchema(Schema):
    choices = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    quiet_from = fields.Time(allow_none=True)
    quiet_until = fields.Time(allow_none=True)
    phone_confirmed = fields.Boolean()
    email_on = fields.Boolean(metadata={"description": "The coalition has e-mail set up."})
    sms_on = fields.Boolean(metadata={"description": "The coalition has texting set up."})


def _my_choices() -> dict[str, Any]:
    user = acting().signed_in_user
    chosen = preferences.choices_of([user])[user.id]
    settings = preferences.settings_of(user.id)
    return {
        "choices": {kind.value: sorted(c.value for c in channels_) for kind, channels_ in chosen.items()},
        "quiet_from": settings.quiet_from if settings else None,
        "quiet_until": settings.quiet_until if settings else None,
        "phone_confirmed": bool(settings and settings.phone),
        "email_on": channels.email_is_on(),
        "sms_on": channels.sms_is_on(),
    }


@blp.route("/notifications", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(NoteSchema))
def my_notes(args: dict[str, Any]) -> dict[str, Any]:
    """My notes in the app, newest first."""
    user = acting().signed_in_user
    mine = select(OutboxMessage).where(
        OutboxMessage.user_id == user.id, OutboxMessage.channel == Channel.IN_APP
    )
    total = db.session.scalar(select(func.count()).select_from(mine.subquery())) or 0
    notes = db.session.scalars(
        mine.order_by(OutboxMessage.id.desc())
        .limit(args["per_page"])
        .offset((args["page"] - 1) * args["per_page"])
    )
    return page(list(notes), total, args)


@blp.route("/notifications/choices", methods=["GET"])
@blp.response(200, MyChoicesSchema)
def my_choices() -> dict[str, Any]:
    """What I am told, by which channels, and my quiet hours."""
    return _my_choices()


@blp.route("/notifications/choices", methods=["PUT"])
@blp.arguments(ChoicesSchema)
@blp.response(200, MyChoicesSchema)
def choose(data: dict[str, Any]) -> dict[str, Any]:
    """Choose channels per kind, and quiet hours (both times, or both null for none)."""
    actor = acting()
    if "choices" in data:
        preferences.choose(actor, data["choices"], now())
    if "quiet_from" in data or "quiet_until" in data:
        preferences.set_quiet_hours(actor, data.get("quiet_from"), data.get("quiet_until"), now())
    return _my_choices()


# Webhooks (admins) --------------------------------------------------------------------------


class NewWebhookSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    url = fields.String(required=True, validate=validate.Length(min=1, max=500))
    events = fields.List(fields.String(), required=True)


class WebhookSchema(Schema):
    id = WholeNumber()
    name = fields.String()
    url = fields.String()
    events = EnumList(WebhookEvent)
    active = fields.Boolean()
    consecutive_failures = WholeNumber()
    stopped_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class NewWebhookAnswerSchema(WebhookSchema):
    secret = fields.String(metadata={"description": "Shown this once: keep it to check signatures."})


class DeliverySchema(Schema):
    id = WholeNumber()
    event = fields.Enum(WebhookEvent, by_value=True)
    status = fields.Enum(DeliveryStatus, by_value=True)
    attempts = WholeNumber()
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    last_status_code = WholeNumber(allow_none=True)
    next_attempt_at = fields.DateTime()


@blp.route("/webhooks", methods=["GET"])
@blp.response(200, WebhookSchema(many=True))
def list_webhooks() -> list[Any]:
    """Webhooks for partner systems (admins)."""
    return webhooks.list_webhooks(acting())


@blp.route("/webhooks", methods=["POST"])
@blp.arguments(NewWebhookSchema)
@blp.response(201, NewWebhookAnswerSchema)
def add_webhook(data: dict[str, Any]) -> dict[str, Any]:
    """Add a webhook: a public HTTPS address and its events. The secret is in this answer only."""
    webhook, secret = webhooks.register(acting(), data["name"], data["url"], data["events"], now())
    return {**{name: getattr(webhook, name) for name in WebhookSchema._declared_fields}, "secret": secret}


@blp.route("/webhooks/<int:webhook_id>", methods=["DELETE"])
@blp.response(204)
def remove_webhook(webhook_id: int) -> None:
    actor = acting()
    webhooks.remove(actor, webhooks.get_webhook(actor, webhook_id), now())


@blp.route("/webhooks/<int:webhook_id>/test", methods=["POST"])
@blp.response(202, DeliverySchema)
def test_webhook(webhook_id: int) -> Any:
    """Queue a test event; it goes out with the next delivery run (within a minute)."""
    actor = acting()
    return webhooks.send_test_event(actor, webhooks.get_webhook(actor, webhook_id), now())


@blp.route("/webhooks/<int:webhook_id>/turn-on", methods=["POST"])
@blp.response(200, WebhookSchema)
def turn_on_webhook(webhook_id: int) -> Any:
    """Start a webhook that was stopped after repeated failures."""
    actor = acting()
    return webhooks.turn_on(actor, webhooks.get_webhook(actor, webhook_id), now())


@blp.route("/webhooks/<int:webhook_id>/deliveries", methods=["GET"])
@blp.response(200, DeliverySchema(many=True))
def webhook_deliveries(webhook_id: int) -> list[Any]:
    """The latest deliveries to this webhook and how each went."""
    actor = acting()
    return webhooks.deliveries_of(actor, webhooks.get_webhook(actor, webhook_id))


# Texts received from the SMS provider ---------------------------------------------------------


def _twiml(reply: str, status: int = 200) -> Response:
    answer = MessagingResponse()
    if reply:
        answer.message(reply)
    return Response(str(answer), status=status, mimetype="application/xml")


def _signed_url() -> str:
    """The address the provider called, as it signed it (behind a proxy: the public one)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    query = request.query_string.decode()
    return f"{base}{request.path}" + (f"?{query}" if query else "")


@blp.route("/sms/inbound", methods=["POST"])
@blp.doc(security=[])
def text_received() -> Response:
    """A text to the coalition's number: verified, checked for replay, throttled, carried out.

    Called by the SMS provider, signed with X-Twilio-Signature.
    """
    provider = sms_provider.provider_from(current_app.config)
    if provider is None:
        raise Forbidden(gettext("Texting is not set up in this coalition."))
    form = request.form.to_dict()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not RequestValidator(provider.auth_token).validate(_signed_url(), form, signature):
        raise Forbidden(gettext("The provider's signature is missing or does not match this request."))
    sid, sender, body = form.get("MessageSid", ""), form.get("From", ""), form.get("Body", "")
    if not MESSAGE_SID.match(sid):
        raise InvalidInput.field(
            "MessageSid", gettext("A provider's message id (SM and 32 hex digits) is needed.")
        )
    if not sender:
        raise InvalidInput.field("From", gettext("The sender's number is needed."))
    moment = now()
    sender_key = texting.sender_hash(sender)
    limit = current_app.config["SMS_TEXTS_PER_NUMBER_PER_HOUR"]
    record = InboundText(message_sid=sid, sender_hash=sender_key, received_at=moment)
    try:
        # The unique message id is the replay guard, even for two copies arriving at once.
        with savepoint(db.session):
            db.session.add(record)
            db.session.flush()
    except IntegrityError:
        raise Conflict(gettext("This message was already received; it is not carried out twice.")) from None
    if texting.texts_in_last_hour(sender_key, moment) > limit:
        record.outcome = "throttled"
        g.keep_changes_on_error = True  # the text counts towards the limit although refused
        return _twiml("", 429)
    reply, user_id, command, outcome = texting.answer(sender, body, today(), moment)
    record.user_id, record.command, record.outcome = user_id, command, outcome
    return _twiml(reply)
