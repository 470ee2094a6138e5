"""Webhooks for partner systems (a 211 line, the HMIS lead): signed events, never client data.

Events come from the audit trail's entries as a transaction commits (availability changed,
a site opened or closed, a hold's state), so no service has to know webhooks exist, and a
rolled-back change sends nothing. Confidential sites never appear in an event, as they never
appear in a public feed. Each delivery is signed with the webhook's secret:

    X-Housing-Signature: sha256=HEX(HMAC-SHA256(secret, "<X-Housing-Timestamp>." + body))
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import current_app
from flask_babel import gettext
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from .. import clock
from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..i18n import words_of
from ..models import Hold, Role, Site, Space, User
from ..services import audit
from ..services.access import require_admin
from ..services.actor import Actor
from . import delivery, messages, outbox
from .kinds import DeliveryStatus, NotificationKind, WebhookEvent
from .models import DeliveryAttempt, Webhook, WebhookDelivery

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6  # per delivery, with the outbox's backoff between tries
STOP_AFTER_FAILURES = 10  # tries in a row, across deliveries, before the webhook is stopped
TIMEOUT_SECONDS = 10
SUBSCRIBABLE = tuple(event for event in WebhookEvent if event != WebhookEvent.TEST)


# Registering -------------------------------------------------------------------------------


def check_url(url: str) -> str:
    """A public HTTPS address, or InvalidInput naming the problem (SSRF: no private addresses)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    loopback_allowed = current_app.config["WEBHOOKS_ALLOW_LOOPBACK"]
    if parts.scheme != "https" and not (loopback_allowed and parts.scheme == "http"):
        raise InvalidInput.field("url", gettext("Use an https:// address."))
    if not parts.hostname or parts.username or parts.password:
        raise InvalidInput.field(
            "url", gettext("Give a full address such as https://example.org/hooks, without a password.")
        )
    if len(url) > 500:
        raise InvalidInput.field("url", gettext("Use an address of at most 500 characters."))
    for address in _addresses(parts.hostname, parts.port or 443):
        if not (address.is_global or (loopback_allowed and address.is_loopback)):
            raise InvalidInput.field(
                "url",
                gettext("This address points at a private, local or reserved network; use a public one."),
            )
    return url


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise InvalidInput.field("url", gettext("This host name could not be found.")) from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]


def _events(names: list[str]) -> frozenset[WebhookEvent]:
    if not names:
        raise InvalidInput.field("events", gettext("Choose at least one event."))
    try:
        chosen = frozenset(WebhookEvent(name) for name in names)
    except ValueError:
        raise InvalidInput.field(
            "events", gettext(
                "Choose from: %(events)s.", events=", ".join(e.value for e in SUBSCRIBABLE)
            )
        ) from None
    if WebhookEvent.TEST in chosen:
        raise InvalidInput.field("events", gettext("Every webhook gets test events; choose the others."))
    return chosen


def register(actor: Actor, name: str, url: str, events: list[str], now: datetime) -> tuple[Webhook, str]:
    """Add a webhook; return it and its secret, which is shown this once."""
    require_admin(actor)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise InvalidInput.field(
            "name", gettext("Give a name of 1 to 120 characters (e.g. the partner system).")
        )
    chosen = _events(events)
    url = check_url(url)
    secret = "whsec_" + secrets.token_urlsafe(32)
    webhook = Webhook(
        name=name,
        url=url,
        events=chosen,
        secret=secret,
        active=True,
        consecutive_failures=0,
        created_by_id=actor.user_id,
        created_at=now,
    )
    db.session.add(webhook)
    db.session.flush()
    audit.record(actor, "webhook.create", "webhook", webhook.id, {"events": sorted(chosen)}, now=now)
    return webhook, secret


def list_webhooks(actor: Actor) -> list[Webhook]:
    require_admin(actor)
    return list(db.session.scalars(select(Webhook).order_by(Webhook.name, Webhook.id)))


def get_webhook(actor: Actor, webhook_id: int) -> Webhook:
    require_admin(actor)
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None:
        raise NotFound(gettext("No webhook has this id."))
    return webhook


def remove(actor: Actor, webhook: Webhook, now: datetime) -> None:
    db.session.delete(webhook)
    db.session.flush()
    audit.record(actor, "webhook.delete", "webhook", webhook.id, now=now)


