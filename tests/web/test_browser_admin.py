"""The admins' jobs in Chromium, at phone (390 px) and desktop (1280 px) widths: staff languages
chosen by name, a shelter's beds added in one form, and a confirmation page before anything
that ends someone's access. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from housing_service.models import Role, Site, SiteLanguage, Space, User
from tests.factories import PASSWORD
from tests.web.conftest import SCREENSHOTS, VIEWPORTS, BrowserPage
from tests.web.test_stays_caseload_admin import _all

WIDTHS = list(VIEWPORTS)


def _at(tab: BrowserPage, width: str) -> None:
    tab.page.set_viewport_size(VIEWPORTS[width])


def _shot(tab: BrowserPage, name: str, width: str) -> None:
    """The page as it is now, at the width the flow runs at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def heading(tab: BrowserPage) -> str:
    return tab.page.locator("h1").inner_text()


def notice(tab: BrowserPage) -> str:
    return tab.page.get_by_role("status").inner_text()


def _fill_new_site(page: Any, world: Any, name: str) -> None:
    page.get_by_label("Organisation").select_option(label=world.organisation.name)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Kind of housing").select_option(label="Emergency shelter")
    page.get_by_label("Area").select_option(label=world.area.name)


def _languages_of(make: Any, name: str) -> list[str]:
    site = next(s for s in _all(make, Site) if s.name == name)
    return sorted(language.code for language in _all(make, SiteLanguage) if language.site_id == site.id)


@pytest.mark.parametrize("width", WIDTHS)
def test_an_admin_finds_staff_languages_by_name_in_a_filtered_list(tab, world, make, width):
    _at(tab, width)
    tab.sign_in(world.admin)
    tab.page.goto("/admin/sites/new")
    _fill_new_site(tab.page, world, f"Lotus House {width}")
    languages = tab.page.get_by_role("group", name="Languages staff speak")
    names = languages.locator("label").all_inner_texts()
    assert names[1:6] == ["English", "Spanish", "Vietnamese", "Chinese", "Tagalog"]  # [0]: the filter's label
    tab.page.get_by_label("Find languages staff speak").fill("viet")
    assert languages.get_by_label("Spanish", exact=True).is_hidden()
    assert languages.get_by_label("English", exact=True).is_visible()  # ticked: stays in view
    assert tab.page.get_by_text("2 of 29 shown").is_visible()
    languages.get_by_label("Vietnamese", exact=True).check()
    tab.page.get_by_label("Find languages staff speak").press("Enter")  # does not send the form
    assert heading(tab) == "Add a site"
    _shot(tab, "admin-site-languages-filtered", width)
    tab.page.get_by_label("Find languages staff speak").fill("")
    assert languages.get_by_label("Spanish", exact=True).is_visible()
    tab.page.get_by_role("button", name="Add the site").click()
    assert "The site is added." in notice(tab)
    assert _languages_of(make, f"Lotus House {width}") == ["en", "vi"]


def test_without_scripts_the_whole_list_is_there_and_the_form_works(browser, live_server, world, make):
    context = browser.new_context(
        base_url=live_server, viewport=VIEWPORTS["phone"], java_script_enabled=False
    )
    try:
        tab = BrowserPage(context.new_page(), live_server)
        tab.sign_in(world.admin)
        tab.page.goto("/admin/sites/new")
        assert tab.page.get_by_label("Find languages staff speak").count() == 0
        languages = tab.page.get_by_role("group", name="Languages staff speak")
        assert languages.locator("input[type=checkbox]").count() == 29
        _fill_new_site(tab.page, world, "Cedar House")
        languages.get_by_label("Somali", exact=True).check()
        _shot(tab, "admin-site-languages-no-script", "phone")
        tab.page.get_by_role("button", name="Add the site").click()
        assert "The site is added." in notice(tab)
        assert _languages_of(make, "Cedar House") == ["en", "so"]
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_admin_adds_six_beds_in_one_form(tab, world, make, width):
    _at(tab, width)
    tab.sign_in(world.admin)
    tab.page.goto(f"/admin/sites/{world.shelter.id}")
    tab.page.get_by_label("How many").fill("6")
    tab.page.get_by_label("Name", exact=True).fill("Bed")
    tab.page.get_by_role("button", name="Add them").click()
    assert "This site already has Bed 1 and Bed 2" in tab.page.get_by_role("alert").inner_text()
    assert tab.page.get_by_label("How many").input_value() == "6"  # what was typed is kept
    _shot(tab, "admin-add-beds-refused", width)
    tab.page.get_by_label("Number the first one (optional)").fill("3")
    tab.page.get_by_role("button", name="Add them").click()
    assert "6 are added: Bed 3 to Bed 8." in notice(tab)
    assert "Bed 8" in tab.page.locator("ul.plain-list").inner_text()
    _shot(tab, "admin-add-beds", width)
    assert sum(1 for space in _all(make, Space) if space.site_id == world.shelter.id) == 9


@pytest.mark.parametrize("width", WIDTHS)
def test_deactivating_an_account_asks_first_and_cancel_changes_nothing(tab, world, make, width):
    _at(tab, width)
    tab.sign_in(world.admin)
    tab.page.goto("/admin/accounts")
    tab.page.get_by_role("button", name="Deactivate Ana Advocate").click()
    assert heading(tab) == "Deactivate Ana Advocate's account?"
    _shot(tab, "admin-deactivate-confirm", width)
    tab.page.get_by_role("link", name="Cancel").click()
    assert heading(tab) == "Accounts"
    assert make.reload(User, world.advocate.id).active is True
    tab.page.get_by_role("button", name="Deactivate Ana Advocate").click()
    tab.page.get_by_role("button", name="Deactivate account").click()
    assert "Ana Advocate can no longer sign in" in notice(tab)
    assert make.reload(User, world.advocate.id).active is False


@pytest.mark.parametrize("width", WIDTHS)
def test_a_password_reset_is_confirmed_before_the_new_password_is_shown(tab, world, make, width):
    _at(tab, width)
    tab.sign_in(world.admin)
    tab.page.goto("/admin/accounts")
    tab.page.get_by_role("button", name="Reset password for Chris Case-Manager").click()
    assert heading(tab) == "Reset Chris Case-Manager's password?"
    _shot(tab, "admin-password-reset-confirm", width)
    tab.page.get_by_role("button", name="Reset password").click()
    assert heading(tab) == "New password for Chris Case-Manager"
    new_password = tab.page.locator("code").inner_text()
    assert len(new_password) >= 12 and new_password != PASSWORD


@pytest.mark.parametrize("width", WIDTHS)
def test_a_role_change_is_chosen_then_confirmed(tab, world, make, width):
    _at(tab, width)
    tab.sign_in(world.admin)
    tab.page.goto("/admin/accounts")
    tab.page.get_by_role("link", name="Change role of Pat Partner").click()
    tab.page.get_by_label("New role").select_option(label="Case manager")
    tab.page.get_by_label("Organisation (required for shelter partners)").select_option(label="None")
    tab.page.get_by_role("button", name="Continue").click()
    assert heading(tab) == "Change Pat Partner's role to case manager?"
    assert "no longer what a shelter partner does" in tab.page.content()
    _shot(tab, "admin-role-change-confirm", width)
    tab.page.get_by_role("button", name="Change role").click()
    assert "Pat Partner is now a case manager" in notice(tab)
    changed = make.reload(User, world.partner.id)
    assert (changed.role, changed.organisation_id) == (Role.CASE_MANAGER, None)
