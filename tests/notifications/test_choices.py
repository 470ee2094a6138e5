"""Each person chooses channels per kind and quiet hours; roles have defaults; bad input changes nothing."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from housing_service.extensions import db
from housing_service.models import Role
from housing_service.notifications.kinds import Channel, DeliveryStatus, NotificationKind
from housing_service.notifications.models import NotificationChoice, NotificationSettings, OutboxMessage

from ..scheduling.conftest import noon


def test_each_role_starts_from_its_defaults(api, make):
    advocate = api(make.user(Role.ADVOCATE)).get("/api/v1/notifications/choices").get_json()
    assert advocate["choices"]["hold_expiring"] == ["email", "in_app", "sms"]
    assert advocate["choices"]["digest"] == []
    partner = api(make.user(Role.PARTNER)).get("/api/v1/notifications/choices").get_json()
    assert partner["choices"]["stale_availability"] == ["email", "in_app", "sms"]
    manager = api(make.user(Role.CASE_MANAGER)).get("/api/v1/notifications/choices").get_json()
    assert manager["choices"]["digest"] == ["email"]  # stays and plans: the digest is the e-mail
    assert manager["choices"]["stay_flag"] == ["in_app"]
    assert advocate["sms_on"] is False and advocate["email_on"] is False  # nothing set up in tests


def test_a_person_changes_their_choices_and_quiet_hours(api, make):
    person = make.user(Role.CASE_MANAGER)
    answer = api(person).put(
        "/api/v1/notifications/choices",
        json={"choices": {"digest": [], "stay_flag": ["sms"]}, "quiet_from": "22:00", "quiet_until": "07:00"},
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["choices"]["digest"] == [] and body["choices"]["stay_flag"] == ["sms"]
    assert body["quiet_from"] == "22:00:00" and body["quiet_until"] == "07:00:00"
    assert body["choices"]["plan_step_due"] == ["in_app"]  # left out: unchanged


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"choices": {"everything": ["email"]}}, "choices"),
        ({"choices": {"stay_flag": ["pigeon"]}}, "choices"),
        ({"choices": {"digest": ["sms"]}}, "choices.digest"),
        ({"choices": {"webhook_stopped": ["email"]}}, "choices.webhook_stopped"),
        ({"quiet_from": "22:00"}, "quiet_until"),
        ({"quiet_from": "22:00", "quiet_until": "22:00"}, "quiet_until"),
        ({"quiet_from": "25:00", "quiet_until": "07:00"}, "quiet_from"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_choices_are_refused_and_change_nothing(api, make, body, field):
    answer = api(make.user(Role.ADVOCATE)).put("/api/v1/notifications/choices", json=body)
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert any(key == field or key.startswith(field + ".") for key in errors), errors
    assert make.count(NotificationChoice) == 0 and make.count(NotificationSettings) == 0


def test_quiet_hours_hold_back_emails(app, run, make, stay_world, smtp, api):
    manager = stay_world.case_manager
    api(manager).put("/api/v1/notifications/choices", json={"choices": {"stay_flag": ["in_app", "email"]}})
    with app.app_context():
        # 10 pm to 7 am; the stay review runs at 11 pm local.
        db.session.add(
            NotificationSettings(
                user_id=manager.id, quiet_from=time(22), quiet_until=time(7), pending_code_attempts=0
            )
        )
        db.session.commit()
    late = noon(stay_world.end - timedelta(days=14)) + timedelta(hours=11)
    run("stay_review", late)
    assert smtp.messages == []
    with app.app_context():
        email = db.session.query(OutboxMessage).filter_by(channel=Channel.EMAIL).one()
        assert email.status == DeliveryStatus.PENDING
        assert email.next_attempt_at == late + timedelta(hours=8)  # 7 am local
    run("deliver", late + timedelta(hours=8, minutes=1))
    assert [m["To"] for m in smtp.messages] == [manager.email]
    assert (
        make.count(OutboxMessage, kind=NotificationKind.STAY_FLAG, channel=Channel.IN_APP) == 2
    )  # manager, advocate


def test_a_case_manager_who_chose_no_digest_gets_none(app, run, make, stay_world, smtp, api):
    api(stay_world.case_manager).put(
        "/api/v1/notifications/choices", json={"choices": {"digest": [], "stay_flag": []}}
    )
    run("stay_review", noon(stay_world.end - timedelta(days=14)))
    assert run("daily_digest", noon(stay_world.end - timedelta(days=14))).outcome.records_changed == 0
    assert smtp.messages == []


def test_without_a_provider_no_text_is_queued(app, run, make, stay_world, phone_of, smtp):
    phone_of(stay_world.case_manager, "+15550001111")
    with app.app_context():
        db.session.add(
            NotificationChoice(
                user_id=stay_world.case_manager.id,
                kind=NotificationKind.STAY_FLAG,
                channels=frozenset({Channel.SMS, Channel.EMAIL}),
            )
        )
        db.session.commit()
    run("stay_review", noon(stay_world.end - timedelta(days=14)))
    assert make.count(OutboxMessage, channel=Channel.SMS) == 0  # texting is off: none queued
    assert make.count(OutboxMessage, channel=Channel.EMAIL) == 1
