"""The notifications page and the admins' webhooks page, in headless Chromium and as forms."""

from __future__ import annotations

from housing_service.notifications.kinds import NotificationKind
from housing_service.notifications.models import NotificationChoice, Webhook
from tests.web.conftest import BrowserPage


def test_a_person_chooses_how_they_are_told(tab: BrowserPage, world, make):
    tab.sign_in(world.case_manager)
    tab.page.goto("/account/notifications")
    assert tab.page.locator("h1").inner_text() == "Notifications"
    digest = tab.page.get_by_label("The daily e-mail of new items: E-mail")
    assert digest.is_checked()  # a case manager's default
    digest.uncheck()
    tab.page.get_by_label("A stay nears or passed its end: Text message").check()
    tab.page.get_by_label("From").fill("22:00")
    tab.page.get_by_label("Until").fill("07:00")
    tab.screenshot("notifications")
    tab.page.get_by_role("button", name="Save my choices").click()
    assert "Your notification choices are saved" in tab.page.get_by_role("status").inner_text()
    assert not tab.page.get_by_label("The daily e-mail of new items: E-mail").is_checked()
    assert make.count(NotificationChoice, user_id=world.case_manager.id, kind=NotificationKind.DIGEST) == 1
    assert "A partner system's webhook stopped" not in tab.page.content()  # admins only


def test_an_admin_adds_a_webhook_sees_its_secret_once_and_sends_a_test_event(tab: BrowserPage, world, make):
    tab.sign_in(world.admin)
    tab.page.goto("/admin/webhooks")
    tab.page.get_by_label("Name").fill("211 line")
    tab.page.get_by_label("Address (https:// only, on a public network)").fill("http://example.org/hooks")
    tab.page.get_by_label("availability changed").check()
    tab.page.get_by_role("button", name="Add the webhook").click()
    assert "Use an https:// address." in tab.page.get_by_role("alert").inner_text()
    assert make.count(Webhook) == 0

    tab.page.get_by_label("Address (https:// only, on a public network)").fill("https://93.184.215.14/hooks")
    tab.page.get_by_label("availability changed").check()
    tab.page.get_by_role("button", name="Add the webhook").click()
    secret = tab.page.locator("#webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    tab.screenshot("webhooks")
    tab.page.get_by_role("button", name="Send a test event").click()
    assert "A test event is on its way" in tab.page.get_by_role("status").inner_text()
    assert secret not in tab.page.content()  # shown once
    assert "test\tpending\t0" in tab.page.locator("table").inner_text()


def test_the_pages_have_labels_and_no_inline_code(pages, world):
    for user, path in ((world.partner, "/account/notifications"), (world.admin, "/admin/webhooks")):
        assert pages(user).get(path).status_code == 200  # PageClient checks labels and inline code
