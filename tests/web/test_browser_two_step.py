"""Two-step sign-in end to end in headless Chromium: set it up, sign in with the app's code and with a
recovery code, and an admin's reset. Codes come from pyotp at the real clock, as a phone makes them.
"""

from __future__ import annotations

import time

import pyotp

from tests.web.conftest import BrowserPage


def heading(tab: BrowserPage) -> str:
    return tab.page.locator("h1").inner_text()


def sign_out(tab: BrowserPage) -> None:
    tab.page.get_by_role("button", name="Sign out", exact=True).click()
    tab.page.wait_for_load_state()
    assert heading(tab) == "Sign in"


def fresh_code(totp: pyotp.TOTP, last_step: int) -> tuple[str, int]:
    """A code the service has not seen: this 30 seconds' code, or the next one's if this one is spent.

    The next step's code is what a phone whose clock runs a little ahead shows; the service
    accepts one step either way (and never a step already used).
    """
    now = time.time()
    step = int(now) // 30
    if step > last_step:
        return totp.at(now), step
    return totp.at(now + 30), step + 1


def test_a_person_sets_up_two_step_sign_in_and_signs_in_with_it(tab, world, make):
    person = world.case_manager
    tab.sign_in(person)
    tab.page.get_by_role("link", name="My account").click()
    tab.page.get_by_role("link", name="Set up two-step sign-in").click()
    assert heading(tab) == "Two-step sign-in"
    tab.screenshot("two-step-start")

    tab.page.get_by_label("Current password").fill("correct horse battery staple")
    tab.page.get_by_role("button", name="Set up two-step sign-in").click()
    qr_code = tab.page.get_by_role("img", name="QR code for your authenticator app")
    # The SVG, a data: image, is allowed by the CSP and drawn (no outside QR service is asked).
    assert qr_code.evaluate("image => image.complete && image.naturalWidth > 0")
    tab.screenshot("two-step-scan")
    totp = pyotp.TOTP(tab.page.locator("#setup-key").inner_text())
    code, last_step = fresh_code(totp, -1)
    tab.page.get_by_label("Code from the app").fill(code)
    tab.page.get_by_role("button", name="Turn on two-step sign-in").click()

    codes = tab.page.get_by_role("list", name="Recovery codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    tab.screenshot("two-step-recovery-codes")
    tab.page.get_by_role("link", name="I have kept them: continue").click()
    sign_out(tab)

    # The password, then the code from the app.
    tab.sign_in(person)
    assert heading(tab) == "Sign in: second step"
    tab.screenshot("sign-in-second-step")
    tab.page.get_by_label("Code", exact=True).fill("000000" if totp.now() != "000000" else "111111")
    tab.page.get_by_role("button", name="Sign in").click()
    assert "This code does not match." in tab.page.get_by_role("alert").inner_text()
    tab.screenshot("sign-in-second-step-refused")
    code, last_step = fresh_code(totp, last_step)
    tab.page.get_by_label("Code", exact=True).fill(code)
    tab.page.get_by_role("button", name="Sign in").click()
    tab.page.wait_for_url("**/caseload")
    sign_out(tab)

    # The phone is left at home: a recovery code, once.
    tab.sign_in(person)
    tab.page.get_by_label("Code", exact=True).fill(codes[0])
    tab.page.get_by_role("button", name="Sign in").click()
    tab.page.wait_for_url("**/caseload")
    tab.page.goto("/account/two-step")
    assert "You have 9 unused recovery codes." in tab.page.content()
    sign_out(tab)
    tab.sign_in(person)
    tab.page.get_by_label("Code", exact=True).fill(codes[0])
    tab.page.get_by_role("button", name="Sign in").click()
    assert heading(tab) == "Sign in: second step"

    # The phone is lost for good: an admin resets it.
    tab.page.context.clear_cookies()
    tab.sign_in(world.admin)
    tab.page.goto("/admin/accounts")
    tab.page.get_by_role("button", name=f"Reset two-step sign-in for {person.display_name}").click()
    tab.page.get_by_role("button", name="Reset two-step sign-in").click()
    assert (
        f"Two-step sign-in is reset for {person.display_name}" in tab.page.get_by_role("status").inner_text()
    )
    tab.screenshot("admin-two-step-reset")
    sign_out(tab)

    # The password alone signs them in again, and they can set it up anew.
    tab.sign_in(person)
    tab.page.wait_for_url("**/caseload")
    tab.page.goto("/account")
    assert "Off: you sign in with your password alone." in tab.page.content()


def test_in_the_grace_period_each_page_asks_the_person_to_set_it_up(tab, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", frozenset({"advocate"}))
    tab.sign_in(world.advocate)
    assert heading(tab) == "Bed board"  # the bed board first: the reminder never stands in the way
    reminder = tab.page.get_by_role("complementary", name="Set up two-step sign-in").inner_text()
    assert "Please set it up by" in reminder
    tab.screenshot("two-step-reminder")
    tab.page.get_by_role("link", name="Set it up now").click()
    assert heading(tab) == "Two-step sign-in"
    assert "Your coalition asks you to set it up by" in tab.page.content()


def test_an_admin_requires_it_for_a_role_and_a_newly_required_person_is_reminded(tab, world):
    """Nothing is required at first (the tests' environment); an admin adds advocates on the page."""
    tab.sign_in(world.advocate)
    assert tab.page.get_by_role("complementary", name="Set up two-step sign-in").count() == 0
    sign_out(tab)

    tab.sign_in(world.admin)
    tab.page.get_by_role("link", name="Admin", exact=True).click()
    tab.page.get_by_role("link", name="Sign-in rules").click()
    assert heading(tab) == "Sign-in rules"
    tab.page.get_by_label("Housing advocate").check()
    tab.screenshot("sign-in-rules")
    tab.page.get_by_role("button", name="Review the change").click()
    assert heading(tab) == "Confirm the sign-in rules"
    review = tab.page.locator("main").inner_text()
    assert "Housing advocate: two-step sign-in becomes required." in review
    assert "1 person in that role has not set it up yet" in review
    assert "with a reminder on every page" in review
    tab.screenshot("sign-in-rules-confirm")
    tab.page.get_by_role("button", name="Confirm the change").click()
    assert heading(tab) == "Sign-in rules"
    assert "The sign-in rules are saved." in tab.page.get_by_role("status").inner_text()
    assert tab.page.get_by_label("Housing advocate").is_checked()
    sign_out(tab)

    # The advocate is not locked out: the bed board first, with the reminder.
    tab.sign_in(world.advocate)
    assert heading(tab) == "Bed board"
    reminder = tab.page.get_by_role("complementary", name="Set up two-step sign-in").inner_text()
    assert "Please set it up by" in reminder
    tab.screenshot("sign-in-rules-reminder")
