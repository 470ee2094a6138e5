"""Two-step sign-in (TOTP, RFC 6238) through the API: enrol, sign in, recovery codes, admin reset, the rule.

Codes are made by pyotp from the secret the service hands out, at the service's own clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from housing_service import clock
from housing_service.models import ApiToken, AuditEvent, RecoveryCode, Role, SignInAttempt, User

from ..factories import PASSWORD

START = datetime(2027, 3, 10, 20, 0, 5, tzinfo=UTC)  # five seconds into a 30-second step
ANA = "ana@example.org"


class Moment:
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
def person(make, moment):
    return make.user(Role.ADVOCATE, email=ANA)


def _sign_in(app, password: str = PASSWORD, otp: str | None = None, address: str = "198.51.100.10"):
    body = {"email": ANA, "password": password}
    if otp is not None:
        body["otp"] = otp
    return app.test_client().post("/api/v1/sessions", json=body, environ_base={"REMOTE_ADDR": address})


def _enrol(api, person, moment) -> tuple[pyotp.TOTP, list[str]]:
    session = api(person)
    started = session.post("/api/v1/users/me/second-factor", json={"current_password": PASSWORD})
    assert started.status_code == 201, started.get_json()
    setup = started.get_json()
    assert setup["otpauth_uri"].startswith("otpauth://totp/")
    assert setup["qr_code"].startswith("data:image/svg+xml")
    totp = pyotp.TOTP(setup["secret"])
    confirmed = session.post(
        "/api/v1/users/me/second-factor/confirmation", json={"code": totp.at(moment.now)}
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    moment.advance(30)  # the code just used is spent; the app shows the next one
    return totp, confirmed.get_json()["recovery_codes"]


def test_enrolling_gives_ten_single_use_recovery_codes_stored_hashed(api, make, person, moment):
    _, codes = _enrol(api, person, moment)
    assert len(codes) == len(set(codes)) == 10
    stored = make.count(RecoveryCode, user_id=person.id)
    assert stored == 10
    user = make.reload(User, person.id)
    assert user.totp_enabled_at is not None
    assert make.count(AuditEvent, action="user.second_factor_enabled") == 1
    from sqlalchemy import select

    from housing_service.extensions import db

    with make.app.app_context():
        hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert not any(code.replace("-", "") in digest for code in codes for digest in hashes)


def test_a_wrong_code_does_not_turn_it_on(api, make, person, moment):
    session = api(person)
    session.post("/api/v1/users/me/second-factor", json={"current_password": PASSWORD})
    wrong = session.post("/api/v1/users/me/second-factor/confirmation", json={"code": "000000"})
    assert wrong.status_code == 422 and list(wrong.get_json()["errors"]) == ["code"]
    assert make.reload(User, person.id).totp_enabled_at is None


def test_starting_to_enrol_needs_the_current_password(api, make, person, moment):
    wrong = api(person).post("/api/v1/users/me/second-factor", json={"current_password": "not mine"})
    assert wrong.status_code == 422 and "current_password" in wrong.get_json()["errors"]
    assert make.reload(User, person.id).totp_secret is None


def test_signing_in_then_needs_the_code_from_the_app(app, api, person, moment):
    totp, _ = _enrol(api, person, moment)
    without = _sign_in(app)
    assert without.status_code == 401
    assert without.get_json()["errors"] == {"otp": ["Required: this account signs in in two steps."]}
    wrong = _sign_in(app, otp="123456" if totp.at(moment.now) != "123456" else "654321")
    assert wrong.status_code == 401 and "otp" in wrong.get_json()["errors"]
    right = _sign_in(app, otp=totp.at(moment.now))
    assert right.status_code == 200
    assert right.get_json()["two_step_sign_in"]["enabled"] is True


def test_a_wrong_password_with_a_right_code_is_refused(app, api, person, moment):
    totp, _ = _enrol(api, person, moment)
    assert _sign_in(app, password="not the password", otp=totp.at(moment.now)).status_code == 401


def test_a_code_can_not_be_used_twice(app, api, person, moment):
    totp, _ = _enrol(api, person, moment)
    code = totp.at(moment.now)
    assert _sign_in(app, otp=code).status_code == 200
    assert _sign_in(app, otp=code).status_code == 401  # seen over a shoulder, replayed at once
    moment.advance(30)
    assert _sign_in(app, otp=totp.at(moment.now)).status_code == 200


def test_a_code_from_a_phone_whose_clock_is_half_a_minute_off_is_accepted(app, api, person, moment):
    totp, _ = _enrol(api, person, moment)
    assert _sign_in(app, otp=totp.at(moment.now + timedelta(seconds=30))).status_code == 200


def test_an_old_code_is_refused(app, api, person, moment):
    totp, _ = _enrol(api, person, moment)
    assert _sign_in(app, otp=totp.at(moment.now - timedelta(minutes=2))).status_code == 401


def test_a_recovery_code_signs_in_once(app, api, make, person, moment):
    _, codes = _enrol(api, person, moment)
    assert _sign_in(app, otp=codes[3]).status_code == 200
    assert _sign_in(app, otp=codes[3]).status_code == 401
    assert _sign_in(app, otp=codes[4].upper().replace("-", " ")).status_code == 200  # as typed
    assert make.count(AuditEvent, action="user.recovery_code_used") == 2


def test_wrong_codes_are_throttled_like_passwords(app, api, make, person, moment):
    totp, _ = _enrol(api, person, moment)
    statuses = [_sign_in(app, otp=f"00000{n}").status_code for n in range(4)]
    assert statuses == [401, 401, 401, 429]
    throttled = _sign_in(app, otp=totp.at(moment.now))
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "1"
    assert make.count(SignInAttempt, succeeded=False) == 3
    assert make.count(AuditEvent, action="session.second_step_refused") == 3


def test_a_right_password_does_not_wipe_out_the_failures_of_the_codes_guessed_after_it(
    app, api, person, moment
):
    """Someone who knows the password still gets a handful of code guesses, not a million."""
    _enrol(api, person, moment)
    assert [_sign_in(app, otp=f"11111{n}").status_code for n in range(3)] == [401, 401, 401]
    waits = []
    for n in range(5):
        throttled = _sign_in(app, otp=f"22222{n}")
        assert throttled.status_code == 429
        waits.append(int(throttled.headers["Retry-After"]))
        moment.advance(waits[-1])
        assert _sign_in(app, otp=f"33333{n}").status_code == 401
    assert waits == [1, 2, 4, 8, 16]


def test_without_the_rule_two_step_sign_in_is_optional(app, make, moment):
    make.user(Role.ADVOCATE, email=ANA)
    answer = _sign_in(app)
    assert answer.status_code == 200
    assert answer.get_json()["two_step_sign_in"] == {"enabled": False, "required": False, "enrol_by": None}


@pytest.fixture
def required_for_advocates(app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", frozenset({"admin", "advocate"}))


def test_where_it_is_required_password_only_sign_in_works_for_the_grace_period(
    app, make, moment, required_for_advocates
):
    make.user(Role.ADVOCATE, email=ANA)
    moment.advance(6 * 86400)
    answer = _sign_in(app)
    assert answer.status_code == 200
    standing = answer.get_json()["two_step_sign_in"]
    assert standing["required"] is True and standing["enabled"] is False
    assert standing["enrol_by"].startswith("2027-03-17T20:00:05")
    moment.advance(86400)
    overdue = _sign_in(app)
    assert overdue.status_code == 403
    assert "Ask your coalition's admin" in overdue.get_json()["message"]
    assert make.count(AuditEvent, action="session.sign_in_second_step_overdue") == 1


def test_the_grace_period_is_a_setting(app, make, moment, required_for_advocates, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_GRACE_DAYS", 1)
    make.user(Role.ADVOCATE, email=ANA)
    moment.advance(86400 + 1)
    assert _sign_in(app).status_code == 403


def test_an_overdue_answer_needs_the_right_password(app, make, moment, required_for_advocates):
    """The 403 says nothing about an account to someone who does not know its password."""
    make.user(Role.ADVOCATE, email=ANA)
    moment.advance(30 * 86400)
    assert _sign_in(app, password="a guess").status_code == 401


def test_roles_the_rule_leaves_out_are_not_held_to_it(app, make, moment, required_for_advocates):
    make.user(Role.PARTNER, email=ANA)
    moment.advance(30 * 86400)
    assert _sign_in(app).status_code == 200


def test_someone_who_set_it_up_signs_in_after_the_grace_period(
    app, api, person, moment, required_for_advocates
):
    totp, _ = _enrol(api, person, moment)
    moment.advance(30 * 86400)
    assert _sign_in(app, otp=totp.at(moment.now)).status_code == 200


def test_an_admin_resets_a_lost_second_factor(app, api, make, person, moment, required_for_advocates):
    admin = make.user(Role.ADMIN)
    _, codes = _enrol(api, person, moment)
    anas_session = api(person)
    token = anas_session.post("/api/v1/tokens", json={"name": "script"}).get_json()["token"]
    moment.advance(30 * 86400)  # long after her grace period

    reset = api(admin).delete(f"/api/v1/users/{person.id}/second-factor")
    assert reset.status_code == 200
    assert reset.get_json()["sessions_ended"] is True and reset.get_json()["tokens_revoked"] == 1

    assert anas_session.get("/api/v1/users/me").status_code == 401
    bearer = app.test_client().get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 401
    assert make.count(ApiToken, revoked_at=None) == 0
    assert make.count(RecoveryCode, user_id=person.id) == 0
    assert make.count(AuditEvent, action="user.second_factor_reset") == 1
    # Her grace period starts again: the password alone signs her in, so that she can enrol anew.
    answer = _sign_in(app)
    assert answer.status_code == 200 and answer.get_json()["two_step_sign_in"]["enabled"] is False
    assert _sign_in(app, otp=codes[0]).status_code == 200  # an old recovery code is ignored, not needed


def test_only_admins_reset_a_second_factor(api, make, person, moment):
    _enrol(api, person, moment)
    for role in (Role.ADVOCATE, Role.CASE_MANAGER, Role.PARTNER):
        assert api(make.user(role)).delete(f"/api/v1/users/{person.id}/second-factor").status_code == 403
    assert make.reload(User, person.id).totp_enabled_at is not None


def test_enrolling_twice_is_refused(api, person, moment):
    _enrol(api, person, moment)
    again = api(person).post("/api/v1/users/me/second-factor", json={"current_password": PASSWORD})
    assert again.status_code == 409


def test_the_device_cookie_comes_only_after_the_second_step(app, api, person, moment):
    from housing_service import devices

    totp, _ = _enrol(api, person, moment)
    browser = app.test_client()
    body = {"email": ANA, "password": PASSWORD}
    assert browser.post("/api/v1/sessions", json=body).status_code == 401
    assert browser.get_cookie(devices.COOKIE_NAME) is None
    assert browser.post("/api/v1/sessions", json={**body, "otp": totp.at(moment.now)}).status_code == 200
    assert browser.get_cookie(devices.COOKIE_NAME) is not None


@pytest.mark.parametrize("which", ["recovery code", "app code"])
def test_one_code_sent_by_eight_clients_at_once_signs_in_exactly_one(app, api, person, moment, which):
    import threading

    totp, codes = _enrol(api, person, moment)
    code = codes[0] if which == "recovery code" else totp.at(moment.now)
    clients = [app.test_client() for _ in range(8)]
    start = threading.Barrier(len(clients))
    statuses = [0] * len(clients)

    def sign_in(index: int) -> None:
        start.wait()
        statuses[index] = (
            clients[index]
            .post(
                "/api/v1/sessions",
                json={"email": ANA, "password": PASSWORD, "otp": code},
                environ_base={"REMOTE_ADDR": f"198.51.100.{index + 1}"},
            )
            .status_code
        )

    threads = [threading.Thread(target=sign_in, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [200] + [401] * 7
