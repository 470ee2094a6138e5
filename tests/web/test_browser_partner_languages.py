"""A shelter partner who reads Spanish, then one who reads Vietnamese, checks an arrival in at
phone width (390 px): their sites, the site's page, the check-in and the stay that appears are
all in their language (`<html lang>` set per page), with screenshots, and each page of the walk
passes the axe-core check (WCAG 2.2 A/AA) and reflows without sideways scrolling."""

from __future__ import annotations

from datetime import timedelta

import pytest

from housing_service import clock
from housing_service.models import Placement, Role
from tests.web import axe
from tests.web.conftest import SCREENSHOTS, VIEWPORTS, BrowserPage

PHONE = VIEWPORTS["phone"]

# code: (My sites, the site's "Availability" and "Staying now" headings, the check-in button,
#        the notice after it)
WORDS = {
    "es": (
        "Mis sitios",
        "Disponibilidad",
        "Personas alojadas ahora",
        "Registrar la llegada",
        "Se registró la llegada de la persona sobreviviente a Bed 1.",
    ),
    "vi": ("Cơ sở của tôi", "Chỗ trống", "Đang ở tại đây", "Nhận vào", "Người sống sót đã được nhận vào Bed 1."),
}


@pytest.fixture
def today(app):
    return clock.local_date(clock.now(), app.config["COALITION_TIMEZONE"])


def _checked(tab: BrowserPage, code: str, name: str) -> None:
    """The page is in this language, passes axe at phone width, and is photographed."""
    assert tab.page.locator("html").get_attribute("lang") == code
    tab.page.set_viewport_size(PHONE)
    found = axe.violations(tab.page, role="partner", width=PHONE["width"])
    found += axe.sideways_scrolling(tab.page, role="partner", width=PHONE["width"])
    assert not found, axe.report(found)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(SCREENSHOTS / f"partner-{name}-{code}-phone.png"), full_page=True)


@pytest.mark.parametrize("code", sorted(WORDS))
def test_a_partner_checks_an_arrival_in_in_their_language_at_phone_width(tab, world, make, today, code):
    my_sites, availability, staying_now, check_in, checked_in = WORDS[code]
    make.hold(world.client, world.bed, world.shelter, today, world.advocate, clock.now() + timedelta(hours=4))
    partner = make.user(Role.PARTNER, organisation=world.organisation, locale=code)
    tab.page.set_viewport_size(PHONE)
    tab.sign_in(partner)

    assert tab.page.url.endswith("/my-sites")
    assert tab.page.locator("h1").inner_text() == my_sites
    _checked(tab, code, "my-sites")

    tab.page.get_by_role("link", name="Harbor House").click()
    assert tab.page.locator("h1").inner_text() == "Harbor House"  # a site's name is never translated
    assert tab.page.locator("#availability-title").inner_text() == availability
    assert tab.page.locator("#stays-title").inner_text() == staying_now
    _checked(tab, code, "site")

    tab.page.get_by_role("button", name=f"{check_in} S-AB2CD3").click()
    tab.page.wait_for_load_state()
    assert checked_in in tab.page.get_by_role("status").inner_text()
    staying = tab.page.get_by_role("region", name=staying_now)
    assert "S-AB2CD3" in staying.inner_text()
    assert make.count(Placement) == 1
    _checked(tab, code, "checked-in")
