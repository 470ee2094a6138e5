"""Each person's main path, end to end, in headless Chromium against a live server.

Every page visited is also checked for requests that leave 127.0.0.1 and for errors in the
browser console (a refused inline script or style shows there); screenshots of the main
pages at phone and desktop widths go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from housing_service import clock
from housing_service.models import Client, Extension, Flag, FlagKind, Hold, HoldStatus, Placement, Space
from tests.factories import PASSWORD
from tests.web.conftest import BrowserPage


@pytest.fixture
def today(app):
    return clock.local_date(clock.now(), app.config["COALITION_TIMEZONE"])


def heading(tab: BrowserPage) -> str:
    return tab.page.locator("h1").inner_text()


def notice(tab: BrowserPage) -> str:
    return tab.page.get_by_role("status").inner_text()


def test_an_advocate_finds_a_bed_and_holds_it_in_two_steps(tab, world, make):
    tab.page.goto("/sign-in")
    tab.screenshot("sign-in")
    tab.sign_in(world.advocate)
    assert tab.page.url.endswith("/beds") and heading(tab) == "Bed board"
    assert "Confidential location" in tab.page.content() and "7 Secret Road" not in tab.page.content()
    tab.screenshot("bed-board")

    # Step 1: who the bed is for (their record brings household, needs and safety plan), the bed.
    tab.page.get_by_label("Who is the bed for?").select_option(label="S-AB2CD3")
    tab.page.get_by_role("button", name="Find a bed").click()
    assert tab.page.locator('[aria-current="step"]').inner_text().endswith("Find a bed")
    assert tab.page.locator(".who-summary").inner_text().startswith("S-AB2CD3: 1 adult")
    tab.screenshot("bed-board-for-a-survivor")
    tab.page.get_by_role("link", name="Hold Bed 1 at Harbor House").click()
    # Step 2: confirm.
    assert heading(tab) == "Confirm the hold"
    assert tab.page.get_by_label("Who is the bed for?").input_value() == str(world.client.id)
    tab.screenshot("hold-confirm")
    tab.page.get_by_role("button", name="Confirm the hold").click()

    assert heading(tab) == "Bed 1 at Harbor House is held for S-AB2CD3"
    facts = tab.page.locator("dl.facts").inner_text()
    assert "7 Secret Road" in facts
    assert re.search(r"Hold expires\s+\d{1,2}:\d\d\s[AP]M (today|tomorrow)", facts), facts  # CLDR: 2:24 PM
    tab.screenshot("hold")
    assert make.count(Hold, status=HoldStatus.HELD) == 1


def test_a_partner_confirms_availability_checks_a_survivor_in_and_records_an_exit(tab, world, make, today):
    make.hold(world.client, world.bed, world.shelter, today, world.advocate, clock.now() + timedelta(hours=4))
    tab.sign_in(world.partner)
    assert tab.page.url.endswith("/my-sites")
    tab.screenshot("my-sites")
    tab.page.get_by_role("link", name="Harbor House").click()
    assert heading(tab) == "Harbor House"
    assert "1 held" in tab.page.get_by_role("region", name="Availability").inner_text()
    tab.screenshot("site")

    tab.page.get_by_role("button", name="Confirm availability").click()
    assert "availability confirmed" in notice(tab)

    tab.page.get_by_role("button", name="Check in S-AB2CD3").click()
    assert "The survivor is checked in to Bed 1" in notice(tab)
    assert "1 occupied" in tab.page.get_by_role("region", name="Availability").inner_text()

    tab.page.get_by_text("Take out of service: Bed 2").click()
    tab.page.locator(f"#space-{world.second_bed.id}").get_by_label("Why is it out of service?").fill(
        "Leaking roof"
    )
    tab.page.get_by_role("button", name="Mark out of service").click()
    assert "Bed 2 is out of service." in notice(tab)
    assert make.reload(Space, world.second_bed.id).in_service is False

    tab.page.get_by_role("link", name="Record exit for S-AB2CD3").click()
    assert heading(tab) == "Record the end of S-AB2CD3's stay"
    tab.page.get_by_label("Where did they go?").select_option(label="Returned to home country")
    tab.screenshot("exit")
    tab.page.get_by_role("button", name="Record the exit").click()
    assert "The exit is recorded. Bed 1 is free from" in notice(tab)
    stay = _only(make, Placement)
    assert (stay.destination, stay.destination_text) == (17, "Returned to home country")


def test_a_case_manager_acknowledges_a_flag_holds_the_next_place_and_extends_the_stay(
    tab, world, make, today
):
    stay = make.placement(world.client, world.bed, world.shelter, today - timedelta(days=46), world.partner)
    make._save(
        Flag(
            key=f"nearing_limit:{stay.id}:14",
            kind=FlagKind.NEARING_LIMIT,
            client_id=world.client.id,
            placement_id=stay.id,
            subject_on=stay.expected_end_on,
            days_before=14,
            act_by=stay.expected_end_on,
            raised_at=clock.now(),
        )
    )
    tab.sign_in(world.case_manager)
    assert tab.page.url.endswith("/caseload")
    card = tab.page.get_by_role("article", name="S-AB2CD3")
    assert "Day 47 of 60 — 14 days left" in card.inner_text()
    assert card.locator("meter").get_attribute("value") == "47"
    tab.screenshot("caseload")

    card.get_by_role("button", name="I'm on it").click()
    assert "Noted" in notice(tab)
    card = tab.page.get_by_role("article", name="S-AB2CD3")
    card.get_by_text("Add a note for colleagues").click()
    card.get_by_label("Note (optional)").fill("Talking with her about Bridge today")
    card.get_by_role("button", name="Save the note").click()
    assert "Your note is saved" in notice(tab)
    assert (
        "Chris Case-Manager is on it, since" in tab.page.get_by_role("article", name="S-AB2CD3").inner_text()
    )

    tab.page.get_by_role("link", name=re.compile(r"See 1 suggested place")).click()
    assert heading(tab) == "Next place for S-AB2CD3"
    assert "Bridge Apartments" in tab.page.content()
    tab.screenshot("next-place")
    tab.page.get_by_role(
        "button", name=re.compile(r"They chose it: hold Room 1 at Bridge Apartments")
    ).click()
    assert heading(tab) == "Room 1 at Bridge Apartments is held for S-AB2CD3"
    assert "12 Open Street" in tab.page.content()
    hold = _only(make, Hold)
    assert hold.starts_on > today and hold.space_id == world.transitional_bed.id

    # Extensions are recorded from the caseload too.
    tab.page.get_by_role("link", name="Caseload").click()
    tab.page.get_by_role("link", name="Record an extension for S-AB2CD3").click()
    new_end = stay.expected_end_on + timedelta(days=14)
    tab.page.get_by_label("New end date").fill(new_end.isoformat())
    tab.page.get_by_label("Why is the stay extended?").fill("Waiting for her identity documents")
    tab.page.get_by_label("Who approved it?").fill("Programme lead")
    tab.screenshot("extension")
    tab.page.get_by_role("button", name="Extend the stay").click()
    assert "now ends on" in notice(tab)
    assert make.count(Extension) == 1


def test_a_partner_can_not_open_another_organisations_site(tab, world):
    tab.sign_in(world.other_partner)
    response = tab.page.goto(f"/my-sites/{world.shelter.id}")
    assert response is not None and response.status == 403
    assert heading(tab) == "You can't open this page"
    assert "This site belongs to another organisation." in tab.page.content()
    assert "7 Secret Road" not in tab.page.content() and "Bed 1" not in tab.page.content()
    tab.screenshot("forbidden")


def test_admin_pages(tab, world):
    tab.sign_in(world.admin)
    assert heading(tab) == "Admin"
    tab.screenshot("admin")
    for path, name in [("/admin/accounts", "admin-accounts"), ("/admin/sites/new", "admin-new-site")]:
        tab.page.goto(path)
        tab.screenshot(name)
    tab.page.goto(f"/admin/sites/{world.shelter.id}")
    assert "Bed 1" in tab.page.content()


def test_signing_in_works_with_the_keyboard_alone_and_focus_is_visible(tab, world):
    tab.page.goto("/sign-in")
    tab.page.keyboard.press("Tab")
    focused = tab.page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    outline = tab.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    for _ in range(5):
        if tab.page.evaluate("document.activeElement.id") == "email":
            break
        tab.page.keyboard.press("Tab")
    assert tab.page.evaluate("document.activeElement.id") == "email"
    tab.page.keyboard.type(world.advocate.email)
    tab.page.keyboard.press("Tab")
    tab.page.keyboard.type("correct horse battery staple")
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_url("**/beds")
    assert heading(tab) == "Bed board"


def test_a_wrong_password_says_so_without_saying_whether_the_account_exists(tab, world):
    tab.sign_in(world.advocate, password="not my password at all")
    assert heading(tab) == "Sign in"
    assert (
        "That email and password don't match an active account." in tab.page.get_by_role("alert").inner_text()
    )
    tab.screenshot("sign-in-refused")


def test_a_partner_checks_in_someone_who_arrived_without_a_hold(tab, world, make):
    tab.sign_in(world.partner)
    tab.page.get_by_role("link", name="Harbor House").click()
    tab.page.get_by_role("link", name="Someone arrived without a hold").click()
    assert heading(tab) == "Someone arrived without a hold"
    choices = tab.page.get_by_role("group", name="Bed or unit")
    assert choices.get_by_role("radio").count() == 3
    tab.screenshot("walk-in")

    # Sent with nothing chosen: what to fix is listed at the top and said next to each field.
    tab.page.get_by_role("button", name="Check them in").click()
    problems = tab.page.get_by_role("alert").inner_text()
    assert "Choose the survivor's age group." in problems
    assert "Choose the bed or unit they will sleep in tonight." in problems
    tab.screenshot("walk-in-problems")
    assert make.count(Placement) == 0

    tab.page.get_by_label("Age group").select_option(label="Adult (25 and over)")
    tab.page.get_by_label("Gender").select_option(label="Woman")
    tab.page.get_by_label("Spanish").check()
    tab.page.get_by_label("Bed 2 — bed").check()
    tab.page.get_by_role("button", name="Check them in").click()

    assert heading(tab) == "Harbor House"
    stay = _only(make, Placement)
    code = make.reload(Client, stay.client_id).code
    assert "The survivor is staying in Bed 2 from tonight." in notice(tab) and code in tab.page.content()
    assert stay.space_id == world.second_bed.id and stay.hold_id is None
    assert "1 occupied" in tab.page.get_by_role("region", name="Availability").inner_text()
    tab.screenshot("walk-in-done")


def test_a_person_changes_their_password_and_signs_in_again_with_the_new_one(tab, world):
    new_password = "a brand new long passphrase"
    tab.sign_in(world.case_manager)
    tab.page.get_by_role("link", name="My account").click()
    assert heading(tab) == "My account"
    assert world.case_manager.email in tab.page.locator("dl.facts").inner_text()
    tab.screenshot("account")

    # The two new passwords differ: nothing changes, and the page says what to fix.
    tab.page.get_by_label("Current password").fill(PASSWORD)
    tab.page.get_by_label("New password", exact=True).fill(new_password)
    tab.page.get_by_label("New password again").fill("something else entirely")
    tab.page.get_by_role("button", name="Change my password").click()
    assert "The two new passwords are not the same." in tab.page.get_by_role("alert").inner_text()
    tab.screenshot("account-problems")

    tab.page.get_by_label("Current password").fill(PASSWORD)
    tab.page.get_by_label("New password", exact=True).fill(new_password)
    tab.page.get_by_label("New password again").fill(new_password)
    tab.page.get_by_role("button", name="Change my password").click()
    assert heading(tab) == "Sign in"
    assert "Your password is changed." in notice(tab)
    tab.screenshot("account-password-changed")

    # The session has ended: the account page now asks to sign in.
    tab.page.goto("/account")
    assert heading(tab) == "Sign in"
    tab.sign_in(world.case_manager)  # the old password
    assert "don't match an active account" in tab.page.get_by_role("alert").inner_text()
    tab.sign_in(world.case_manager, password=new_password)
    assert tab.page.url.endswith("/caseload") and heading(tab) == "Caseload"


def _only(make, model):
    """The one record of `model` in the database (the test made exactly one)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from housing_service.extensions import db

    with make.app.app_context(), Session(db.engine, expire_on_commit=False) as session:
        records = list(session.scalars(select(model)))
        session.expunge_all()
    assert len(records) == 1
    return records[0]


def test_a_partner_moves_a_survivor_to_another_bed_and_the_clock_goes_on(tab, world, make, today):
    stay = make.placement(world.client, world.bed, world.shelter, today - timedelta(days=50), world.partner)
    tab.sign_in(world.partner)
    tab.page.get_by_role("link", name="Harbor House").click()
    assert heading(tab) == "Harbor House"
    tab.page.get_by_role("link", name=re.compile(r"^Move to another bed\W+S-AB2CD3$")).click()
    assert heading(tab) == "Move S-AB2CD3 to another bed"
    tab.page.get_by_label("Move to").select_option(label="Bed 2")
    tab.page.get_by_label("Why the move?").fill("The heater in Bed 1 broke")
    tab.screenshot("move")
    tab.page.get_by_role("button", name="Move from tonight").click()
    assert "S-AB2CD3 now stays in Bed 2 at Harbor House; the stay still ends on" in notice(tab)
    assert "Day 51 of 60" in tab.page.get_by_role("region", name="Staying now").inner_text()
    moved = make.reload(Placement, stay.id + 1)
    assert moved.space_id == world.second_bed.id and moved.expected_end_on == stay.expected_end_on
