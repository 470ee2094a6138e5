"""Every page, as each role that may see it, at 390 px and 1280 px: no axe-core violation (WCAG 2.2 A/AA).

The pages come from the authorization matrix (tests/security/matrix.py), which has a row for every
route the app has: each GET page row is visited as each role the matrix gives a 200, with the URL
filled in from the security tests' coalition. A new GET page is therefore checked as soon as it has
its matrix row, and `test_every_page_is_checked` fails for a page route this walk would miss.
The states that matter are checked too: forms sent back with their errors, empty lists, a flash
message, the error pages, the second sign-in step, and pages a form shows once (a new password,
recovery codes, a webhook's secret).

One browser for all; one browser context (one sign-in) per role. A violation is fixed in the
template or the stylesheet, never by leaving a rule out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from flask import Flask, url_for
from sqlalchemy import update

from housing_service import clock
from housing_service.extensions import db
from housing_service.models import Role, User
from tests.factories import PASSWORD, Factory
from tests.security.coalition import (
    ADMIN,
    ADVOCATE,
    ANONYMOUS,
    CASE_MANAGER,
    NOW,
    OFF_CASE,
    PARTNER_OTHER,
    PARTNER_OWN,
    Coalition,
    build,
)
from tests.security.matrix import PAGE_ROWS, Row
from tests.web import axe
from tests.web.conftest import BrowserPage

WIDTHS = (390, 1280)
HEIGHT = 844
# Each kind of person once (the advocate off the case sees what the advocate sees); partner_other
# is the screened shelter's staff, who answer the coalition's referral.
BROWSED_ROLES = (ANONYMOUS, ADVOCATE, CASE_MANAGER, PARTNER_OWN, PARTNER_OTHER, ADMIN)

# GET routes that are not pages to read, and why they are not walked.
NOT_PAGES = {
    "static": "the stylesheet and the icon",
    "web.home": "sends each person on to their main page, which is walked",
    "report_pages.table_download": "a CSV file",
    "report_pages.hmis_export_download": "a zip file",
    "directory_pages.template_download": "a spreadsheet template",
    "directory_pages.export_download": "a spreadsheet",
}
# Pages the matrix's GET cannot show (they need a state): see test_signing_in_with_its_errors_is_accessible.
STATE_PAGES = {"web.sign_in_second_step": "needs a password typed by someone with two-step sign-in"}


@dataclass(frozen=True)
class Visit:
    role: str
    endpoint: str
    url: str


def _resolve(value: Any, world: Coalition) -> dict[str, Any]:
    return (value(world) if callable(value) else value) or {}


def page_rows() -> list[Row]:
    return [row for row in PAGE_ROWS if row.method == "GET" and row.endpoint not in NOT_PAGES]


def visits(app: Flask, world: Coalition, role: str) -> list[Visit]:
    """The pages `role` may see, with URLs pointing at the coalition's records."""
    found = []
    for row in page_rows():
        if row.expect[role] != 200:
            continue
        with app.test_request_context():
            url = url_for(row.endpoint, **row.url_values(world), **_resolve(row.query, world))
        found.append(Visit(role, row.endpoint, url.removeprefix("http://localhost")))
    return found


def _get_routes(app: Flask) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.rule.startswith("/api/")
    }


def test_every_page_is_checked(app: Flask):
    walked = {row.endpoint for row in page_rows() if any(row.expect[role] == 200 for role in BROWSED_ROLES)}
    missing = sorted(_get_routes(app) - walked - set(NOT_PAGES) - set(STATE_PAGES))
    assert not missing, (
        f"GET pages the accessibility walk does not reach: {missing}. Give each a row in "
        "tests/security/matrix.py with a role that gets 200, or, if it is not a page (a file, a "
        "redirect), add it to NOT_PAGES in tests/web/test_accessibility.py with the reason."
    )
    stale = sorted((set(NOT_PAGES) | set(STATE_PAGES)) - _get_routes(app))
    assert not stale, f"no such GET routes any more: {stale}"


@pytest.fixture
def coalition(app: Flask) -> Iterator[Coalition]:
    """The security tests' coalition, at its moment (the clock stays there for the whole test)."""
    with clock.frozen(NOW):
        yield build(app)


