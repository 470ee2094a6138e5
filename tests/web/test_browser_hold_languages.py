"""The advocate's hold in Spanish and in Vietnamese at phone width (390 px), in headless Chromium.

An advocate whose My account language is Spanish (then Vietnamese) walks the bed board → search →
Hold → confirm → the hold's page. Each page must be in that language (`<html lang>` and its
headings), pass axe-core (WCAG 2.2 A/AA) with no violation, and is kept as a screenshot in
test-artifacts/screenshots/ (hold-<language>-<step>-phone.png).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from housing_service.models import Client, Hold, HoldStatus, Role
from tests.web import axe
from tests.web.bed_tonight import OPEN_ADDRESS, busy_night
from tests.web.conftest import SCREENSHOTS, VIEWPORTS, BrowserPage


@dataclass(frozen=True)
class Words:
    """What each page says in one language (the catalogue's words, as a reader sees them)."""

    board: str  # the board's heading
    find: str  # the search button
    results: str  # the results' heading, for tonight
    family_unit: str  # a badge on the best fit
    confirm: str  # the confirm page's heading and its button
    held: str  # the hold page's heading, before the survivor's code
    map_link: str


WORDS = {
    "es": Words(
        board="Tablero de camas",
        find="Buscar una cama",
        results="Sitios con lugar desde esta noche",
        family_unit="Unidad familiar",
        confirm="Confirmar la reserva",
        held="Family room 2 en Casa Segura está reservada para S-",
        map_link="Abrir en un mapa",
    ),
    "vi": Words(
        board="Bảng giường",
        find="Tìm giường",
        results="Cơ sở còn chỗ từ tối nay",
        family_unit="Căn hộ gia đình",
        confirm="Xác nhận giữ chỗ",
        held="Family room 2 tại Casa Segura đang được giữ chỗ cho S-",
        map_link="Mở trên bản đồ",
    ),
}
PHONE = VIEWPORTS["phone"]


def _in_language(tab: BrowserPage, code: str, step: str) -> None:
    """The page as it is now: in `code`, no axe-core violation at 390 px; its screenshot kept."""
    page = tab.page
    assert page.locator("html").get_attribute("lang") == code, step
    found = axe.violations(page, role="advocate", width=PHONE["width"])
    found += axe.sideways_scrolling(page, role="advocate", width=PHONE["width"])
    assert not found, axe.report(found)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"hold-{code}-{step}-phone.png"), full_page=True)


@pytest.mark.parametrize("code", sorted(WORDS))
def test_an_advocate_holds_a_bed_in_their_language_at_phone_width(tab, world, make, code):
    words = WORDS[code]
    night = busy_night(make, world)
    advocate = make.user(Role.ADVOCATE, locale=code)
    records_before = make.count(Client)
    page = tab.page
    page.set_viewport_size(PHONE)
    tab.sign_in(advocate)

    assert page.url.endswith("/beds")
    assert page.locator("h1").inner_text() == words.board
    _in_language(tab, code, "board")

    page.locator("#children_ages").fill("4, 8")
    page.locator("#language").select_option(value="es")
    page.get_by_role("button", name=words.find).click()
    page.wait_for_load_state()
    assert page.url.endswith("#results")
    assert page.locator("#results-title").inner_text() == words.results
    first = page.locator("#results .card").first
    assert first.locator("h3").inner_text() == "Casa Segura"  # a site's name is data: never translated
    assert words.family_unit in first.inner_text()
    _in_language(tab, code, "results")

    first.locator(f'a[href^="/holds/new?space={night.best_unit.id}&"]').click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == words.confirm
    _in_language(tab, code, "confirm")

    page.locator('input[name="age_group"][value="adult"]').check()
    page.get_by_role("button", name=words.confirm).click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text().startswith(words.held)
    assert page.locator(".address").inner_text() == OPEN_ADDRESS
    assert page.get_by_role("link", name=words.map_link).is_visible()
    assert make.count(Hold, status=HoldStatus.HELD, space_id=night.best_unit.id) == 1
    assert make.count(Client) == records_before + 1
    _in_language(tab, code, "hold")
