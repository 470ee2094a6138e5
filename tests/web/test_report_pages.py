"""The report pages and the HUD details pages, as admins and case managers use them."""

from __future__ import annotations

import base64
import re
from datetime import date, timedelta

from housing_service.models import Role, Site, SiteFunder

from ..reports.coalition import build, stay
from .world import text_of

IMAGE = re.compile(r'<img class="report-chart" src="data:image/svg\+xml;base64,([^"]+)"')


def test_a_case_manager_reads_the_outcomes_with_charts_and_csv_links(pages, make):
    world = build(make)
    for n in range(12):
        stay(
            make,
            world,
            f"shelter bed {n % 3}",
            date(2025, 12, 1) + timedelta(days=20 * n),
            nights=3 + n,
            destination=(410, 422)[n % 2],
        )
    page = pages(world.case_manager).get("/reports/outcomes?from=2025-12-01&to=2026-11-30")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Exits by destination" in html and "Download this table (CSV)" in html
    charts = IMAGE.findall(html)
    assert charts, "no chart"
    for chart in charts:
        svg = base64.b64decode(chart).decode()
        assert svg.startswith("<svg") and "<script" not in svg
    assert "/reports/outcomes/exits.csv?from=2025-12-01" in html


def test_the_index_and_a_night_in_the_future(pages, make):
    world = build(make)
    index = pages(world.case_manager).get("/reports")
    assert index.status_code == 200
    assert "Point-in-time count" in text_of(index) and "HUD inventory export" not in text_of(index)
    assert "HUD inventory export" in text_of(pages(world.admin).get("/reports"))
    future = pages(world.case_manager).get("/reports/point-in-time?night=2999-01-01")
    assert future.status_code == 422 and "can't be in the future" in text_of(future)
    bad_k = pages(world.case_manager).get("/reports/outcomes?k=1")
    assert bad_k.status_code == 422 and "k is the smallest count published" in text_of(bad_k)


def test_an_export_with_a_site_missing_a_field_names_it_on_the_page(pages, make, app):
    world = build(make)
    with app.app_context():
        from housing_service.extensions import db

        db.session.get(Site, world.rrh.id).coc_code = None
        db.session.commit()
    page = pages(world.admin).get("/reports/hmis-export.zip")
    assert page.status_code == 422
    assert f"{world.rrh.name} (site {world.rrh.id})" in text_of(page)


def test_an_admin_sets_the_hud_details_and_funders_of_a_site(pages, make):
    world = build(make)
    admin = pages(world.admin)
    site = world.transitional
    form = admin.get(f"/admin/sites/{site.id}/hud")
    assert form.status_code == 200 and "Emergency shelter bed type" not in text_of(form)
    saved = admin.post(
        f"/admin/sites/{site.id}/hud",
        {
            "street_address": "5 Elm St",
            "city": "Oakland",
            "state": "CA",
            "postal_code": "94610",
            "coc_code": "CA-502",
            "geocode": "069001",
            "geography_type": "2",
            "housing_type": "2",
            "target_population": "4",
            "operating_start_on": "2021-03-01",
            "hmis_participation": "1",
        },
    )
    assert saved.status_code == 303
    updated = make.reload(Site, site.id)
    assert (updated.address, updated.geography_type, updated.operating_start_on) == (
        "5 Elm St, Oakland, CA 94610",
        2,
        date(2021, 3, 1),
    )
    refused = admin.post(f"/admin/sites/{site.id}/hud", {"coc_code": "CA5", "target_population": "4"})
    assert refused.status_code == 422 and "Two letters, a dash, three digits" in text_of(refused)
    added = admin.post(
        f"/admin/sites/{site.id}/funders", {"funder": "46", "other_funder": "OVC", "starts_on": "2024-10-01"}
    )
    assert added.status_code == 303
    missing_name = admin.post(f"/admin/sites/{site.id}/funders", {"funder": "46", "starts_on": "2024-10-01"})
    assert missing_name.status_code == 422 and "Name the funder" in text_of(missing_name)
    assert make.count(SiteFunder, site_id=site.id) == 2
    assert pages(make.user(Role.CASE_MANAGER)).get(f"/admin/sites/{site.id}/hud").status_code == 403
