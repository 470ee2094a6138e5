"""The inventory import page: the template and column list, a dry run, then the same file applied."""

from __future__ import annotations

import csv
import io
import re

from housing_service.extensions import db
from housing_service.models import Role, Site

from ..directory.helpers import inventory_csv, site_row
from .world import text_of

FINGERPRINT = re.compile(r'name="fingerprint" value="([0-9a-f]{64})"')


def _file(content: bytes, name: str = "inventory.csv") -> tuple[io.BytesIO, str]:
    return io.BytesIO(content), name


def test_an_admin_checks_a_file_then_imports_it(pages, make):
    admin = pages(make.user(Role.ADMIN))
    index = admin.get("/inventory-import")
    assert index.status_code == 200
    assert "households_served" in text_of(index) and "/inventory-import/template.csv" in text_of(index)
    content = inventory_csv([site_row(), site_row(site="Bay House", beds="4", units="0", unit_capacity="")])
    checked = admin.post("/inventory-import/dry-run", {"file": _file(content)})
    assert checked.status_code == 200
    assert "Will create 2 sites, 14 beds and 2 units" in text_of(checked)
    assert make.count(Site) == 0
    fingerprint = FINGERPRINT.search(checked.get_data(as_text=True)).group(1)
    done = admin.post("/inventory-import/apply", {"file": _file(content), "fingerprint": fingerprint})
    assert done.status_code == 200 and "Created 2 sites, 14 beds and 2 units" in text_of(done)
    assert make.count(Site) == 2


def test_refused_rows_are_listed_and_there_is_no_import_button(pages, make):
    admin = pages(make.user(Role.ADMIN))
    content = inventory_csv([site_row(beds="5000"), site_row(site="B", contact="=cmd()")])
    checked = admin.post("/inventory-import/dry-run", {"file": _file(content)})
    text = text_of(checked)
    assert "'5000' is not a whole number from 0 to 1,000" in text
    assert "which a spreadsheet runs as a formula" in text
    assert 'name="fingerprint"' not in text
    # Forcing it anyway imports nothing.
    refused = admin.post("/inventory-import/apply", {"file": _file(content), "fingerprint": "0" * 64})
    assert refused.status_code == 422 and "Nothing was imported" in text_of(refused)
    assert make.count(Site) == 0


def test_a_file_that_can_t_be_read_and_a_missing_file(pages, make):
    admin = pages(make.user(Role.ADMIN))
    unreadable = admin.post("/inventory-import/dry-run", {"file": _file("é".encode("latin-1"))})
    assert unreadable.status_code == 422 and "is not UTF-8" in text_of(unreadable)
    missing = admin.post("/inventory-import/dry-run", {})
    assert missing.status_code == 422 and "Choose a .csv or .xlsx file" in text_of(missing)


def test_a_partner_downloads_its_inventory_and_advocates_can_t_open_the_page(pages, app, world):
    download = pages(world.partner).get("/inventory-export.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    names = [row["site"] for row in csv.DictReader(io.StringIO(download.get_data(as_text=True)))]
    with app.app_context():
        own = db.session.scalars(
            db.select(Site.name).where(Site.organisation_id == world.organisation.id, Site.active)
        ).all()
    assert names and sorted(names, key=str.lower) == sorted(own, key=str.lower)
    assert pages(world.advocate).get("/inventory-import").status_code == 403


def test_the_sites_page_leads_to_the_import(pages, world):
    assert "/inventory-import" in pages(world.partner).get("/my-sites").get_data(as_text=True)


HSDS_DEFAULTS = {
    "tier": "emergency",
    "households_served": ["single_adults"],
    "genders_served": ["woman"],
    "age_groups_served": ["adult"],
    "substance_use_policy": "harm_reduction",
    "area": "Alameda County",
    "unit_capacity": "4",
}


def test_an_admin_imports_a_211_directory_after_its_dry_run(pages, make):
    import json

    from ..directory.test_hsds_import import _service

    admin = pages(make.user(Role.ADMIN))
    assert admin.get("/directory-import").status_code == 200
    document = json.dumps({"contents": [_service()]}).encode()
    checked = admin.post("/directory-import/dry-run", {**HSDS_DEFAULTS, "file": _file(document, "211.json")})
    assert checked.status_code == 200 and "Will create 1 site, 12 beds and 0 units" in text_of(checked)
    html = checked.get_data(as_text=True)
    fingerprint = FINGERPRINT.search(html).group(1)
    assert html.count('type="hidden" name="households_served" value="single_adults"') == 1
    done = admin.post(
        "/directory-import/apply",
        {**HSDS_DEFAULTS, "fingerprint": fingerprint, "file": _file(document, "211.json")},
    )
    assert done.status_code == 200 and "Created 1 site" in text_of(done)
    assert make.count(Site) == 1
    broken = json.dumps([_service(status="open")]).encode()
    refused = admin.post("/directory-import/dry-run", {**HSDS_DEFAULTS, "file": _file(broken, "211.json")})
    assert "service.status" in text_of(refused) and "'open' is not one of" in text_of(refused)
    no_area = admin.post("/directory-import/dry-run", {**HSDS_DEFAULTS, "area": " ", "file": _file(document)})
    assert no_area.status_code == 422 and "Name the area" in text_of(no_area)
    assert pages(make.user(Role.PARTNER)).get("/directory-import").status_code == 403
