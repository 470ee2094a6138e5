"""Device cookies: a browser that signed in to an account before is never kept out by others' failures.

OWASP's "device cookie" pattern. The issue it answers: after four wrong guesses by a
colleague on the same network, the real person's right password got 429, and one guess
each time a wait ended kept it so.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from housing_service import clock, devices
from housing_service.models import Role, SignInAttempt

from ..factories import PASSWORD
from .test_throttle import ATTACKER, OFFICE, START, Moment, attempt, fail


@pytest.fixture
def moment() -> Iterator[Moment]:
    with clock.frozen(START):
        yield Moment()


@pytest.fixture
def person(make):
    return make.user(Role.ADVOCATE, email="ana@example.org")


def _sign_in(browser, password: str, address: str, email: str = "ana@example.org"):
    return browser.post(
        "/api/v1/sessions",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _known_browser(app, moment, address: str = OFFICE, email: str = "ana@example.org"):
    """Ana's own browser, which signed in at the office a minute ago."""
    browser = app.test_client()
    assert _sign_in(browser, PASSWORD, address, email).status_code == 200
    assert browser.get_cookie(devices.COOKIE_NAME) is not None
    moment.advance(60)
    return browser


def test_a_colleagues_wrong_guesses_at_the_same_address_never_delay_a_known_browser(app, person, moment):
    anas_browser = _known_browser(app, moment)
    fail(app, OFFICE, 3)  # someone else, on another computer in the same office
    assert attempt(app, "a fourth guess", OFFICE).status_code == 429
    assert attempt(app, PASSWORD, OFFICE).status_code == 429  # any other browser must wait
    assert _sign_in(anas_browser, PASSWORD, OFFICE).status_code == 200


def test_one_guess_each_time_a_wait_ends_never_keeps_a_known_browser_out(app, person, moment):
    anas_browser = _known_browser(app, moment)
    for _ in range(5):
        # The colleague guesses until the office's browsers must wait for Ana's account ...
        for _ in range(10):
            response = attempt(app, "guess", OFFICE)
            if response.status_code == 429:
                break
        assert response.status_code == 429
        # ... and Ana, during that wait, signs in at once.
        assert _sign_in(anas_browser, PASSWORD, OFFICE).status_code == 200
        moment.advance(int(response.headers["Retry-After"]))


def test_a_known_browser_is_not_slowed_by_a_sprayer_or_an_attacker_elsewhere(app, make, person, moment):
    anas_browser = _known_browser(app, moment, ATTACKER)  # even at the address the attacks come from
    for number in range(40):
        response = attempt(app, "guess", ATTACKER, email=f"guess{number}@example.org")
        if response.status_code == 429:
            moment.advance(int(response.headers["Retry-After"]))
    fail(app, ATTACKER, 3)
    assert attempt(app, "guess", ATTACKER, email="fresh@example.org").status_code == 429
    assert _sign_in(anas_browser, PASSWORD, ATTACKER).status_code == 200


def test_a_known_browser_may_mistype_and_its_right_password_is_still_checked(app, person, moment):
    anas_browser = _known_browser(app, moment)
    for _ in range(6):
        assert _sign_in(anas_browser, "a typo", OFFICE).status_code == 401  # never 429
    assert _sign_in(anas_browser, PASSWORD, OFFICE).status_code == 200


def test_a_stolen_device_cookie_gets_ten_guesses_then_waits_like_any_browser(app, person, moment):
    anas_browser = _known_browser(app, moment)
    statuses = [_sign_in(anas_browser, f"guess {n}", OFFICE).status_code for n in range(10)]
    assert statuses == [401] * 10
    throttled = _sign_in(anas_browser, PASSWORD, OFFICE)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"]


def test_a_device_cookie_counts_for_its_own_account_only(app, make, person, moment):
    make.user(Role.CASE_MANAGER, email="bo@example.org")
    anas_browser = _known_browser(app, moment)
    fail(app, OFFICE, 3, email="bo@example.org")
    assert _sign_in(anas_browser, PASSWORD, OFFICE, email="bo@example.org").status_code == 429


def test_a_shared_computer_is_known_to_each_person_who_signed_in_there(app, make, person, moment):
    make.user(Role.CASE_MANAGER, email="bo@example.org")
    shared = _known_browser(app, moment)
    assert _sign_in(shared, PASSWORD, OFFICE, email="bo@example.org").status_code == 200
    moment.advance(60)
    fail(app, OFFICE, 3)
    fail(app, OFFICE, 3, email="bo@example.org")
    assert attempt(app, PASSWORD, OFFICE).status_code == 429
    assert _sign_in(shared, PASSWORD, OFFICE).status_code == 200
    assert _sign_in(shared, PASSWORD, OFFICE, email="bo@example.org").status_code == 200


def test_a_forged_or_edited_device_cookie_is_ignored(app, person, moment):
    anas_browser = _known_browser(app, moment)
    real = anas_browser.get_cookie(devices.COOKIE_NAME).value
    forger = app.test_client()
    forger.set_cookie(devices.COOKIE_NAME, real[:-3] + ("AAA" if not real.endswith("AAA") else "BBB"))
    fail(app, OFFICE, 3)
    assert _sign_in(forger, PASSWORD, OFFICE).status_code == 429


def test_the_device_cookie_is_http_only_same_site_and_names_no_email(app, person, moment):
    browser = app.test_client()
    response = _sign_in(browser, PASSWORD, OFFICE)
    header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{devices.COOKIE_NAME}=")
    )
    assert (
        "HttpOnly" in header and "SameSite=Lax" in header and "Secure" in header
    )  # testing is not development
    assert "ana" not in header.lower()


def test_a_failed_sign_in_sets_no_device_cookie(app, person, moment):
    browser = app.test_client()
    assert _sign_in(browser, "wrong", OFFICE).status_code == 401
    assert browser.get_cookie(devices.COOKIE_NAME) is None


def test_attempts_from_a_known_browser_are_recorded_with_its_device(app, make, person, moment):
    anas_browser = _known_browser(app, moment)
    _sign_in(anas_browser, "a typo", OFFICE)
    assert make.count(SignInAttempt, succeeded=False, device=None) == 0
    assert make.count(SignInAttempt, device=None) == 0  # the first success was from this browser too