def turn_on(actor: Actor, webhook: Webhook, now: datetime) -> Webhook:
    """Start a stopped webhook again (after the partner fixed their end)."""
    webhook.active, webhook.stopped_at, webhook.consecutive_failures = True, None, 0
    db.session.flush()
    audit.record(actor, "webhook.turn_on", "webhook", webhook.id, now=now)
    return webhook


def send_test_event(actor: Actor, webhook: Webhook, now: datetime) -> WebhookDelivery:
    """Queue a test event for this webhook; the next delivery run sends it (within a minute)."""
    delivery_row = _queue(webhook, WebhookEvent.TEST, {"message": "A test event from housing_service."}, now)
    audit.record(actor, "webhook.test", "webhook", webhook.id, now=now)
    return delivery_row


def deliveries_of(actor: Actor, webhook: Webhook, limit: int = 50) -> list[WebhookDelivery]:
    """The latest deliveries to a webhook, newest first (admins)."""
    require_admin(actor)
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


# Events from what the transaction changed ----------------------------------------------------


def _queue(webhook: Webhook, kind: WebhookEvent, data: dict[str, Any], now: datetime) -> WebhookDelivery:
    body = json.dumps(
        {"event": kind.value, "occurred_at": now.isoformat(), "data": data},
        sort_keys=True,
        separators=(",", ":"),
    )
    row = WebhookDelivery(
        webhook_id=webhook.id,
        event=kind,
        payload=body,
        created_at=now,
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
    )
    db.session.add(row)
    return row


def _site_event(site_id: int | None, kind: WebhookEvent, extra: dict[str, Any] | None = None) -> Any:
    if site_id is None:
        return None
    site = db.session.get(Site, site_id)
    if site is None or site.confidential:
        return None  # a confidential site is never named to a partner system
    return kind, {"site_id": site.id, "site_name": site.name, **(extra or {})}


def _event_of(entry: dict[str, Any]) -> Any:
    """The webhook event an audit entry stands for (None: not one partner systems hear about)."""
    action, record_id = entry["action"], entry["record_id"]
    number = int(record_id) if record_id and record_id.isdigit() else None
    if action in ("site.confirm_availability",):
        return [_site_event(number, WebhookEvent.AVAILABILITY_CHANGED)]
    if action in ("space.service_status", "space.create") and number is not None:
        return [
            _site_event(
                db.session.scalar(select(Space.site_id).where(Space.id == number)),
                WebhookEvent.AVAILABILITY_CHANGED,
            )
        ]
    if action == "site.create":
        return [_site_event(number, WebhookEvent.SITE_OPENED)]
    if action == "site.update" and "active" in entry["details"].get("fields", []) and number is not None:
        site = db.session.get(Site, number)
        return [
            _site_event(
                number, WebhookEvent.SITE_OPENED if site and site.active else WebhookEvent.SITE_CLOSED
            )
        ]
    hold_ids: list[int] = []
    if action in ("hold.create", "hold.release") and number is not None:
        hold_ids = [number]
    elif action == "hold.expire":
        hold_ids = list(entry["details"].get("hold_ids", []))
    elif action == "placement.check_in":
        hold_ids = [entry["details"].get("hold_id")]
    events = []
    # Read afresh: a bulk update (expiry) may have changed holds this session already holds.
    current = (
        select(Hold).where(Hold.id.in_([h for h in hold_ids if h])).execution_options(populate_existing=True)
    )
    for hold in db.session.scalars(current):
        events.append(
            _site_event(
                hold.site_id, WebhookEvent.HOLD_CHANGED, {"hold_id": hold.id, "status": hold.status.value}
            )
        )
    if action.startswith("referral."):
        events.append(
            (
                WebhookEvent.REFERRAL_CHANGED,
                {"referral_id": number, "change": action.removeprefix("referral.")},
            )
        )
    return events


def _queue_events_for_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    entries = session.info.get("audit_pending") or []
    if not entries:
        return
    interesting = [
        e for e in entries if e["action"].split(".")[0] in ("site", "space", "hold", "placement", "referral")
    ]
    if not interesting:
        return
    hooks = list(session.scalars(select(Webhook).where(Webhook.active)))
    if not hooks:
        return
    now = clock.now()
    for entry in interesting:
        for found in _event_of(entry) or []:
            if found is None:
                continue
            kind, data = found
            for hook in hooks:
                if kind in hook.events:
                    _queue(hook, kind, data, entry["occurred_at"] or now)
    session.flush()


def install() -> None:
    """Turn the changes each commit records into webhook deliveries, before the audit writes them."""
    if not event.contains(db.session, "before_commit", _queue_events_for_commit):
        event.listen(db.session, "before_commit", _queue_events_for_commit, insert=True)


