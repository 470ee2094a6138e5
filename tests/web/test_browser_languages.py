"""A person switches My account to Spanish, then to Vietnamese, at phone width (390 px): the
pages speak that language, with <html lang> set, and screenshots show how they read."""

from __future__ import annotations

from tests.web.conftest import VIEWPORTS, BrowserPage

LANGUAGES = {
    # code: (the choice as labelled on the page, My account's heading, the two-step page's heading,
    #        the not-found page's heading, the main menu's first link for an advocate)
    "es": ("español", "Mi cuenta", "Inicio de sesión en dos pasos", "No lo encontramos", "Tablero de camas"),
    "vi": ("Tiếng Việt", "Tài khoản của tôi", "Đăng nhập hai bước", "Không tìm thấy", "Bảng giường"),
}


def _lang(tab: BrowserPage) -> str:
    return tab.page.locator("html").get_attribute("lang") or ""


def test_an_advocate_switches_my_account_to_spanish_then_vietnamese_at_phone_width(tab, world):
    tab.page.set_viewport_size(VIEWPORTS["phone"])
    tab.sign_in(world.advocate)
    assert _lang(tab) == "en"  # Chromium asks for en-US
    tab.page.goto("/account")
    current_language_label = "Language"
    for code, (choice, account, two_step, not_found, bed_board) in LANGUAGES.items():
        tab.page.get_by_role("group", name=current_language_label).get_by_label(choice).check()
        tab.page.locator("form[action='/account/language'] button[type=submit]").click()
        tab.page.wait_for_load_state()

        assert _lang(tab) == code
        assert tab.page.locator("h1").inner_text() == account
        assert tab.page.get_by_role("navigation").get_by_role("link", name=bed_board).is_visible()
        tab.page.set_viewport_size(VIEWPORTS["phone"])
        tab.page.screenshot(path=str(_shot(f"account-{code}-phone")), full_page=True)

        tab.page.goto("/account/two-step")
        assert _lang(tab) == code and tab.page.locator("h1").inner_text() == two_step
        tab.page.screenshot(path=str(_shot(f"two-step-{code}-phone")), full_page=True)

        tab.page.goto("/no-such-page")
        assert _lang(tab) == code and tab.page.locator("h1").inner_text() == not_found
        tab.page.screenshot(path=str(_shot(f"not-found-{code}-phone")), full_page=True)

        tab.page.goto("/account")
        current_language_label = tab.page.locator("#language-title").inner_text()


def _shot(name: str):
    from tests.web.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
