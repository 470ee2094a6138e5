"""The inventory import page in headless Chromium: template, dry run, the same file imported."""

from __future__ import annotations

from pathlib import Path

from housing_service.models import Role, Site
from tests.web.conftest import BrowserPage

from ..directory.helpers import inventory_csv, site_row


def test_an_admin_moves_a_coalition_in(tab: BrowserPage, make, tmp_path: Path):
    admin = make.user(Role.ADMIN)
    file = tmp_path / "coalition.csv"
    file.write_bytes(inventory_csv([site_row(), site_row(site="Bay House", confidential="yes")]))
    tab.sign_in(admin)
    tab.page.goto("/my-sites")
    tab.page.get_by_role("link", name="Import or download sites, beds and units as a spreadsheet").click()
    assert tab.page.locator("h1").inner_text() == "Import sites, beds and units"
    with tab.page.expect_download() as download:
        tab.page.get_by_role("link", name="template").click()
    assert download.value.suggested_filename == "inventory-template.csv"
    tab.page.get_by_label("Inventory file").set_input_files(str(file))
    tab.page.get_by_role("button", name="Check the file").click()
    assert "Will create 2 sites, 20 beds and 4 units" in tab.page.content()
    tab.screenshot("inventory-import-dry-run")
    assert make.count(Site) == 0
    tab.page.get_by_label("Choose the same file again to import it").set_input_files(str(file))
    tab.page.get_by_role("button", name="Import", exact=True).click()
    assert "Created 2 sites, 20 beds and 4 units" in tab.page.get_by_role("status").inner_text()
    assert make.count(Site) == 2
