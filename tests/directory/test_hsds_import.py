"""HSDS import: a 211 system's services (with organisations and locations) become sites,
through a dry run; a service that fails HSDS's schema is refused, naming the field and rule."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from housing_service.models import Role, Site, Space

from ..conftest import _reset_database

API = "/api/v1/hsds-import"
DEFAULTS = {
    "tier": "emergency",
    "households_served": ["single_adults"],
    "genders_served": ["woman", "nonbinary"],
    "age_groups_served": ["adult"],
    "substance_use_policy": "harm_reduction",
    "area": "Alameda County",
}


def _body(document: Any, **extra: Any) -> dict[str, Any]:
    content = base64.b64encode(json.dumps(document).encode()).decode()
    return {"file_name": "directory.json", "content": content, "defaults": DEFAULTS, **extra}


def _service(**changes: Any) -> dict[str, Any]:
    service = {
        "id": "7d2a4b1e-1111-4c3a-9a55-000000000001",
        "name": "Harbor House",
        "status": "active",
        "organization": {
            "id": "7d2a4b1e-2222-4c3a-9a55-000000000001",
            "name": "Harbor Light",
            "description": "Shelter and advocacy.",
        },
        "phones": [{"id": "7d2a4b1e-3333-4c3a-9a55-000000000001", "number": "+1 510 555 0100"}],
        "languages": [{"id": "7d2a4b1e-4444-4c3a-9a55-000000000001", "code": "es"}],
        "schedules": [{"id": "7d2a4b1e-5555-4c3a-9a55-000000000001", "description": "Every day, 8am-8pm"}],
        "capacities": [
            {
                "id": "7d2a4b1e-6666-4c3a-9a55-000000000001",
                "unit": {"id": "7d2a4b1e-7777-4c3a-9a55-000000000001", "name": "Bed"},
                "available": 3,
                "maximum": 12,
                "updated": "2026-11-30T20:00:00-08:00",
            }
        ],
        "service_at_locations": [
            {
                "id": "7d2a4b1e-8888-4c3a-9a55-000000000001",
                "location": {
                    "id": "7d2a4b1e-9999-4c3a-9a55-000000000001",
                    "location_type": "physical",
                    "name": "Harbor House",
                    "addresses": [
                        {
                            "id": "7d2a4b1e-aaaa-4c3a-9a55-000000000001",
                            "address_1": "12 Elm St",
                            "city": "Oakland",
                            "state_province": "CA",
                            "postal_code": "94601",
                            "country": "US",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
    }
    service.update(changes)
    return service


@pytest.fixture
def admin_client(api, make):
    return api(make.user(Role.ADMIN))


def test_a_dry_run_then_apply_brings_services_in_as_sites_and_a_re_import_updates(admin_client, make, app):
    body = _body({"contents": [_service()], "total_items": 1})
    checked = admin_client.post(f"{API}/dry-run", json=body)
    assert checked.status_code == 200, checked.get_json()
    preview = checked.get_json()
    assert preview["counts"]["sites_created"] == 1 and preview["counts"]["beds_created"] == 12
    assert make.count(Site) == 0
    applied = admin_client.post(f"{API}/apply", json={**body, "fingerprint": preview["fingerprint"]})
    assert applied.status_code == 200, applied.get_json()
    with app.app_context():
        from housing_service.extensions import db

        site = db.session.scalar(db.select(Site))
        assert (site.name, site.address, site.contact) == (
            "Harbor House",
            "12 Elm St, Oakland, CA 94601",
            "+1 510 555 0100",
        )
        assert site.language_codes == ["es"] and site.intake_hours == "Every day, 8am-8pm"
        assert site.external_id == "hsds:7d2a4b1e-8888-4c3a-9a55-000000000001" and not site.confidential
        assert site.organisation.external_id == "hsds:7d2a4b1e-2222-4c3a-9a55-000000000001"
    assert make.count(Space) == 12
    again = admin_client.post(f"{API}/dry-run", json=body).get_json()
    assert again["counts"]["sites_unchanged"] == 1 and again["counts"]["sites_created"] == 0


def test_a_service_failing_the_hsds_schema_is_refused_and_nothing_is_written(admin_client, make):
    broken = _service(id="not-a-uuid", status="open")
    del broken["name"]
    body = _body([_service(), broken])
    preview = admin_client.post(f"{API}/dry-run", json=body).get_json()
    refused = [(r["row"], r["column"]) for r in preview["refusals"]]
    assert (
        (2, "service.(service)") in refused
        and (2, "service.status") in refused
        and (2, "service.id") in refused
    )
    assert any("'name' is a required property" in r["reason"] for r in preview["refusals"])
    answer = admin_client.post(f"{API}/apply", json={**body, "fingerprint": preview["fingerprint"]})
    assert answer.status_code == 422 and make.count(Site) == 0


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (b"{not json", "is not JSON"),
        (b"[]", "holds no services"),
        (b'{"total_items": 0}', "holds no services"),
    ],
)
def test_a_document_that_is_not_hsds_is_refused_whole(admin_client, document, problem):
    body = {"file_name": "d.json", "content": base64.b64encode(document).decode(), "defaults": DEFAULTS}
    answer = admin_client.post(f"{API}/dry-run", json=body)
    assert answer.status_code == 422 and problem in answer.get_json()["errors"]["file"][0]


def test_defaults_are_checked_and_only_admins_import(admin_client, api, make):
    wrong = admin_client.post(
        f"{API}/dry-run", json=_body([_service()], defaults={**DEFAULTS, "tier": "hotel"})
    )
    assert wrong.status_code == 422 and "tier" in str(wrong.get_json()["errors"])
    partner = api(make.user(Role.PARTNER))
    assert partner.post(f"{API}/dry-run", json=_body([_service()])).status_code == 403


def test_our_own_feed_imports_into_an_empty_database(app, api, make):
    organisation = make.organisation("Bay Area Light")
    site = make.site(
        organisation, name="Open Door House", street_address="1 Open St", city="Oakland", state="CA",
        postal_code="94601", contact="510-555-0100", languages=("en", "es"),
    )  # fmt: skip
    for _ in range(3):
        make.space(site)
    feed = api(None).get("/api/v1/hsds/services").get_json()
    _reset_database(app)
    admin = api(make.user(Role.ADMIN))
    body = _body(feed)
    preview = admin.post(f"{API}/dry-run", json=body).get_json()
    assert preview["refusals"] == [] and preview["counts"]["sites_created"] == 1
    assert admin.post(f"{API}/apply", json={**body, "fingerprint": preview["fingerprint"]}).status_code == 200
    with app.app_context():
        from housing_service.extensions import db

        imported = db.session.scalar(db.select(Site))
        assert (imported.name, imported.address) == ("Open Door House", "1 Open St, Oakland, CA 94601")
        assert imported.language_codes == ["en", "es"] and len(imported.spaces) == 3


def test_json_numbers_that_are_not_numbers_are_refused(admin_client):
    document = json.dumps([_service()]).replace('"maximum": 12', '"maximum": NaN').encode()
    body = {"file_name": "d.json", "content": base64.b64encode(document).decode(), "defaults": DEFAULTS}
    answer = admin_client.post(f"{API}/dry-run", json=body)
    assert answer.status_code == 422 and "is not JSON" in answer.get_json()["errors"]["file"][0]


def test_the_command_dry_runs_then_imports_a_directory(app, make, tmp_path):
    make.user(Role.ADMIN, email="lead@example.org")
    file = tmp_path / "211.json"
    file.write_text(json.dumps({"contents": [_service()]}))
    arguments = ["import-hsds", str(file), "--as", "lead@example.org", "--tier", "emergency",
                 "--households", "single_adults", "--genders", "woman", "--ages", "adult",
                 "--substance-use-policy", "harm_reduction", "--area", "Alameda County"]  # fmt: skip
    runner = app.test_cli_runner()
    checked = runner.invoke(args=arguments)
    assert checked.exit_code == 0, checked.output
    assert "Will create 1 site, 12 beds and 0 units" in checked.output and make.count(Site) == 0
    applied = runner.invoke(args=[*arguments, "--apply"])
    assert applied.exit_code == 0, applied.output
    assert make.count(Site) == 1 and make.count(Space) == 12
