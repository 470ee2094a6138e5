"""Screened referrals reach people as they happen: the site's staff the moment one is sent (and
again half way to the deadline), the sender when it is answered, admins when it goes unanswered.
No message names the survivor or the site's address."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from housing_service import clock
from housing_service.scheduling.runner import run_job

from ..security.coalition import (
    ADMIN,
    ADVOCATE,
    ALIAS_A,
    NOW,
    OTHER_SECRET_ADDRESS,
    PARTNER_OTHER,
    PARTNER_OWN,
    Coalition,
)
from ..security.conftest import signed_in


def _notes(app: Flask, world: Coalition, role: str) -> list[dict]:
    return signed_in(app, world, role).get("/api/v1/notifications").get_json()["items"]


def _send(app: Flask, world: Coalition) -> int:
    sent = signed_in(app, world, ADVOCATE).post(
        "/api/v1/referrals",
        json={
            "site_id": world["other_secret_site"],
            "client_id": world["client_a"],
            "urgency": "tonight",
            "callback_phone": "+1 408 555 0111",
        },
    )
    assert sent.status_code == 201, sent.get_json()
    return sent.get_json()["id"]


def test_the_sites_staff_are_told_at_once_and_the_sender_when_it_is_answered(
    app: Flask, coalition: Coalition
):
    referral_id = _send(app, coalition)
    told = _notes(app, coalition, PARTNER_OTHER)
    assert [note["subject"] for note in told] == ["A referral is waiting for an answer"]
    assert _notes(app, coalition, PARTNER_OWN) == []  # another organisation's staff: nothing
    accepted = signed_in(app, coalition, PARTNER_OTHER).post(
        f"/api/v1/referrals/{referral_id}/accept", json={"space_id": coalition["other_bed"]}
    )
    assert accepted.status_code == 200
    answered = [note["subject"] for note in _notes(app, coalition, ADVOCATE)]
    assert "A referral was answered" in answered
    text = str(told) + str(_notes(app, coalition, ADVOCATE))
    for secret in (coalition.client_codes["a"], ALIAS_A, OTHER_SECRET_ADDRESS):
        assert secret not in text


def test_an_unanswered_referral_reaches_the_site_half_way_then_admins_and_the_sender(
    app: Flask, coalition: Coalition
):
    _send(app, coalition)
    with app.app_context(), clock.frozen(NOW + timedelta(minutes=16)):
        assert run_job("referrals", clock.now()).ran
    reminders = [n["subject"] for n in _notes(app, coalition, PARTNER_OTHER)]
    assert "A referral is still waiting for your answer" in reminders
    with app.app_context(), clock.frozen(NOW + timedelta(minutes=31)):
        assert run_job("referrals", clock.now()).ran
    for role in (ADMIN, ADVOCATE, PARTNER_OTHER):
        subjects = [n["subject"] for n in _notes(app, coalition, role)]
        assert "A referral was not answered in time" in subjects, role
