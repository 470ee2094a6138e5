"""Two-step sign-in on the pages (test client): the second step, setting it up, the reminder, the reset."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from housing_service import authentication, clock
from housing_service.models import ApiToken, AuditEvent, RecoveryCode, User
from tests.factories import PASSWORD
from tests.web.world import NOW, text_of

pytestmark = pytest.mark.usefixtures("frozen_clock")

_SETUP_KEY = re.compile(r'<code id="setup-key" class="setup-key">([A-Z2-7]+)</code>')
_RECOVERY = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")


def _set_up_two_step(pages, person) -> tuple[pyotp.TOTP, list[str]]:
    browser = pages(person)
    started = browser.post("/account/two-step/start", {"current_password": PASSWORD})
    assert started.status_code == 200
    shown = text_of(started)
    assert 'src="data:image/svg+xml' in shown and 'alt="QR code for your authenticator app"' in shown
    totp = pyotp.TOTP(_SETUP_KEY.search(shown).group(1))
    confirmed = browser.post("/account/two-step/confirm", {"code": totp.at(NOW)})
    assert confirmed.status_code == 200
    codes = _RECOVERY.findall(text_of(confirmed))
    assert len(codes) == 10
    clock._frozen_at = NOW + timedelta(seconds=30)  # the next code
    return totp, codes


def _password_step(pages, person, target: str = ""):
    browser = pages(None)
    answer = browser.post(f"/sign-in{target}", {"email": person.email, "password": PASSWORD})
    return browser, answer


def test_a_person_with_two_step_sign_in_is_asked_for_the_code_after_the_password(pages, world, make):
    totp, _ = _set_up_two_step(pages, world.advocate)
    browser, answer = _password_step(pages, world.advocate, "?next=/caseload")
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/sign-in/second-step")
    assert browser.http.get("/beds").status_code == 302  # not signed in yet
    step = browser.get(answer.headers["Location"])
    assert step.status_code == 200 and "Sign in: second step" in text_of(step)

    wrong = browser.post(answer.headers["Location"], {"code": "000000"})
    assert wrong.status_code == 401 and "This code does not match." in text_of(wrong)
    right = browser.post(answer.headers["Location"], {"code": totp.at(clock.now())})
    assert right.status_code == 303 and right.headers["Location"] == "/caseload"
    assert browser.http.get("/account").status_code == 200
    assert make.count(AuditEvent, action="session.sign_in") == 1


def test_a_recovery_code_signs_in_once_on_the_page(pages, world):
    _, codes = _set_up_two_step(pages, world.case_manager)
    browser, answer = _password_step(pages, world.case_manager)
    assert browser.post(answer.headers["Location"], {"code": codes[0]}).status_code == 303
    browser, answer = _password_step(pages, world.case_manager)
    assert browser.post(answer.headers["Location"], {"code": codes[0]}).status_code == 401


def test_the_second_step_waits_five_minutes_for_its_code(pages, world, monkeypatch):
    totp, _ = _set_up_two_step(pages, world.advocate)
    browser, answer = _password_step(pages, world.advocate)
    later = authentication.wall_clock() + 5 * 60 + 1
    monkeypatch.setattr(authentication, "wall_clock", lambda: later)
    late = browser.post(answer.headers["Location"], {"code": totp.at(clock.now())})
    assert late.status_code == 303 and late.headers["Location"].startswith("/sign-in")
    assert browser.http.get("/account").status_code == 302


def test_the_second_step_without_a_password_sends_to_sign_in(pages):
    answer = pages(None).get("/sign-in/second-step")
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/sign-in")


def test_setting_it_up_needs_the_password_and_a_right_code(pages, world, make):
    browser = pages(world.partner)
    wrong_password = browser.post("/account/two-step/start", {"current_password": "not mine"})
    assert wrong_password.status_code == 422 and "This is not your current password." in text_of(
        wrong_password
    )
    browser.post("/account/two-step/start", {"current_password": PASSWORD})
    wrong_code = browser.post("/account/two-step/confirm", {"code": "12345x"})
    assert wrong_code.status_code == 422 and "This code does not match." in text_of(wrong_code)
    assert 'src="data:image/svg+xml' in text_of(wrong_code)  # the QR code again, to try once more
    assert make.reload(User, world.partner.id).totp_enabled_at is None


def test_the_account_page_says_whether_it_is_on(pages, world):
    assert "Off: you sign in with your password alone." in text_of(pages(world.advocate).get("/account"))
    _set_up_two_step(pages, world.advocate)
    shown = text_of(pages(world.advocate).get("/account/two-step"))
    assert "It is on" in shown and "You have 10 unused recovery codes." in shown
    assert "<code" not in shown  # recovery codes are shown once, never again


@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", frozenset({"admin", "advocate"}))


def test_during_the_grace_period_every_page_reminds_the_person_to_set_it_up(pages, world, required):
    shown = text_of(pages(world.advocate).get("/beds"))
    assert "Set up two-step sign-in" in shown and 'href="/account/two-step">Set it up now</a>' in shown
    assert "Set it up now" not in text_of(pages(world.partner).get("/my-sites"))  # not required for partners
    assert "Set it up now" not in text_of(pages(world.advocate).get("/account/two-step"))


def test_after_the_grace_period_the_password_alone_no_longer_signs_in(pages, world, required, app):
    clock._frozen_at = NOW + timedelta(days=app.config["TWO_FACTOR_GRACE_DAYS"], seconds=1)
    browser, answer = _password_step(pages, world.advocate)
    assert answer.status_code == 403
    assert "Ask your coalition's admin to reopen it" in text_of(answer)
    assert "Check your email address and password" not in text_of(answer)  # the password was right
    assert browser.http.get("/beds").status_code == 302


def test_an_admin_resets_someones_two_step_sign_in(app, pages, world, make, api):
    _set_up_two_step(pages, world.advocate)
    advocates_browser = pages(world.advocate)
    token = api(world.advocate).post("/api/v1/tokens", json={"name": "script"}).get_json()["token"]
    listed = text_of(pages(world.admin).get("/admin/accounts"))
    assert "Reset two-step sign-in" in listed and "Two-step sign-in on" in listed

    asked = pages(world.admin).post(f"/admin/accounts/{world.advocate.id}/reset-two-step")
    assert asked.status_code == 200 and "recovery codes stop working" in text_of(asked)
    assert make.count(RecoveryCode) == 10  # nothing changed before the confirmation
    reset = pages(world.admin).post(
        f"/admin/accounts/{world.advocate.id}/reset-two-step", {"confirmed": "yes"}
    )
    assert reset.status_code == 303
    assert advocates_browser.http.get("/account").status_code == 302  # their session ended
    assert make.count(ApiToken, revoked_at=None) == 0
    assert make.count(RecoveryCode) == 0
    assert make.count(AuditEvent, action="user.second_factor_reset") == 1
    bearer = app.test_client().get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 401
    # The password alone signs them in again, to set it up anew.
    _, answer = _password_step(pages, world.advocate)
    assert answer.status_code == 303 and not answer.headers["Location"].startswith("/sign-in")


def test_signing_out_everywhere_on_the_account_page_revokes_every_token(app, api, pages, world, make):
    api(world.advocate).post("/api/v1/tokens", json={"name": "script"})
    assert pages(world.advocate).post("/account/sign-out-everywhere").status_code == 303
    assert make.count(ApiToken, revoked_at=None) == 0
