"""Sessions: a new one at sign-in, ended on the server, timed out when idle and after 12 hours."""

from __future__ import annotations

import time

import pytest
from flask_login.utils import encode_cookie

from housing_service import authentication
from housing_service.config import load_config
from housing_service.models import Role

from ..factories import PASSWORD

WHO_AM_I = "/api/v1/sessions/current"


class WallClock:
    """The clock sessions age by, moved by hand."""

    def __init__(self) -> None:
        self.now = time.time()  # sessions made by the `api` fixture begin now

    def __call__(self) -> float:
        return self.now

    def advance(self, *, minutes: float = 0, hours: float = 0) -> None:
        self.now += minutes * 60 + hours * 3600


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch) -> WallClock:
    clock = WallClock()
    monkeypatch.setattr(authentication, "wall_clock", clock)
    return clock


@pytest.fixture
def person(make):
    return make.user(Role.ADVOCATE, email="ana@example.org")


def _sign_in(app, email="ana@example.org", password=PASSWORD, browser=None):
    browser = browser or app.test_client()
    response = browser.post("/api/v1/sessions", json={"email": email, "password": password})
    return browser, response


def _session_of(browser) -> dict:
    with browser.session_transaction() as session:
        return dict(session)


def _replay(app, cookie_session: dict):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session.update(cookie_session)
    return browser


def test_signing_in_starts_a_new_session_whatever_the_cookie_held_before(app, person, wall):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["planted_by_an_attacker"] = "fixation"
    planted = _session_of(browser)
    _, response = _sign_in(app, browser=browser)
    assert response.status_code == 200
    after = _session_of(browser)
    assert "planted_by_an_attacker" not in after
    assert after["_user_id"] == f"{person.id}.{person.session_version}"
    # The cookie the attacker knew is still anonymous: it did not become the signed-in one.
    assert _replay(app, planted).get(WHO_AM_I).status_code == 401


def test_the_session_cookie_is_http_only_same_site_lax_and_secure_outside_development(app, person):
    _, response = _sign_in(app)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
    assert "httponly" in attributes
    assert "secure" in attributes  # the tests run as HOUSING_ENV=testing
    assert attributes["samesite"].lower() == "samesite=lax"
    assert "expires" not in attributes and "max-age" not in attributes  # ends with the browser


