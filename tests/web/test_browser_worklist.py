"""The case manager's worklist and a partner's site page, in Chromium at phone and desktop widths.

Each flow runs at 390 px and at 1280 px; screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from housing_service import clock
from housing_service.models import Flag, FlagKind, Hold, HoldStatus, Space
from tests.web.conftest import VIEWPORTS, BrowserPage


@pytest.fixture(params=list(VIEWPORTS))
def width(request, tab: BrowserPage) -> str:
    """The flow runs at this width (screenshots are taken at both, whatever it is)."""
    tab.page.set_viewport_size(VIEWPORTS[request.param])
    return request.param


@pytest.fixture
def today(app):
    return clock.local_date(clock.now(), app.config["COALITION_TIMEZONE"])


def notice(tab: BrowserPage) -> str:
    return tab.page.get_by_role("status").inner_text()


def in_view(tab: BrowserPage, selector: str) -> bool:
    """The element is on screen: the page opened at it, not at the top."""
    return tab.page.locator(selector).evaluate(
        "element => { const box = element.getBoundingClientRect();"
        " return box.bottom > 0 && box.top < window.innerHeight; }"
    )


def screenshot(tab: BrowserPage, name: str, width: str) -> None:
    tab.screenshot(name)
    tab.page.set_viewport_size(VIEWPORTS[width])  # back to the flow's own width


def test_a_case_manager_works_the_caseload_most_urgent_first(tab, world, make, today, width):
    manager = world.case_manager
    later = make.client(case_manager=manager, code="S-LATER")
    make.placement(
        later, world.bed, world.shelter, today - timedelta(days=40), world.partner, today + timedelta(days=20)
    )
    soon = make.client(case_manager=manager, code="S-SOON")
    stay = make.placement(
        soon,
        world.second_bed,
        world.shelter,
        today - timedelta(days=57),
        world.partner,
        today + timedelta(days=3),
    )
    flag = make._save(
        Flag(
            key=f"nearing_limit:{stay.id}:7",
            kind=FlagKind.NEARING_LIMIT,
            client_id=soon.id,
            placement_id=stay.id,
            site_id=world.shelter.id,
            subject_on=stay.expected_end_on,
            days_before=7,
            act_by=stay.expected_end_on,
            raised_at=clock.now(),
        )
    )
    tab.sign_in(manager)
    titles = tab.page.locator(".card__title").all_inner_texts()
    assert [title.split()[0] for title in titles][:2] == ["S-SOON", "S-LATER"]
    soon_card = tab.page.get_by_role("article", name="S-SOON")
    assert "Urgent" in soon_card.locator(".urgency").inner_text()
    assert "On track" in tab.page.get_by_role("article", name="S-LATER").locator(".urgency").inner_text()
    assert soon_card.get_by_label("Note (optional)").count() == 0  # no note box before "I'm on it"
    screenshot(tab, "worklist", width)

    tab.page.get_by_role("link", name="Needs action").click()
    assert tab.page.url.endswith("/caseload?show=needs-action")
    titles = tab.page.locator(".card__title").all_inner_texts()
    assert [title.split()[0] for title in titles] == ["S-SOON"]
    screenshot(tab, "worklist-needs-action", width)

    tab.page.get_by_role("article", name="S-SOON").get_by_role("button", name="I'm on it").click()
    assert "Noted" in notice(tab)
    assert tab.page.url.endswith(f"#flag-{flag.id}") and in_view(tab, f"#flag-{flag.id}")
    card = tab.page.get_by_role("article", name="S-SOON")
    assert "Chris Case-Manager is on it, since" in card.inner_text()
    card.get_by_text("Add a note for colleagues").click()
    card.get_by_label("Note (optional)").fill("Viewing at Bridge on Friday")
    card.get_by_role("button", name="Save the note").click()
    assert "Your note is saved" in notice(tab)
    assert "“Viewing at Bridge on Friday”" in tab.page.get_by_role("article", name="S-SOON").inner_text()
    screenshot(tab, "worklist-on-it", width)

    # The survivor chooses Bridge Apartments: the card then says so and stops suggesting it.
    tab.page.get_by_role("article", name="S-SOON").get_by_role(
        "link", name=re.compile("See 1 suggested place")
    ).click()
    tab.page.get_by_role("button", name=re.compile("They chose it: hold Room 1 at Bridge Apartments")).click()
    assert tab.page.locator("h1").inner_text() == "Room 1 at Bridge Apartments is held for S-SOON"
    tab.page.get_by_role("link", name="Caseload").click()
    card = tab.page.get_by_role("article", name="S-SOON")
    choice = card.get_by_role("link", name=re.compile(r"Bridge Apartments held from .* · plan started"))
    assert "suggested place" not in card.inner_text() and "Needs attention" not in card.inner_text()
    screenshot(tab, "worklist-choice", width)
    choice.click()
    assert tab.page.url.endswith(f"/stays/{stay.id}/next#plan-title")
    assert "The survivor chose Bridge Apartments." in tab.page.locator("#plan-title + p").inner_text()


def test_a_second_hold_from_the_same_day_asks_its_reason_up_front(tab, world, make, today, width):
    stay = make.placement(world.client, world.bed, world.shelter, today - timedelta(days=50), world.partner)
    make.space(world.transitional, label="Room 2")
    make.hold(
        world.client,
        world.transitional_bed,
        world.transitional,
        stay.expected_end_on,
        world.advocate,
        clock.now() + timedelta(days=30),
    )
    tab.sign_in(world.case_manager)
    tab.page.goto(f"/stays/{stay.id}/next")
    reason = tab.page.get_by_label("Why hold a second place from the same day?")
    assert reason.is_visible()
    screenshot(tab, "next-place-second-hold", width)
    reason.fill("She wants to see both before she decides")
    tab.page.get_by_role("button", name=re.compile("They chose it: hold Room 2 at Bridge Apartments")).click()
    assert tab.page.locator("h1").inner_text() == "Room 2 at Bridge Apartments is held for S-AB2CD3"
    assert make.count(Hold, status=HoldStatus.HELD) == 2


def test_a_partner_keeps_their_place_on_the_site_page(tab, world, make, today, width):
    hold = make.hold(
        world.client, world.bed, world.shelter, today, world.advocate, clock.now() + timedelta(hours=4)
    )
    tab.sign_in(world.partner)
    tab.page.get_by_role("link", name="Harbor House").click()
    # The confirm button comes after the list of beds it confirms, and says so.
    order = tab.page.evaluate(
        "selector => [...document.querySelectorAll(selector)].map(element => element.id)",
        f"#spaces-title, #space-{world.unit.id}, #confirm-availability, #stays-title",
    )
    assert order == ["spaces-title", f"space-{world.unit.id}", "confirm-availability", "stays-title"]
    screenshot(tab, "site-page", width)

    tab.page.get_by_role("button", name="Check in S-AB2CD3").click()
    assert "checked in to Bed 1" in notice(tab)
    stay_row = re.search(r"#(stay-\d+)$", tab.page.url)
    assert stay_row and in_view(tab, f"#{stay_row.group(1)}")
    stays = tab.page.get_by_role("region", name="Staying now")
    assert stays.get_by_role("link", name="Record exit for S-AB2CD3").count() == 1
    assert tab.page.get_by_role("link", name=re.compile("Record exit")).count() == 1  # once per stay
    beds = tab.page.get_by_role("region", name="Beds and units tonight")
    assert beds.locator(f"#space-{world.bed.id}").get_by_text("Take out of service").count() == 0
    screenshot(tab, "site-page-checked-in", width)

    tab.page.get_by_text("Take out of service: Bed 2").click()
    tab.page.locator(f"#space-{world.second_bed.id}").get_by_label("Why is it out of service?").fill(
        "Leaking roof"
    )
    tab.page.get_by_role("button", name="Mark out of service").click()
    assert "Bed 2 is out of service." in notice(tab)
    assert tab.page.url.endswith(f"#space-{world.second_bed.id}") and in_view(
        tab, f"#space-{world.second_bed.id}"
    )
    assert make.reload(Space, world.second_bed.id).in_service is False

    tab.page.get_by_role(
        "button", name=re.compile("Confirm availability of the 3 beds and units above")
    ).click()
    assert "availability confirmed" in notice(tab)
    assert tab.page.url.endswith("#confirm-availability") and in_view(tab, "#confirm-availability")
    screenshot(tab, "site-page-confirmed", width)
    assert make.reload(Hold, hold.id).status == HoldStatus.PLACED


def test_a_partner_sees_who_is_on_a_stay_past_its_end(tab, world, make, today, width):
    stay = make.placement(world.client, world.bed, world.shelter, today - timedelta(days=61), world.partner)
    for kind in (FlagKind.NEARING_LIMIT, FlagKind.OVER_LIMIT):
        make._save(
            Flag(
                key=f"{kind.value}:{stay.id}",
                kind=kind,
                client_id=world.client.id,
                placement_id=stay.id,
                site_id=world.shelter.id,
                subject_on=stay.expected_end_on,
                days_before=0,
                act_by=stay.expected_end_on,
                raised_at=clock.now(),
            )
        )
    tab.sign_in(world.partner)
    tab.page.get_by_role("link", name="Harbor House").click()
    attention = tab.page.get_by_role("region", name="Needs attention")
    assert "Stay past its planned end" in attention.inner_text()
    assert "Stay nearing its end" not in attention.inner_text()  # planning the move is the case team's
    attention.get_by_role("button", name=re.compile("I'm on it")).click()
    assert re.search(r"#flag-\d+$", tab.page.url)
    assert (
        "Pat Partner is on it, since" in tab.page.get_by_role("region", name="Needs attention").inner_text()
    )
    screenshot(tab, "site-page-flag-on-it", width)
    tab.page.get_by_role("button", name="Sign out").click()

    tab.sign_in(world.case_manager)
    card = tab.page.get_by_role("article", name="S-AB2CD3")
    assert "Pat Partner is on it, since" in card.inner_text()
    # The case team's own flag is still theirs to take on.
    assert card.get_by_role("button", name=re.compile("I'm on it")).count() == 1