# Delivering --------------------------------------------------------------------------------


def signature(secret: str, timestamp: str, body: str) -> str:
    """What the receiver recomputes with its copy of the secret to check a delivery."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"sha256={digest}"


@dataclass(frozen=True)
class WebhookReport:
    sent: int = 0
    retrying: int = 0
    gave_up: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.retrying + self.gave_up


class _Refused(Exception):
    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.status = status


def _post(webhook: Webhook, row: WebhookDelivery, now: datetime) -> int:
    try:
        check_url(webhook.url)  # again: a name may point somewhere else since it was added
    except InvalidInput:
        raise _Refused("the address now points at a private or unknown network") from None
    timestamp = str(int(now.timestamp()))
    try:
        answer = requests.post(
            webhook.url,
            data=row.payload.encode(),
            headers={
                "Content-Type": "application/json",
                "User-Agent": "housing_service-webhooks",
                "X-Housing-Event": row.event.value,
                "X-Housing-Delivery": str(row.id),
                "X-Housing-Timestamp": timestamp,
                "X-Housing-Signature": signature(webhook.secret, timestamp, row.payload),
            },
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        raise _Refused(f"not reached ({type(error).__name__})") from None
    if not 200 <= answer.status_code < 300:
        raise _Refused(f"answered {answer.status_code}", answer.status_code)
    return answer.status_code


def deliver_due(now: datetime) -> WebhookReport:
    """Send each due delivery; retry with backoff; stop a webhook that keeps failing."""
    sent = retrying = gave_up = 0
    for row_id in delivery.claim(WebhookDelivery, now):
        row = db.session.get(WebhookDelivery, row_id)
        webhook = db.session.get(Webhook, row.webhook_id) if row else None
        if row is None or webhook is None:
            continue
        if not webhook.active:
            row.status = DeliveryStatus.FAILED
            db.session.add(
                DeliveryAttempt(
                    webhook_delivery_id=row.id,
                    attempted_at=now,
                    succeeded=False,
                    detail="the webhook is stopped",
                )
            )
            db.session.commit()
            gave_up += 1
            continue
        row.attempts += 1
        try:
            row.last_status_code = _post(webhook, row, now)
        except _Refused as refusal:
            row.last_status_code = refusal.status
            webhook.consecutive_failures += 1
            db.session.add(
                DeliveryAttempt(
                    webhook_delivery_id=row.id, attempted_at=now, succeeded=False, detail=str(refusal)[:300]
                )
            )
            if row.attempts >= MAX_ATTEMPTS:
                row.status = DeliveryStatus.FAILED
                gave_up += 1
            else:
                row.status = DeliveryStatus.PENDING
                row.next_attempt_at = now + delivery.backoff(row.attempts)
                retrying += 1
            if webhook.consecutive_failures >= STOP_AFTER_FAILURES:
                _stop(webhook, now)
        else:
            row.status, row.delivered_at = DeliveryStatus.SENT, now
            webhook.consecutive_failures = 0
            db.session.add(
                DeliveryAttempt(
                    webhook_delivery_id=row.id,
                    attempted_at=now,
                    succeeded=True,
                    detail=f"answered {row.last_status_code}",
                )
            )
            sent += 1
        db.session.commit()
    return WebhookReport(sent, retrying, gave_up)


def _stop(webhook: Webhook, now: datetime) -> None:
    """Stop a failing webhook, drop its waiting deliveries, and tell the admins."""
    webhook.active, webhook.stopped_at = False, now
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook.id, WebhookDelivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.FAILED),
        execution_options={"synchronize_session": False},
    )
    admins = db.session.scalars(select(User.id).where(User.role == Role.ADMIN, User.active))
    zone = current_app.config["COALITION_TIMEZONE"]
    outbox.notify(
        NotificationKind.WEBHOOK_STOPPED,
        admins,
        lambda person: messages.webhook_stopped(
            webhook.id, webhook.consecutive_failures, now, zone, words_of(person)
        ),
        key=f"webhook:{webhook.id}:stopped:{now.isoformat()}",
        now=now,
    )
    audit.record(
        Actor.scheduler(),
        "webhook.stop",
        "webhook",
        webhook.id,
        {"failures": webhook.consecutive_failures},
        now=now,
    )
    log.warning("webhook %s stopped after %d failures in a row", webhook.id, webhook.consecutive_failures)