def test_cookies_are_secure_everywhere_but_on_a_developers_machine(tmp_path):
    secret = {"SECRET_KEY": "x" * 40}
    for environment, secure in (("development", False), ("testing", True), ("production", True)):
        config = load_config(tmp_path, {"HOUSING_ENV": environment, **secret})
        assert config["SESSION_COOKIE_SECURE"] is secure
        assert config["REMEMBER_COOKIE_SECURE"] is secure
        assert config["SESSION_COOKIE_HTTPONLY"] is True
        assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_no_remember_me_cookie_is_set_and_a_forged_one_is_refused(app, person):
    _, response = _sign_in(app)
    assert not any(h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie"))
    # Even a correctly signed remember-me cookie (it would take the secret key) opens nothing.
    with app.test_request_context():
        forged = encode_cookie(f"{person.id}.{person.session_version}")
    browser = app.test_client()
    browser.set_cookie("remember_token", forged)
    assert browser.get(WHO_AM_I).status_code == 401


def test_signing_out_ends_the_session_on_the_server(app, person, wall):
    browser, _ = _sign_in(app)
    stolen = _session_of(browser)
    assert browser.delete(WHO_AM_I, json={}).status_code == 204
    assert browser.get(WHO_AM_I).status_code == 401
    assert _replay(app, stolen).get(WHO_AM_I).status_code == 401


def test_signing_out_ends_the_persons_other_sessions_too(app, person, wall):
    laptop, _ = _sign_in(app)
    phone, _ = _sign_in(app)
    assert laptop.delete(WHO_AM_I, json={}).status_code == 204
    assert phone.get(WHO_AM_I).status_code == 401


def test_deactivating_an_account_ends_its_sessions_at_once(app, api, make, person, wall):
    browser, _ = _sign_in(app)
    admin = make.user(Role.ADMIN)
    assert api(admin).patch(f"/api/v1/users/{person.id}", json={"active": False}).status_code == 200
    assert browser.get(WHO_AM_I).status_code == 401
    # Reactivated, the old session still does not come back: a fresh sign-in is needed.
    assert api(admin).patch(f"/api/v1/users/{person.id}", json={"active": True}).status_code == 200
    assert browser.get(WHO_AM_I).status_code == 401


def test_a_role_change_needs_a_fresh_sign_in(app, api, make, person, wall):
    browser, _ = _sign_in(app)
    admin = make.user(Role.ADMIN)
    assert api(admin).patch(f"/api/v1/users/{person.id}", json={"role": "case_manager"}).status_code == 200
    assert browser.get(WHO_AM_I).status_code == 401
    again, response = _sign_in(app)
    assert response.status_code == 200 and again.get(WHO_AM_I).get_json()["role"] == "case_manager"


def test_changing_a_password_needs_a_fresh_sign_in_everywhere(app, person, wall):
    browser, _ = _sign_in(app)
    other, _ = _sign_in(app)
    changed = browser.post(
        "/api/v1/users/me/password",
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert changed.status_code == 200 and changed.get_json()["sessions_ended"] is True
    assert browser.get(WHO_AM_I).status_code == 401
    assert other.get(WHO_AM_I).status_code == 401
    assert _sign_in(app)[1].status_code == 401  # the old password no longer works
    assert _sign_in(app, password="a brand new passphrase")[1].status_code == 200


def test_a_password_reset_by_an_admin_ends_the_persons_sessions(app, api, make, person, wall):
    browser, _ = _sign_in(app)
    admin = make.user(Role.ADMIN)
    reset = api(admin).post(
        f"/api/v1/users/{person.id}/password", json={"new_password": "reset passphrase 42"}
    )
    assert reset.status_code == 200 and reset.get_json()["sessions_ended"] is True
    assert browser.get(WHO_AM_I).status_code == 401


def test_an_idle_session_ends_after_30_minutes(app, person, wall):
    browser, _ = _sign_in(app)
    wall.advance(minutes=29)
    assert browser.get(WHO_AM_I).status_code == 200
    wall.advance(minutes=29)  # 58 minutes since sign-in, 29 since the last request
    assert browser.get(WHO_AM_I).status_code == 200
    wall.advance(minutes=31)
    response = browser.get(WHO_AM_I)
    assert response.status_code == 401
    assert response.get_json()["message"] == "Your session has ended; sign in again."
    # The timed-out cookie is cleared, and it stays dead even if the person comes back.
    wall.advance(minutes=-31)
    assert browser.get(WHO_AM_I).status_code == 401


def test_the_idle_limit_is_a_setting(app, person, wall, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    browser, _ = _sign_in(app)
    wall.advance(minutes=6)
    assert browser.get(WHO_AM_I).status_code == 401


def test_a_session_ends_12_hours_after_sign_in_however_busy(app, person, wall):
    browser, _ = _sign_in(app)
    for _ in range(35):  # a request every 20 minutes for 11 h 40 min
        wall.advance(minutes=20)
        assert browser.get(WHO_AM_I).status_code == 200
    wall.advance(minutes=21)  # 12 h 1 min after sign-in
    assert browser.get(WHO_AM_I).status_code == 401


def test_the_last_seen_time_is_written_at_most_once_a_minute(app, person, wall):
    browser, _ = _sign_in(app)
    wall.advance(minutes=0.5)
    quiet = browser.get(WHO_AM_I)
    assert quiet.status_code == 200 and not quiet.headers.getlist("Set-Cookie")
    wall.advance(minutes=0.6)
    refreshed = browser.get(WHO_AM_I)
    assert any(h.startswith("session=") for h in refreshed.headers.getlist("Set-Cookie"))
    assert _session_of(browser)["last_seen_at"] == wall.now


def test_a_session_cookie_without_a_sign_in_time_is_refused(app, person):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = f"{person.id}.{person.session_version}"
        session["_fresh"] = True
    assert browser.get(WHO_AM_I).status_code == 401


def test_bearer_tokens_are_not_subject_to_session_timeouts(app, api, person, wall):
    token = api(person).post("/api/v1/tokens", json={"name": "script"}).get_json()["token"]
    wall.advance(hours=48)
    response = app.test_client().get(WHO_AM_I, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
