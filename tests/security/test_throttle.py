"""Sign-in throttling: attackers are slowed down, real people are never locked out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from housing_service import authentication, clock
from housing_service.models import AuditEvent, Role, SignInAttempt
from housing_service.services import throttle

from ..factories import PASSWORD

START = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)
ATTACKER, OFFICE, HOME = "203.0.113.66", "198.51.100.10", "192.0.2.44"


class Moment:
    """The domain clock, frozen, moved by hand."""

    def __init__(self) -> None:
        self.now = START

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        clock._frozen_at = self.now


@pytest.fixture
def moment() -> Iterator[Moment]:
    with clock.frozen(START):
        yield Moment()


@pytest.fixture
def person(make):
    return make.user(Role.ADVOCATE, email="ana@example.org")


def attempt(app, password: str, address: str, email: str = "ana@example.org"):
    browser = app.test_client()
    return browser.post(
        "/api/v1/sessions",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def fail(app, address: str, times: int, email: str = "ana@example.org", moment: Moment | None = None) -> None:
    for _ in range(times):
        response = attempt(app, "not the password", address, email)
        assert response.status_code == 401, response.get_json()
        if moment is not None:
            moment.advance(0.1)


def test_three_tries_are_free_then_the_wait_doubles(app, person, moment):
    fail(app, ATTACKER, 3)
    waits = []
    for _ in range(6):
        throttled = attempt(app, "not the password", ATTACKER)
        assert throttled.status_code == 429
        wait = int(throttled.headers["Retry-After"])
        waits.append(wait)
        moment.advance(wait)
        assert attempt(app, "not the password", ATTACKER).status_code == 401
    assert waits == [1, 2, 4, 8, 16, 32]


def test_a_throttled_answer_says_when_to_try_again_in_the_error_shape(app, person, moment):
    fail(app, ATTACKER, 3)
    response = attempt(app, PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.get_json() == {
        "code": 429,
        "status": "Too Many Requests",
        "message": "Too many unsuccessful sign-ins. Please wait 1 second and try again.",
        "errors": {},
    }


def test_while_throttled_even_the_right_password_is_not_checked(app, person, moment):
    fail(app, ATTACKER, 3)
    assert attempt(app, PASSWORD, ATTACKER).status_code == 429
    moment.advance(1)
    assert attempt(app, PASSWORD, ATTACKER).status_code == 200


def test_every_attempt_is_audited_and_checked_ones_are_kept_for_throttling(app, make, person, moment):
    fail(app, ATTACKER, 3)
    attempt(app, PASSWORD, ATTACKER)  # throttled
    moment.advance(1)
    attempt(app, PASSWORD, ATTACKER)  # signs in
    assert make.count(AuditEvent, action="session.sign_in_refused") == 3
    assert make.count(AuditEvent, action="session.sign_in_throttled") == 1
    assert make.count(AuditEvent, action="session.sign_in") == 1
    assert make.count(SignInAttempt, succeeded=False) == 3
    assert make.count(SignInAttempt, succeeded=True) == 1


def test_hammering_during_a_wait_does_not_stretch_it(app, person, moment):
    fail(app, ATTACKER, 3)
    for wait in (1, 2, 4, 8):
        moment.advance(wait)
        fail(app, ATTACKER, 1)
    for _ in range(20):
        assert attempt(app, "guess", ATTACKER).status_code == 429
    assert attempt(app, "guess", ATTACKER).headers["Retry-After"] == "16"
    moment.advance(16)
    assert attempt(app, PASSWORD, ATTACKER).status_code == 200


def test_the_wait_never_grows_past_15_minutes_and_never_locks_for_good(app, person, moment):
    for _ in range(40):
        response = attempt(app, "guess", ATTACKER)
        if response.status_code == 429:
            wait = int(response.headers["Retry-After"])
            assert wait <= 15 * 60
            moment.advance(wait)
    assert int(attempt(app, "guess", ATTACKER).headers.get("Retry-After", 0)) <= 15 * 60
    moment.advance(15 * 60)
    assert attempt(app, PASSWORD, ATTACKER).status_code == 200


def test_failures_older_than_a_day_are_forgotten(app, person, moment):
    for _ in range(12):
        response = attempt(app, "guess", ATTACKER)
        if response.status_code == 429:
            moment.advance(int(response.headers["Retry-After"]))
    moment.advance(24 * 3600 + 1)
    fail(app, ATTACKER, 3)  # three free tries again


def test_a_real_person_at_another_address_is_not_delayed_by_an_attacker(app, person, moment):
    fail(app, ATTACKER, 3)
    for _ in range(30):  # the attacker goes on, waiting each time
        response = attempt(app, "guess", ATTACKER)
        if response.status_code == 429:
            moment.advance(int(response.headers["Retry-After"]))
    assert attempt(app, PASSWORD, ATTACKER).status_code == 429
    # Ana, at the office, signs in at once, and may mistype as usual.
    fail(app, OFFICE, 2)
    assert attempt(app, PASSWORD, OFFICE).status_code == 200


def test_a_success_clears_the_account_at_address_count(app, person, moment):
    fail(app, OFFICE, 3)
    moment.advance(1)
    assert attempt(app, PASSWORD, OFFICE).status_code == 200
    fail(app, OFFICE, 3)  # three free tries again


def test_an_unknown_email_is_throttled_like_a_real_one(app, person, moment):
    fail(app, ATTACKER, 3, email="nobody@example.org")
    fail(app, ATTACKER, 3)
    unknown = attempt(app, "guess", ATTACKER, email="nobody@example.org")
    known = attempt(app, "guess", ATTACKER)
    assert unknown.status_code == known.status_code == 429
    assert unknown.get_json() == known.get_json()
    assert unknown.headers["Retry-After"] == known.headers["Retry-After"]


def test_spraying_many_accounts_from_one_address_is_slowed(app, person, moment):
    for number in range(30):
        fail(app, ATTACKER, 1, email=f"guess{number}@example.org")
    sprayed = attempt(app, "guess", ATTACKER, email="another@example.org")
    assert sprayed.status_code == 429
    assert sprayed.headers["Retry-After"] == "1"
    moment.advance(1)
    assert attempt(app, "guess", ATTACKER, email="another@example.org").status_code == 401


def test_a_colleague_behind_the_same_address_is_not_delayed_by_the_sprayer(app, make, person, moment):
    colleague = make.user(Role.CASE_MANAGER, email="bo@example.org")
    assert attempt(app, PASSWORD, OFFICE, email=colleague.email).status_code == 200  # signed in here before
    moment.advance(3600)
    for number in range(40):
        response = attempt(app, "guess", OFFICE, email=f"guess{number}@example.org")
        if response.status_code == 429:
            moment.advance(int(response.headers["Retry-After"]))
    assert attempt(app, "guess", OFFICE, email="fresh@example.org").status_code == 429
    assert attempt(app, PASSWORD, OFFICE, email=colleague.email).status_code == 200


def test_an_attack_spread_over_many_addresses_never_delays_the_person(app, person, moment):
    for number in range(15):
        fail(app, f"10.66.{number}.1", 3)
    fail(app, HOME, 2)
    assert attempt(app, PASSWORD, HOME).status_code == 200


def test_the_client_address_behind_a_trusted_proxy_is_the_forwarded_one(
    app, make, person, moment, monkeypatch
):
    monkeypatch.setitem(app.config, "TRUSTED_PROXY_COUNT", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)
    authentication.trust_proxies(app)
    assert isinstance(app.wsgi_app, ProxyFix)
    browser = app.test_client()
    headers = {"X-Forwarded-For": "203.0.113.9"}
    browser.post(
        "/api/v1/sessions",
        json={"email": "ana@example.org", "password": "guess"},
        headers=headers,
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert make.count(SignInAttempt, address="203.0.113.9") == 1
    assert make.count(AuditEvent, address="203.0.113.9") == 1


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(app, make, person, moment):
    app.test_client().post(
        "/api/v1/sessions",
        json={"email": "ana@example.org", "password": "guess"},
        headers={"X-Forwarded-For": "203.0.113.9"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert make.count(SignInAttempt, address="10.0.0.2") == 1
    assert make.count(SignInAttempt, address="203.0.113.9") == 0


def test_old_attempts_are_forgotten_by_the_clean_up(app, person, moment):
    fail(app, ATTACKER, 2)
    with app.app_context():
        from housing_service.extensions import db

        assert throttle.forget_old_attempts(moment.now + timedelta(days=89)) == 0
        assert throttle.forget_old_attempts(moment.now + timedelta(days=91)) == 2
        db.session.commit()
