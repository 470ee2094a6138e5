"""A bed tonight for a Spanish-speaking mother with two children, counted, in headless Chromium.

From the bed board (signed in, loaded) to the address on screen, at 390 px and 1280 px: once by
touch, counting taps and page loads, and once by keyboard alone, counting Tab presses. The test
fails above the targets of issue 14: 6 taps, 3 page loads, 25 Tab presses.

How things are counted:
- a tap is a click, a tap into a text field to type in it, or a choice from a list (a <select>;
  a phone's native picker takes one more tap to open, which is not counted here);
- a page load is a document loaded in the tab (the `load` event; a jump to #results is not one);
- Tab presses are every Tab from the loaded board to the last control, the way a keyboard user
  goes: past each page's header by its "Skip to main content" link; other keys (Enter, arrows,
  typing) are counted apart and not limited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from housing_service.models import Client, Hold, HoldStatus
from tests.web.bed_tonight import OPEN_ADDRESS, busy_night
from tests.web.conftest import VIEWPORTS, BrowserPage

TAPS, PAGE_LOADS, TAB_PRESSES = 6, 3, 25
MAX_TABS_TO_ONE_CONTROL = 40  # a control further than this is not reachable in practice


@dataclass
class Count:
    taps: int = 0
    page_loads: int = 0
    tabs: int = 0
    other_keys: int = 0
    log: list[str] = field(default_factory=list)


class Walk:
    """One person's way through the pages, every action counted."""

    def __init__(self, tab: BrowserPage, width: str) -> None:
        self.tab, self.page, self.width = tab, tab.page, width
        self.count = Count()
        self.page.on("load", self._loaded)

    def _loaded(self, _page: Any) -> None:
        self.count.page_loads += 1
        self.count.log.append(f"load {self.page.url}")

    # By touch ---------------------------------------------------------------------------------

    def tap(self, locator: Any) -> None:
        self.count.taps += 1
        locator.click()
        self.page.wait_for_load_state()

    def type_into(self, locator: Any, text: str) -> None:
        self.tap(locator)
        self.page.keyboard.type(text)

    def choose(self, locator: Any, label: str) -> None:
        self.count.taps += 1
        locator.select_option(label=label)

    # By keyboard ------------------------------------------------------------------------------

    def tab_to(self, selector: str) -> None:
        """Tab until the control `selector` names has the focus."""
        for _ in range(MAX_TABS_TO_ONE_CONTROL):
            self.count.tabs += 1
            self.page.keyboard.press("Tab")
            if self.page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        pytest.fail(f"{selector} not reached in {MAX_TABS_TO_ONE_CONTROL} Tab presses")

    def skip_to_main(self) -> None:
        """The page's first Tab stop, 'Skip to main content', past the header's links."""
        self.tab_to("a.skip-link")
        self.press("Enter")

    def press(self, key: str) -> None:
        self.count.other_keys += 1
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.count.other_keys += len(text)
        self.page.keyboard.type(text)

    def enter(self) -> None:
        """Enter on a link or a form's button: the next page."""
        with self.page.expect_navigation():
            self.press("Enter")

    def shoot(self, name: str) -> None:
        self.tab.screenshot(name)
        self.page.set_viewport_size(VIEWPORTS[self.width])

    def check_within_targets(self, by: str) -> None:
        print(f"bed tonight, {by}, {self.width}: {self.count}")  # the figures, with pytest -s
        assert self.count.page_loads <= PAGE_LOADS, self.count
        if by == "touch":
            assert self.count.taps <= TAPS, self.count
        else:
            assert self.count.tabs <= TAB_PRESSES, self.count


def _board(tab: BrowserPage, world: Any, width: str) -> Walk:
    tab.page.set_viewport_size(VIEWPORTS[width])
    tab.sign_in(world.advocate)
    assert tab.page.url.endswith("/beds")
    return Walk(tab, width)  # counting starts on the loaded board


def _the_address_is_on_screen(walk: Walk, make: Any, night: Any) -> None:
    page = walk.page
    assert page.locator("h1").inner_text().startswith("Family room 2 at Casa Segura is held for S-")
    address = page.locator(".address")
    assert address.inner_text() == OPEN_ADDRESS and address.is_visible()
    assert page.evaluate(
        "el => el.getBoundingClientRect().bottom <= window.innerHeight", address.element_handle()
    )
    assert (
        page.get_by_role("link", name="Open in a map")
        .get_attribute("href")
        .startswith("https://www.openstreetmap.org/search?query=500+Mission+Street")
    )
    assert page.locator('a[href="tel:4085550142"]').count() == 1
    hold = make.count(Hold, status=HoldStatus.HELD, space_id=night.best_unit.id)
    assert hold == 1


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_bed_tonight_by_touch_within_six_taps_and_three_page_loads(tab, world, make, width):
    night = busy_night(make, world)
    records_before = make.count(Client)
    walk = _board(tab, world, width)
    page = walk.page
    walk.shoot("bed-tonight-board")

    walk.type_into(page.get_by_label("Children's ages"), "4, 8")
    walk.choose(page.get_by_label("Language they speak"), "Spanish")
    walk.tap(page.get_by_role("button", name="Find a bed"))
    # The results come first: the page opens at them, the best fit's Hold button in view.
    assert page.url.endswith("#results")
    first = page.locator("#results .card").first
    assert first.locator("h3").inner_text() == "Casa Segura"
    assert "Staff speak Spanish" in first.inner_text() and "Family unit" in first.inner_text()
    hold_button = first.get_by_role("link", name="Hold Family room 2 at Casa Segura")
    assert page.evaluate(
        "el => el.getBoundingClientRect().bottom <= window.innerHeight", hold_button.element_handle()
    )
    walk.shoot("bed-tonight-results")

    walk.tap(hold_button)
    assert page.get_by_label("Who is the bed for?").input_value() == "new"
    walk.shoot("bed-tonight-confirm")
    walk.tap(page.get_by_label("Adult (25 and over)"))
    walk.tap(page.get_by_role("button", name="Confirm the hold"))

    _the_address_is_on_screen(walk, make, night)
    assert make.count(Client) == records_before + 1  # the minimal record, opened with the hold
    walk.shoot("bed-tonight-hold")
    walk.check_within_targets("touch")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_bed_tonight_by_keyboard_alone_within_twenty_five_tab_presses(tab, world, make, width):
    night = busy_night(make, world)
    walk = _board(tab, world, width)
    page = walk.page

    walk.skip_to_main()
    walk.tab_to("#children_ages")
    walk.type("4, 8")
    walk.tab_to("#language")
    walk.type("Spanish")
    assert page.locator("#language").input_value() == "es"
    walk.tab_to("button.button[type=submit]:not(.button--quiet)")
    walk.enter()
    assert page.url.endswith("#results")
    # The jump moves the keyboard's place too: the first Tabs go into the best fit's card.
    tabs_before = walk.count.tabs
    walk.tab_to(f'#results a[href^="/holds/new?space={night.best_unit.id}&"]')
    assert walk.count.tabs - tabs_before <= 2, "the Tabs after a search should start at the results"
    walk.enter()
    assert page.locator("h1").inner_text() == "Confirm the hold"
    walk.skip_to_main()
    walk.tab_to('input[name="age_group"]')
    walk.press("ArrowDown")  # Minor -> Youth
    walk.press("ArrowDown")  # Youth -> Adult (25 and over)
    assert page.locator('input[name="age_group"]:checked').get_attribute("value") == "adult"
    walk.tab_to("form.panel button[type=submit]")
    walk.enter()

    _the_address_is_on_screen(walk, make, night)
    walk.check_within_targets("keyboard")
