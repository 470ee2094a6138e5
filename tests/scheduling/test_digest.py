"""The daily digest, sent to a real SMTP server on 127.0.0.1 (aiosmtpd)."""

import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from housing_service.models import Flag

from .conftest import noon


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {key: app.config[key] for key in ("SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False)
    yield inbox
    app.config.update(saved)
    controller.stop()


def test_each_case_manager_gets_one_digest_with_client_codes_only(run, make, stay_world, smtp):
    from housing_service.models import Role

    alias_client = make.client(
        case_manager=stay_world.case_manager, alias="Rosa", avoid_area_ids=[stay_world.site.area_id]
    )
    other_manager = make.user(Role.CASE_MANAGER)
    other_client = make.client(case_manager=other_manager)
    for survivor in (alias_client, other_client):
        make.placement(
            survivor, make.space(stay_world.site), stay_world.site, stay_world.start, stay_world.partner
        )
    run("stay_review", noon(stay_world.end - timedelta(days=14)))
    report = run("daily_digest", noon(stay_world.end - timedelta(days=14)))
    assert report.outcome.records_changed == 2
    by_recipient = {message["To"]: message for message in smtp.messages}
    assert set(by_recipient) == {stay_world.case_manager.email, other_manager.email}
    body = by_recipient[stay_world.case_manager.email].get_content()
    assert stay_world.client.code in body and alias_client.code in body
    assert other_client.code not in body
    assert "Rosa" not in body and "Test Street" not in body  # no alias, no address
    assert "Stay nearing its end" in body
    assert make.count(Flag) == 3


def test_flags_are_emailed_once(run, make, stay_world, smtp):
    run("stay_review", noon(stay_world.end - timedelta(days=14)))
    run("daily_digest", noon(stay_world.end - timedelta(days=14)))
    second = run("daily_digest", noon(stay_world.end - timedelta(days=13)))
    assert second.outcome.records_changed == 0 and len(smtp.messages) == 1


def test_without_smtp_settings_no_email_is_attempted(run, make, stay_world):
    run("stay_review", noon(stay_world.end - timedelta(days=14)))
    assert run("daily_digest", noon(stay_world.end - timedelta(days=14))).outcome.records_changed == 0