@pytest.fixture
def open_tab(browser: Any, live_server: str) -> Iterator[Any]:
    """`open_tab()`: a new browser context (its own cookies) on the live server; all checked at the end."""
    opened: list[tuple[Any, BrowserPage]] = []

    def new_tab() -> BrowserPage:
        context = browser.new_context(base_url=live_server, viewport={"width": WIDTHS[-1], "height": HEIGHT})
        context.set_default_timeout(15_000)
        tab = BrowserPage(context.new_page(), live_server)
        opened.append((context, tab))
        return tab

    yield new_tab
    for context, tab in opened:
        context.close()
        assert not tab.outside_requests, f"requests left 127.0.0.1: {tab.outside_requests}"
        assert not tab.console_errors, f"errors in the browser console: {tab.console_errors}"


def check(tab: BrowserPage, role: str, response: Any = None) -> list[axe.Violation]:
    """The page as it is now, at each width."""
    if response is not None:
        assert response.status in (200, 403, 404, 422), f"{tab.page.url}: {response.status}"
        assert response.headers.get("content-security-policy") == axe.CONTENT_SECURITY_POLICY
    found = []
    for width in WIDTHS:
        tab.page.set_viewport_size({"width": width, "height": HEIGHT})
        found += axe.violations(tab.page, role=role, width=width)
        if width == WIDTHS[0]:
            found += axe.sideways_scrolling(tab.page, role=role, width=width)
    return found


def signed_in_tab(open_tab: Any, world: Coalition, role: str) -> BrowserPage:
    tab = open_tab()
    if role != ANONYMOUS:
        tab.sign_in(world.users[role], world.password)
        assert "/sign-in" not in tab.page.url, f"{role} could not sign in"
    return tab


@pytest.mark.parametrize("role", BROWSED_ROLES)
def test_every_page_is_accessible(app: Flask, coalition: Coalition, open_tab: Any, role: str):
    tab = signed_in_tab(open_tab, coalition, role)
    found: list[axe.Violation] = []
    pages = visits(app, coalition, role)
    assert pages, f"no pages for {role}"
    for visit in pages:
        response = tab.page.goto(visit.url)
        assert response is not None and response.status == 200, f"{visit.url} as {role}: {response}"
        if visit is pages[0]:
            logged = len(tab.console_errors)
            axe.check_csp(tab.page, response)
            del tab.console_errors[logged:]  # the inline script check_csp had refused
        found += check(tab, role, response)
    assert not found, axe.report(found)


# Pages in the states that matter ---------------------------------------------------------------


def test_signing_in_with_its_errors_is_accessible(app: Flask, coalition: Coalition, open_tab: Any):
    found: list[axe.Violation] = []
    # A wrong password: the form with its error.
    tab = open_tab()
    tab.page.goto("/sign-in")
    tab.page.get_by_label("Email address").fill(coalition.emails[ADVOCATE])
    tab.page.get_by_label("Password").fill("not the password")
    tab.page.get_by_role("button", name="Sign in").click()
    assert tab.page.get_by_role("alert").count() > 0, "no error shown"
    found += check(tab, ANONYMOUS)
    # The second step, for someone with two-step sign-in on; then a wrong code.
    with app.app_context():
        db.session.execute(
            update(User).where(User.id == coalition.users[OFF_CASE].id).values(totp_enabled_at=NOW)
        )
        db.session.commit()
    tab = open_tab()
    tab.sign_in(coalition.users[OFF_CASE], coalition.password)
    assert "/sign-in/second-step" in tab.page.url, tab.page.url
    found += check(tab, OFF_CASE)
    tab.page.get_by_label("Code").fill("000000")
    tab.page.get_by_role("button", name="Sign in").click()
    assert tab.page.get_by_role("alert").count() > 0, "no error shown"
    found += check(tab, OFF_CASE)
    assert not found, axe.report(found)


def test_setting_up_two_step_sign_in_is_accessible(coalition: Coalition, open_tab: Any):
    found: list[axe.Violation] = []
    tab = signed_in_tab(open_tab, coalition, CASE_MANAGER)
    tab.page.goto("/account/two-step")
    tab.page.get_by_label("Current password").fill(coalition.password)
    tab.page.get_by_role("button", name="Set up two-step sign-in").click()
    found += check(tab, CASE_MANAGER)  # the QR code and the key
    key = tab.page.locator("#setup-key").inner_text()
    tab.page.get_by_role("textbox", name="Code from the app").fill(pyotp.TOTP(key).at(NOW))
    tab.page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert tab.page.get_by_role("list", name="Recovery codes").count() == 1
    found += check(tab, CASE_MANAGER)  # the recovery codes, shown once
    assert not found, axe.report(found)


