"""Webhooks: signed events without client data, retried with backoff, stopped after repeated failure."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from housing_service import clock
from housing_service.models import Role
from housing_service.notifications.kinds import Channel, DeliveryStatus, NotificationKind
from housing_service.notifications.models import OutboxMessage, Webhook, WebhookDelivery

NOW = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)


@pytest.fixture
def admin(make):
    return make.user(Role.ADMIN)


def add_webhook(api, admin, url, events=("availability_changed", "hold_changed")):
    with clock.frozen(NOW):
        return api(admin).post(
            "/api/v1/webhooks", json={"name": "211 line", "url": url, "events": list(events)}
        )


def verify(request, secret: str) -> dict:
    """What the partner does with each delivery: recompute the signature, then read the body."""
    timestamp = request["headers"]["X-Housing-Timestamp"]
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + request["body"], hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(request["headers"]["X-Housing-Signature"], f"sha256={expected}")
    return json.loads(request["body"])


def test_an_availability_change_is_delivered_signed_and_without_client_data(
    app, api, make, admin, receiver, run
):
    answer = add_webhook(api, admin, receiver.url)
    assert answer.status_code == 201
    secret = answer.get_json()["secret"]
    assert api(admin).get("/api/v1/webhooks").get_json()[0].get("secret") is None  # shown once

    organisation = make.organisation()
    site = make.site(organisation=organisation, name="Open Door")
    secret_site = make.site(organisation=organisation, confidential=True, address="Hidden 1")
    partner = make.user(Role.PARTNER, organisation=organisation)
    with clock.frozen(NOW):
        for where in (site, secret_site):
            assert (
                api(partner)
                .post(f"/api/v1/sites/{where.id}/availability-confirmations", json={"changes": []})
                .status_code
                < 300
            )
    run("deliver", NOW + timedelta(seconds=10))
    assert len(receiver.requests) == 1  # the confidential site is never named to a partner system
    event = verify(receiver.requests[0], secret)
    assert event["event"] == "availability_changed"
    assert event["data"] == {"site_id": site.id, "site_name": "Open Door"}
    assert "Hidden 1" not in receiver.requests[0]["body"].decode()
    # A forged or altered body does not verify with the secret.
    tampered = {**receiver.requests[0], "body": receiver.requests[0]["body"].replace(b"Open", b"Shut")}
    with pytest.raises(AssertionError):
        verify(tampered, secret)


def test_a_test_event_and_the_delivery_log(app, api, make, admin, receiver, run):
    webhook_id = add_webhook(api, admin, receiver.url).get_json()["id"]
    with clock.frozen(NOW):
        assert api(admin).post(f"/api/v1/webhooks/{webhook_id}/test").status_code == 202
    run("deliver", NOW + timedelta(seconds=5))
    assert receiver.requests[0]["headers"]["X-Housing-Event"] == "test"
    log = api(admin).get(f"/api/v1/webhooks/{webhook_id}/deliveries").get_json()
    assert [(d["event"], d["status"], d["attempts"], d["last_status_code"]) for d in log] == [
        ("test", "sent", 1, 200)
    ]


def test_failures_are_retried_with_backoff_then_the_webhook_stops_and_admins_are_told(
    app, api, make, admin, receiver, run
):
    webhook_id = add_webhook(api, admin, receiver.url).get_json()["id"]
    receiver.answer_with(500)
    with clock.frozen(NOW):
        for _ in range(2):
            api(admin).post(f"/api/v1/webhooks/{webhook_id}/test")
    moment = NOW
    waits = []
    for minute in range(1, 200):
        before = len(receiver.requests)
        run("deliver", NOW + timedelta(minutes=minute))
        if len(receiver.requests) > before:
            waits.append(minute - (moment - NOW).total_seconds() / 60)
            moment = NOW + timedelta(minutes=minute)
        if not make.reload(Webhook, webhook_id).active:
            break
    webhook = make.reload(Webhook, webhook_id)
    assert not webhook.active and webhook.stopped_at is not None
    assert webhook.consecutive_failures == 10  # two deliveries, five tries each, then stopped
    assert len(receiver.requests) == 10
    assert waits[-1] > waits[1]  # the waits grow (backoff)
    assert make.count(WebhookDelivery, status=DeliveryStatus.FAILED) == 2
    assert make.count(OutboxMessage, kind=NotificationKind.WEBHOOK_STOPPED, channel=Channel.IN_APP) == 1
    # Nothing more goes out until an admin turns it back on.
    with clock.frozen(NOW):
        api(admin).post(f"/api/v1/webhooks/{webhook_id}/test")
    run("deliver", NOW + timedelta(days=1))
    assert len(receiver.requests) == 10
    receiver.answer_with(204)
    with clock.frozen(NOW):
        assert api(admin).post(f"/api/v1/webhooks/{webhook_id}/turn-on").get_json()["active"] is True
        api(admin).post(f"/api/v1/webhooks/{webhook_id}/test")
    run("deliver", NOW + timedelta(days=1, minutes=1))
    assert len(receiver.requests) == 11


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://example.org/hooks", "Use an https:// address."),
        ("https://10.0.0.5/hooks", "private, local or reserved"),
        ("https://192.168.1.20/hooks", "private, local or reserved"),
        ("https://169.254.169.254/latest/meta-data", "private, local or reserved"),
        ("https://127.0.0.1/hooks", "private, local or reserved"),
        ("https://[::1]/hooks", "private, local or reserved"),
        ("https://localhost/hooks", "private, local or reserved"),  # a name is resolved, then judged
        ("https://[::ffff:10.0.0.1]/hooks", "private, local or reserved"),
        ("https://user:pass@93.184.215.14/hooks", "without a password"),
        ("not a url", "Use an https:// address."),
    ],
)
def test_bad_webhook_addresses_are_refused(api, make, admin, url, problem):
    answer = add_webhook(api, admin, url)
    assert answer.status_code == 422
    assert problem in answer.get_json()["errors"]["url"][0]
    assert make.count(Webhook) == 0


def test_bad_events_are_refused(api, make, admin):
    for events, problem in (
        ([], "at least one"),
        (["everything"], "Choose from"),
        (["test"], "Every webhook"),
    ):
        answer = add_webhook(api, admin, "https://93.184.215.14/hooks", events)
        assert answer.status_code == 422 and problem in answer.get_json()["errors"]["events"][0]
    assert make.count(Webhook) == 0


def test_loopback_for_tests_is_refused_outside_the_test_environment(tmp_path):
    from housing_service.config import ConfigurationError, load_config

    with pytest.raises(ConfigurationError, match="test suite only"):
        load_config(
            tmp_path, {"HOUSING_ENV": "production", "SECRET_KEY": "x" * 40, "WEBHOOKS_ALLOW_LOOPBACK": "true"}
        )


def test_holds_and_sites_opening_or_closing_are_events_too(app, api, make, admin, receiver, run):
    secret = add_webhook(api, admin, receiver.url, ("hold_changed", "site_closed", "site_opened")).get_json()[
        "secret"
    ]
    site = make.site(name="Open Door")
    advocate = make.user(Role.ADVOCATE)
    client = make.client(advocates=(advocate,), alias="AliasHidden")
    hold = make.hold(
        client, make.space(site), site, NOW.date(), advocate, expires_at=NOW + timedelta(minutes=30)
    )
    run("hold_expiry", NOW + timedelta(minutes=31))  # warned and expired in one run
    with clock.frozen(NOW):
        assert api(admin).patch(f"/api/v1/sites/{site.id}", json={"active": False}).status_code == 200
    run("deliver", NOW + timedelta(minutes=40))
    events = [verify(request, secret) for request in receiver.requests]
    assert [(e["event"], e["data"]) for e in events] == [
        (
            "hold_changed",
            {"site_id": site.id, "site_name": "Open Door", "hold_id": hold.id, "status": "expired"},
        ),
        ("site_closed", {"site_id": site.id, "site_name": "Open Door"}),
    ]
    assert all(
        b"AliasHidden" not in r["body"] and client.code.encode() not in r["body"] for r in receiver.requests
    )
