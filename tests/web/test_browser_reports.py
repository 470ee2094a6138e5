"""The report pages in headless Chromium, over the demo coalition, at phone and desktop widths."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from tests.web.conftest import BrowserPage


@pytest.fixture
def demo_sign_ins(app) -> dict[str, SimpleNamespace]:
    """Seed the demo coalition (as `flask seed-demo` does) and keep the sign-ins it prints."""
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    sign_ins = {}
    for line in result.output.splitlines():
        found = re.match(r"\s+(\w+)\s+(\S+@\S+)\s+(\S+)$", line)
        if found:
            sign_ins[found.group(1)] = SimpleNamespace(email=found.group(2), password=found.group(3))
    return sign_ins


def test_a_case_manager_reads_the_point_in_time_count_and_the_outcomes(tab: BrowserPage, demo_sign_ins):
    person = demo_sign_ins["case_manager"]
    tab.sign_in(person, person.password)
    tab.page.get_by_role("link", name="Reports").click()
    assert tab.page.locator("h1").inner_text() == "Reports"
    tab.screenshot("reports")
    tab.page.get_by_role("button", name="Show the count").click()
    assert tab.page.locator("h1").inner_text().startswith("Sheltered point-in-time count, night of ")
    persons = tab.page.get_by_role("region", name="Persons sheltered")
    assert persons.locator("tr.report-table__total td").last.inner_text().isdigit()
    tab.screenshot("report-point-in-time")
    tab.page.goto("/reports")
    tab.page.get_by_role("button", name="Show the outcomes").click()
    assert tab.page.locator("h1").inner_text().startswith("Outcomes, ")
    chart = tab.page.locator("img.report-chart").first
    assert chart.evaluate("image => image.complete && image.naturalWidth > 0")
    assert "suppressed" in tab.page.content()
    tab.screenshot("report-outcomes")
    with tab.page.expect_download() as download:
        tab.page.get_by_role("link", name="Download this table (CSV)").first.click()
    assert download.value.suggested_filename.startswith("outcomes_households_served_")


def test_an_admin_downloads_the_hud_export(tab: BrowserPage, demo_sign_ins):
    person = demo_sign_ins["admin"]
    tab.sign_in(person, person.password)
    tab.page.goto("/reports")
    with tab.page.expect_download() as download:
        tab.page.get_by_role("button", name="Download the export").click()
    assert re.fullmatch(r"hmis-csv-\d{14}\.zip", download.value.suggested_filename)
