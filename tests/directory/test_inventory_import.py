"""Bulk import of inventory: the dry run says what would happen and writes nothing; applying
writes it all or nothing; re-imports match by a stable key and never delete."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from housing_service.models import AuditEvent, Organisation, Role, Site, Space
from housing_service.vocabulary import SpaceKind, Tier

from .helpers import API, apply, dry_run, file_body, inventory_csv, site_row


@pytest.fixture
def admin_client(api, make):
    return api(make.user(Role.ADMIN))


def _counts(make: Any) -> tuple[int, int, int]:
    return make.count(Organisation), make.count(Site), make.count(Space)


def test_the_dry_run_counts_what_would_happen_and_writes_nothing(admin_client, make):
    content = inventory_csv(
        [
            site_row(),
            site_row(site="Bay House", units="0", unit_capacity=""),
            site_row(site="Third", tier="nope"),
        ]
    )
    answer = dry_run(admin_client, content)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["counts"] == {
        "areas_created": 1, "organisations_created": 1, "organisations_updated": 0, "sites_created": 2,
        "sites_updated": 0, "sites_unchanged": 0, "beds_created": 20, "units_created": 2, "rows_refused": 1,
    }  # fmt: skip
    assert body["summary"].startswith("Will create 2 sites, 20 beds and 2 units")
    assert body["refusals"] == [
        {"file": "inventory.csv", "row": 4, "column": "tier",
         "reason": "'nope' is not one of: emergency, transitional, long_term."}
    ]  # fmt: skip
    assert _counts(make) == (0, 0, 0)


def test_apply_creates_everything_in_one_go_and_a_re_import_changes_nothing(admin_client, make):
    content = inventory_csv([site_row(), site_row(site="Bay House", units="0", unit_capacity="")])
    answer = apply(admin_client, content)
    assert answer.status_code == 200, answer.get_json()
    assert _counts(make) == (1, 2, 22)
    with make.app.app_context():
        from housing_service.extensions import db

        site = db.session.scalar(db.select(Site).where(Site.name == "Harbor House"))
        assert site.address == "12 Elm St, Oakland, CA 94601"
        assert site.language_codes == ["en", "es"]
        assert site.stay_limit_days == 60 and site.tier == Tier.EMERGENCY
        units = [s for s in site.spaces if s.kind == SpaceKind.UNIT]
        assert sorted(u.label for u in units) == ["Unit 1", "Unit 2"] and {u.capacity for u in units} == {4}
        assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "inventory.import"))
    again = dry_run(admin_client, content).get_json()
    assert again["counts"]["sites_unchanged"] == 2
    assert again["counts"]["sites_created"] == again["counts"]["sites_updated"] == 0
    assert again["counts"]["beds_created"] == 0


def test_a_re_import_matches_by_external_id_adds_beds_and_never_removes_any(admin_client, make):
    first = site_row(site_external_id="S-1", organisation_external_id="O-1")
    assert apply(admin_client, inventory_csv([first])).status_code == 200
    renamed = {**first, "site": "Harbor House North", "beds": "12", "units": "1"}
    body = dry_run(admin_client, inventory_csv([renamed])).get_json()
    assert body["counts"]["sites_updated"] == 1 and body["counts"]["beds_created"] == 2
    assert body["counts"]["units_created"] == 0
    assert "keeps its 2 units" in body["notes"][0]
    assert apply(admin_client, inventory_csv([renamed])).status_code == 200
    assert _counts(make) == (1, 1, 14)
    with make.app.app_context():
        from housing_service.extensions import db

        site = db.session.scalar(db.select(Site))
        assert site.name == "Harbor House North"
        assert {s.label for s in site.spaces if s.kind == SpaceKind.BED} == {f"Bed {n}" for n in range(1, 13)}


def test_a_change_of_confidential_status_or_tier_is_called_out(admin_client, make):
    assert apply(admin_client, inventory_csv([site_row()])).status_code == 200
    changed = site_row(confidential="yes", tier="transitional", hud_project_type="2", stay_limit_days="240")
    body = dry_run(admin_client, inventory_csv([changed])).get_json()
    assert body["callouts"] == [
        "Row 2: 'Harbor House' changes confidential from no to yes.",
        "Row 2: 'Harbor House' changes tier from emergency to transitional.",
    ]


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"tier": "shelter"}, "tier", "'shelter' is not one of"),
        ({"households_served": "singles"}, "households_served", "'singles' is not one of"),
        ({"beds": "1001"}, "beds", "from 0 to 1,000"),
        ({"units": "2", "unit_capacity": ""}, "unit_capacity", "how many people"),
        ({"contact": '=HYPERLINK("http://x")'}, "contact", "runs as a formula"),
        ({"site": "@SUM(A1)"}, "site", "runs as a formula"),
        ({"intake_hours": "+1"}, "intake_hours", "runs as a formula"),
        ({"confidential": ""}, "confidential", "is required"),
        ({"confidential": "maybe"}, "confidential", "not yes or no"),
        (
            {"tier": "long_term", "hud_project_type": "", "stay_limit_days": "30"},
            "stay_limit_days",
            "no stay limit",
        ),
        ({"hud_project_type": "2"}, "hud_project_type", "HUD project type 0, 1"),
        ({"state": "California"}, "state", "two capital letters"),
        ({"languages": "english"}, "languages", "ISO 639"),
    ],
)
def test_a_bad_cell_names_row_column_and_rule_and_nothing_is_written(
    admin_client, make, cells, column, reason
):
    content = inventory_csv([site_row(site="Fine"), site_row(**cells)])
    body = dry_run(admin_client, content).get_json()
    assert [(r["file"], r["row"], r["column"]) for r in body["refusals"]] == [("inventory.csv", 3, column)]
    assert reason in body["refusals"][0]["reason"]
    refused = admin_client.post(f"{API}/apply", json=file_body(content, fingerprint=body["fingerprint"]))
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {f"row 3: {column}": [body["refusals"][0]["reason"]]}
    assert _counts(make) == (0, 0, 0)


def test_duplicate_keys_in_a_file_are_refused(admin_client, make):
    content = inventory_csv(
        [
            site_row(),
            site_row(beds="3"),
            site_row(site="A", site_external_id="K"),
            site_row(site="B", site_external_id="K"),
        ]
    )
    body = dry_run(admin_client, content).get_json()
    assert [(r["row"], r["column"], r["reason"]) for r in body["refusals"]] == [
        (3, "site", "the same site as row 2: one row per site."),
        (5, "site_external_id", "the same site as row 4: one row per site."),
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"organisation,site\nA,B\n", "has no column"),
        (inventory_csv([site_row()]).replace(b"Oakland", "Öakland".encode("latin-1")), "is not UTF-8"),
        (
            inventory_csv([site_row()]).replace(b"unit_capacity", b"unit_capacity,colour"),
            "doesn't know: colour",
        ),
        (b"\n \n", "is empty"),
        (b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
        (inventory_csv([site_row(site=f"S{n}") for n in range(20_001)]), "more than 20,000 rows"),
        (inventory_csv([site_row()]).replace(b"organisation,", b"site,", 1), "more than once"),
    ],
)
def test_a_file_that_can_t_be_read_is_refused_whole(admin_client, make, content, problem):
    answer = dry_run(admin_client, content)
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["status"] == "Unprocessable Entity" and problem in body["errors"]["file"][0]
    assert _counts(make) == (0, 0, 0)


def test_utf8_with_a_byte_order_mark_and_semicolons_are_read(admin_client, make):
    content = "\ufeff".encode() + inventory_csv(
        [site_row(site="Casa Esperanza", city="San José")], delimiter=";"
    )
    assert apply(admin_client, content).status_code == 200
    with make.app.app_context():
        from housing_service.extensions import db

        assert db.session.scalar(db.select(Site.city)) == "San José"


def test_an_excel_workbook_is_read(admin_client, make):
    workbook = Workbook()
    sheet = workbook.active
    row = site_row()
    sheet.append(list(row))
    sheet.append([int(v) if v.isdigit() else v for v in row.values()])  # numbers as Excel keeps them
    buffer = io.BytesIO()
    workbook.save(buffer)
    answer = apply(admin_client, buffer.getvalue(), "inventory.xlsx")
    assert answer.status_code == 200, answer.get_json()
    assert _counts(make) == (1, 1, 12)


def test_applying_needs_the_dry_run_of_the_same_file(admin_client, make):
    content = inventory_csv([site_row()])
    other = dry_run(admin_client, inventory_csv([site_row(beds="3")])).get_json()["fingerprint"]
    answer = admin_client.post(f"{API}/apply", json=file_body(content, fingerprint=other))
    assert answer.status_code == 422 and "fingerprint" in answer.get_json()["errors"]
    assert _counts(make) == (0, 0, 0)


def test_bad_requests_name_the_field(admin_client):
    not_base64 = admin_client.post(f"{API}/dry-run", json={"file_name": "a.csv", "content": "%%%"})
    assert not_base64.status_code == 422 and "content" in not_base64.get_json()["errors"]
    bad_name = admin_client.post(f"{API}/dry-run", json=file_body(b"a", "notes.txt"))
    assert bad_name.status_code == 422 and "file_name" in str(bad_name.get_json()["errors"])


def test_export_escapes_formula_like_cells_and_the_import_takes_them_back(admin_client, make):
    content = inventory_csv([site_row(contact="'+1 510 555 0100", intake_hours="'-- call first --")])
    assert apply(admin_client, content).status_code == 200
    with make.app.app_context():
        from housing_service.extensions import db

        assert db.session.scalar(db.select(Site.contact)) == "+1 510 555 0100"
    exported = admin_client.get("/api/v1/inventory-export").get_data()
    assert b",'+1 510 555 0100," in exported and b",'-- call first --," in exported
    assert dry_run(admin_client, exported).get_json()["counts"]["sites_unchanged"] == 1


def test_the_template_and_column_list(admin_client):
    template = admin_client.get(f"{API}/template")
    assert template.status_code == 200 and template.mimetype == "text/csv"
    header, _example = template.get_data(as_text=True).splitlines()
    columns = admin_client.get(f"{API}/columns").get_json()
    assert header.split(",") == [column["name"] for column in columns]
    assert {c["name"] for c in columns if c["required"]} >= {"organisation", "site", "tier", "confidential"}
    # The template's example row is itself a valid import.
    assert dry_run(admin_client, template.data).get_json()["counts"]["rows_refused"] == 0


def test_two_rows_that_would_make_one_name_twice_are_refused(admin_client, make):
    content = inventory_csv(
        [
            site_row(site="A", site_external_id="S-1"),
            site_row(site="a", site_external_id="S-2"),
            site_row(organisation="Bay Light", organisation_external_id="O-1", site="B"),
            site_row(organisation="bay light", organisation_external_id="O-2", site="C"),
        ]
    )
    body = dry_run(admin_client, content).get_json()
    assert [(r["row"], r["column"]) for r in body["refusals"]] == [(3, "site"), (5, "organisation")]


def test_a_damaged_workbook_is_refused_not_a_server_error(admin_client, make):
    answer = dry_run(admin_client, b"PK\x03\x04" + b"\x00" * 64, "inventory.xlsx")
    assert answer.status_code == 422 and "not an Excel workbook" in answer.get_json()["errors"]["file"][0]


def test_an_organisation_s_hotline_is_imported_and_the_directory_lists_only_it(admin_client, api, make):
    content = inventory_csv(
        [
            site_row(
                confidential="yes",
                confidential_services_phone="'+1 510 555 0199",
                street_address="8 Hidden Way",
            )
        ]
    )
    assert apply(admin_client, content).status_code == 200
    services = api(None).get("/api/v1/hsds/services").get_json()
    assert [s["name"] for s in services["contents"]] == ["Harbor Light: confidential housing"]
    assert services["contents"][0]["phones"][0]["number"] == "+1 510 555 0199"
    assert "8 Hidden Way" not in str(services) and "Harbor House" not in str(services)
    other = dry_run(admin_client, inventory_csv([site_row(confidential_services_phone="call us")])).get_json()
    assert other["refusals"][0]["column"] == "confidential_services_phone"


def test_cells_a_spreadsheet_could_run_are_escaped_on_export_however_they_start(admin_client, make):
    from housing_service.directory.spreadsheet import escape, unescape

    for cell in ("=1+1", "+1 510", "-2", "@SUM(A1)", " =1+1", "\t=1+1", "\rx"):
        assert escape(cell).startswith("'") and unescape(escape(cell)) == cell
    for cell in ("Harbor House", "510-555-0100", "'quoted'", ""):
        assert escape(cell) == cell and unescape(cell) == cell
