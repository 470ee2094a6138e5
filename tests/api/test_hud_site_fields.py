"""What HUD's files need of sites and organisations: settable by admins, checked, kept private."""

from __future__ import annotations

from sqlalchemy import text

from housing_service.extensions import db
from housing_service.models import Organisation, Role, Site, SiteFunder
from housing_service.vocabulary import RENTAL_SUBSIDY_TYPES

SITE = {
    "name": "Harbor House",
    "tier": "emergency",
    "households_served": ["single_adults"],
    "genders_served": ["woman"],
    "age_groups_served": ["adult"],
    "substance_use_policy": "harm_reduction",
    "confidential": True,
    "street_address": "12 Hidden Lane",
    "city": "Oakland",
    "state": "CA",
    "postal_code": "94607",
    "coc_code": "CA-502",
    "geocode": "069001",
    "geography_type": 1,
    "housing_type": 1,
    "es_bed_type": 1,
    "bed_availability": 2,
    "target_population": 1,
    "operating_start_on": "2020-07-01",
    "hmis_participation": 2,
}
ADDRESS_PARTS = ("street_address", "city", "state", "postal_code")


def _site(api, make, **changes):
    admin = make.user(Role.ADMIN)
    organisation = make.organisation(victim_service_provider=True)
    area = make.area()
    response = api(admin).post(
        "/api/v1/sites", json={**SITE, "organisation_id": organisation.id, "area_id": area.id, **changes}
    )
    return admin, response


def test_admins_set_the_hud_fields_and_the_one_line_address_follows_the_parts(api, make):
    admin, response = _site(api, make)
    assert response.status_code == 201, response.get_json()
    site = response.get_json()
    assert site["address"] == "12 Hidden Lane, Oakland, CA 94607"
    assert (site["coc_code"], site["geocode"], site["bed_availability"], site["hmis_participation"]) == (
        "CA-502",
        "069001",
        2,
        2,
    )
    changed = (
        api(admin).patch(f"/api/v1/sites/{site['id']}", json={"street_address": "14 Hidden Lane"}).get_json()
    )
    assert changed["address"] == "14 Hidden Lane, Oakland, CA 94607"


def test_a_confidential_site_s_address_parts_reach_only_those_who_may_see_it(api, make):
    _admin, response = _site(api, make)
    site_id = response.get_json()["id"]
    seen = api(make.user(Role.ADVOCATE)).get(f"/api/v1/sites/{site_id}").get_json()
    assert all(seen[part] is None for part in (*ADDRESS_PARTS, "address"))
    listed = api(make.user(Role.CASE_MANAGER)).get("/api/v1/sites").get_json()["items"]
    assert "Hidden" not in str(listed) and "94607" not in str(listed)
    _admin, response = _site(api, make, confidential=False, name="Open House")
    open_site = api(make.user(Role.ADVOCATE)).get(f"/api/v1/sites/{response.get_json()['id']}").get_json()
    assert open_site["street_address"] == "12 Hidden Lane"


def test_bad_hud_values_are_named_and_nothing_is_written(api, make, app):
    cases = [
        ({"coc_code": "CA501"}, "coc_code"),
        ({"geocode": "69001"}, "geocode"),
        ({"postal_code": "9460"}, "postal_code"),
        ({"state": "California"}, "state"),
        ({"geography_type": 4}, "geography_type"),
        ({"bed_availability": 4}, "bed_availability"),
        ({"target_population": 2}, "target_population"),
        ({"tier": "transitional", "es_bed_type": 1, "bed_availability": None}, "es_bed_type"),
        ({"operating_end_on": "2019-01-01"}, "operating_end_on"),
        ({"hmis_participation": 1}, "hmis_participation"),  # a VSP never enters client data in the HMIS
    ]
    for changes, field in cases:
        _admin, response = _site(api, make, **changes)
        assert response.status_code == 422, (changes, response.get_json())
        assert field in response.get_json()["errors"], (changes, response.get_json())
    with app.app_context():
        assert db.session.query(Site).count() == 0


def test_partners_may_not_set_hud_codes_but_may_fix_their_address(api, make):
    _admin, response = _site(api, make)
    site = response.get_json()
    with_org = make.reload(Site, site["id"])
    partner = make.user(Role.PARTNER, organisation=make.reload(Organisation, with_org.organisation_id))
    refused = api(partner).patch(f"/api/v1/sites/{site['id']}", json={"coc_code": "CA-500"})
    assert refused.status_code == 422 and "coc_code" in refused.get_json()["errors"]
    allowed = api(partner).patch(f"/api/v1/sites/{site['id']}", json={"postal_code": "94608"})
    assert allowed.status_code == 200 and allowed.get_json()["address"].endswith("CA 94608")


def test_funders_are_added_checked_and_removed_by_admins(api, make, app):
    admin, response = _site(api, make)
    site_id = response.get_json()["id"]
    session = api(admin)
    added = session.post(
        f"/api/v1/sites/{site_id}/funders",
        json={"funder": 46, "other_funder": "CalOES", "grant_id": "XH-1", "starts_on": "2025-07-01"},
    )
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["funder_name"] == "Local or Other Funding Source"
    for body, field in [
        ({"funder": 46, "starts_on": "2025-07-01"}, "other_funder"),
        ({"funder": 12, "starts_on": "2025-07-01"}, "funder"),  # not a HUD code
        ({"funder": 8, "starts_on": "2025-07-01", "ends_on": "2025-06-30"}, "ends_on"),
        ({"funder": 8}, "starts_on"),
    ]:
        refused = session.post(f"/api/v1/sites/{site_id}/funders", json=body)
        assert refused.status_code == 422 and field in refused.get_json()["errors"], (
            body,
            refused.get_json(),
        )
    assert [f["grant_id"] for f in session.get(f"/api/v1/sites/{site_id}/funders").get_json()] == ["XH-1"]
    assert session.delete(f"/api/v1/sites/{site_id}/funders/{added.get_json()['id']}").status_code == 204
    with app.app_context():
        assert db.session.query(SiteFunder).count() == 0


def test_a_new_organisation_is_not_a_victim_service_provider_unless_said(api, make, app):
    admin = make.user(Role.ADMIN)
    assert (
        api(admin)
        .post("/api/v1/organisations", json={"name": "Clinic"})
        .get_json()["victim_service_provider"]
        is False
    )
    said = api(admin).post(
        "/api/v1/organisations", json={"name": "Safe Place", "victim_service_provider": True}
    )
    assert said.get_json()["victim_service_provider"] is True
    with app.app_context():
        # The database's own default, for rows written without the flag.
        db.session.execute(
            text("INSERT INTO organisations (name, created_at) VALUES ('Raw', CURRENT_TIMESTAMP)")
        )
        assert db.session.execute(
            text("SELECT victim_service_provider FROM organisations WHERE name = 'Raw'")
        ).scalar() in (
            False,
            0,
        )
        db.session.rollback()


def test_subsidy_436_is_the_emergency_housing_voucher():
    assert RENTAL_SUBSIDY_TYPES[436] == "Emergency Housing Voucher"