def test_empty_lists_refused_forms_and_error_pages_are_accessible(
    coalition: Coalition, open_tab: Any, make: Factory
):
    found: list[axe.Violation] = []
    # A new advocate: nobody on the caseload, no referral yet.
    newcomer = make.user(Role.ADVOCATE, display_name="Nia Newcomer")
    tab = open_tab()
    tab.sign_in(newcomer, PASSWORD)
    for path in ("/caseload", "/referrals"):
        found += check(tab, ADVOCATE, tab.page.goto(path))
        assert tab.page.locator("main li.card").count() == 0, f"{path} is not empty"
    # A search refused with its errors shown (40 adults is past the limit).
    found += check(tab, ADVOCATE, tab.page.goto("/beds?starts_on=2027-03-10&nights=1&adults=40"))
    # A new record's form sent back with its errors.
    tab.page.goto("/caseload/new")
    tab.page.locator("#adults").fill("99")
    tab.page.get_by_role("button", name="Open the record").click()
    assert tab.page.locator(".problem-summary").count() > 0, "no error shown"
    found += check(tab, ADVOCATE)
    found += check(tab, ADVOCATE, tab.page.goto("/admin"))  # 403
    found += check(tab, ADVOCATE, tab.page.goto("/holds/999999"))  # 404

    # The advocate on the case: the bed board searched for a survivor, with its results.
    tab = signed_in_tab(open_tab, coalition, ADVOCATE)
    found += check(tab, ADVOCATE, tab.page.goto(f"/beds?client={coalition['client_a']}"))
    assert tab.page.get_by_role("link", name="Hold").count() > 0, "no results to hold"
    assert not found, axe.report(found)


def test_admins_pages_after_an_action_are_accessible(coalition: Coalition, open_tab: Any):
    found: list[axe.Violation] = []
    tab = signed_in_tab(open_tab, coalition, ADMIN)
    # A flash message.
    tab.page.goto("/admin/areas")
    tab.page.get_by_label("Name").fill("East County")
    tab.page.get_by_role("button", name="Add the area").click()
    assert tab.page.get_by_role("status").count() > 0, "no flash message"
    found += check(tab, ADMIN)
    # A password reset: its confirmation page (the warning button), then the new password, shown once.
    tab.page.goto("/admin/accounts")
    tab.page.get_by_role("button", name="Reset password for Advocate").click()
    found += check(tab, ADMIN)
    tab.page.get_by_role("button", name="Reset password").click()
    assert tab.page.get_by_role("heading", name="New password for Advocate").count() == 1, "no new password"
    found += check(tab, ADMIN)
    # A change of the sign-in rules, to review before it is made.
    tab.page.goto("/admin/sign-in-rules")
    tab.page.get_by_label("Shelter partner").check()
    tab.page.get_by_role("button", name="Review the change").click()
    found += check(tab, ADMIN)
    # A new webhook and its secret, shown once.
    tab.page.goto("/admin/webhooks")
    tab.page.get_by_label("Name", exact=True).fill("HMIS lead")
    tab.page.get_by_label("Address (https:// only, on a public network)").fill("https://93.184.215.14/hmis")
    tab.page.locator("input[name=events]").first.check()
    tab.page.get_by_role("button", name="Add the webhook").click()
    assert tab.page.get_by_role("status").count() > 0, "no secret shown"
    found += check(tab, ADMIN)
    assert not found, axe.report(found)


def test_the_check_finds_a_violation_at_each_width(open_tab: Any):
    """The check can fail: a control without its label (at both widths, with where it is), a page too wide."""
    tab = open_tab()
    tab.page.goto("/sign-in")
    tab.page.evaluate("() => document.querySelector('label[for=email]').remove()")
    found = check(tab, ANONYMOUS)
    assert {(violation.rule, violation.width) for violation in found} >= {("label", 390), ("label", 1280)}
    assert "#email" in axe.report(found) and "/sign-in" in axe.report(found)
    # A word wider than a phone: the page scrolls sideways at 390 px, not at 1280 px.
    tab.page.evaluate("() => document.querySelector('h1').append('W'.repeat(60))")
    reflow = [violation for violation in check(tab, ANONYMOUS) if violation.rule == "reflow"]
    assert [(violation.width, violation.selector) for violation in reflow] == [(390, "h1")]
    # WCAG 2.2's own rule (target size) and 2.0's contrast are among those run; no best-practice rule.
    rules = tab.page.evaluate("tags => window.axe.getRules(tags).map(rule => rule.ruleId)", axe.WCAG_TAGS)
    assert {"target-size", "color-contrast", "label"} <= set(rules)
    assert "region" not in rules  # best practice only
