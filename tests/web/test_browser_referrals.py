"""A screened referral, walked in headless Chromium by the advocate and by the site's partner.

The address of the screened shelter must not appear on any page either of them opens.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from housing_service.models import Hold, HoldStatus, Referral, ReferralStatus
from housing_service.vocabulary import ReferralMode
from tests.web.conftest import VIEWPORTS, BrowserPage
from tests.web.world import World, build_world

SECRET = "7 Secret Road"


@pytest.fixture
def world(make: Any) -> World:
    return build_world(make, referral_mode=ReferralMode.SCREENED)


@pytest.fixture
def second_tab(browser: Any, live_server: str) -> Iterator[BrowserPage]:
    """Another person's browser, at the same time as `tab`."""
    context = browser.new_context(base_url=live_server, viewport=VIEWPORTS["desktop"])
    context.set_default_timeout(15_000)
    watched = BrowserPage(context.new_page(), live_server)
    yield watched
    context.close()
    assert not watched.outside_requests and not watched.console_errors


def _no_secret(tab: BrowserPage) -> None:
    assert SECRET not in tab.page.content()


def test_an_advocate_refers_a_survivor_and_the_partner_accepts_by_choosing_the_bed(
    tab: BrowserPage, second_tab: BrowserPage, world: World, make: Any
):
    advocate, partner = tab, second_tab
    advocate.sign_in(world.advocate)
    advocate.page.get_by_label("Who is the bed for?").select_option(label="S-AB2CD3")
    advocate.page.get_by_role("button", name="Find a bed").click()
    card = advocate.page.get_by_role("article", name="Harbor House")
    assert "screens referrals" in card.inner_text()
    assert card.get_by_role("link", name="Hold").count() == 0  # no Hold button at a screened site
    _no_secret(advocate)
    card.get_by_role("link", name="Send a referral to Harbor House").click()
    assert advocate.page.locator("h1").inner_text() == "Send a referral to Harbor House"
    assert advocate.page.get_by_label("Who is the place for?").input_value() == str(world.client.id)
    advocate.page.get_by_label("Your call-back number").fill("+1 408 555 0142")
    advocate.screenshot("referral-new")
    advocate.page.get_by_role("button", name="Send the referral").click()
    assert "waiting for an answer" in advocate.page.locator("h1").inner_text()
    assert "Referral sent" in advocate.page.get_by_role("status").inner_text()
    advocate.screenshot("referral-waiting")
    _no_secret(advocate)

    partner.sign_in(world.partner)
    partner.page.get_by_role("link", name="Referrals").first.click()
    waiting = partner.page.get_by_role("region", name="Waiting for your answer")
    waiting.get_by_role("link", name="1 person for Harbor House").click()
    page_text = partner.page.locator("main").inner_text()
    assert "S-AB2CD3" not in page_text  # the site sees the household, not who it is
    assert "+1 408 555 0142" in page_text
    partner.screenshot("referral-to-answer")
    partner.page.get_by_label("Bed 1").check()
    partner.page.get_by_role("button", name="Accept and hold").click()
    assert "Accepted" in partner.page.get_by_role("status").inner_text()
    assert "Call the advocate back" in partner.page.locator("main").inner_text()

    advocate.page.reload()
    assert "accepted" in advocate.page.locator("h1").inner_text()
    assert "call you at +1 408 555 0142" in advocate.page.locator("main").inner_text()
    advocate.screenshot("referral-accepted")
    advocate.page.get_by_role("link", name="See the hold").click()
    assert "screens referrals" in advocate.page.locator("dl.facts").inner_text()
    _no_secret(advocate)

    referral = make.reload(Referral, make_only_id(make, Referral))
    assert referral.status == ReferralStatus.ACCEPTED
    hold = make.reload(Hold, referral.hold_id)
    assert (hold.status, hold.held_by_id) == (HoldStatus.HELD, world.advocate.id)


def make_only_id(make: Any, model: type) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from housing_service.extensions import db

    with make.app.app_context(), Session(db.engine) as session:
        (only,) = session.scalars(select(model.id)).all()
        return only
