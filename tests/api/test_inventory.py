from housing_service.models import (
    Area,
    AvailabilityConfirmation,
    Organisation,
    Role,
    Site,
    Space,
    SpaceStatusChange,
)
from housing_service.vocabulary import SpaceKind, Tier

SITE = {
    "name": "Harbor House",
    "tier": "emergency",
    "households_served": ["single_adults", "adults_with_children"],
    "genders_served": ["woman", "nonbinary"],
    "age_groups_served": ["youth", "adult"],
    "languages": ["es", "en"],
    "substance_use_policy": "harm_reduction",
    "confidential": True,
    "address": "12 Hidden Lane",
}


def test_admin_creates_organisations_areas_and_sites(api, make):
    admin = make.user(Role.ADMIN)
    session = api(admin)
    organisation = session.post("/api/v1/organisations", json={"name": "Harbor Light"}).get_json()
    area = session.post("/api/v1/areas", json={"name": "Santa Clara County"}).get_json()
    response = session.post(
        "/api/v1/sites", json={**SITE, "organisation_id": organisation["id"], "area_id": area["id"]}
    )
    assert response.status_code == 201, response.get_json()
    site = response.get_json()
    assert site["organisation_name"] == "Harbor Light" and site["area_name"] == "Santa Clara County"
    assert site["stay_limit_days"] == 60 and site["hold_window_hours"] == 4
    assert site["languages"] == ["en", "es"]
    assert site["address"] == "12 Hidden Lane"  # admins see confidential addresses


def test_a_site_may_override_its_tiers_stay_limit(api, make):
    admin, organisation, area = make.user(Role.ADMIN), make.organisation(), make.area()
    response = api(admin).post(
        "/api/v1/sites",
        json={
            **SITE,
            "organisation_id": organisation.id,
            "area_id": area.id,
            "tier": "transitional",
            "stay_limit_days": 180,
        },
    )
    assert response.status_code == 201
    assert response.get_json()["stay_limit_days"] == 180
    assert response.get_json()["hud_project_type"] == 2


def test_long_term_housing_has_no_limit_and_a_permanent_project_type(api, make):
    admin, organisation, area = make.user(Role.ADMIN), make.organisation(), make.area()
    body = {**SITE, "organisation_id": organisation.id, "area_id": area.id, "tier": "long_term"}
    created = api(admin).post("/api/v1/sites", json=body)
    assert created.status_code == 201
    assert created.get_json()["stay_limit_days"] is None
    refused = api(admin).post("/api/v1/sites", json={**body, "name": "Other", "stay_limit_days": 400})
    assert refused.status_code == 422 and "stay_limit_days" in refused.get_json()["errors"]
    wrong_type = api(admin).post("/api/v1/sites", json={**body, "name": "Third", "hud_project_type": 2})
    assert wrong_type.status_code == 422 and "hud_project_type" in wrong_type.get_json()["errors"]


def test_only_admins_create_sites(api, make):
    organisation, area = make.organisation(), make.area()
    for role in (Role.ADVOCATE, Role.CASE_MANAGER):
        response = api(make.user(role)).post(
            "/api/v1/sites", json={**SITE, "organisation_id": organisation.id, "area_id": area.id}
        )
        assert response.status_code == 403
    partner = make.user(Role.PARTNER, organisation=organisation)
    response = api(partner).post(
        "/api/v1/sites", json={**SITE, "organisation_id": organisation.id, "area_id": area.id}
    )
    assert response.status_code == 403
    assert make.count(Site) == 0


def test_a_partner_edits_their_own_organisations_site_and_nothing_else(api, make):
    own, other = make.organisation(), make.organisation()
    partner = make.user(Role.PARTNER, organisation=own)
    own_site, other_site = make.site(organisation=own), make.site(organisation=other)
    ok = api(partner).patch(
        f"/api/v1/sites/{own_site.id}", json={"intake_hours": "Any time", "pets_allowed": True}
    )
    assert ok.status_code == 200 and ok.get_json()["pets_allowed"] is True
    refused = api(partner).patch(f"/api/v1/sites/{other_site.id}", json={"pets_allowed": True})
    assert refused.status_code == 403
    assert make.reload(Site, other_site.id).pets_allowed is False
    admin_field = api(partner).patch(f"/api/v1/sites/{own_site.id}", json={"tier": "transitional"})
    assert admin_field.status_code == 422 and "tier" in admin_field.get_json()["errors"]
    assert make.reload(Site, own_site.id).tier == Tier.EMERGENCY


def test_partners_see_only_their_own_organisations_sites(api, make):
    own, other = make.organisation(), make.organisation()
    partner = make.user(Role.PARTNER, organisation=own)
    own_site, other_site = make.site(organisation=own), make.site(organisation=other)
    listed = api(partner).get("/api/v1/sites").get_json()
    assert [s["id"] for s in listed["items"]] == [own_site.id]
    assert api(partner).get(f"/api/v1/sites/{other_site.id}").status_code == 403
    assert api(partner).get(f"/api/v1/sites/{other_site.id}/spaces").status_code == 403


def test_a_partner_adds_and_changes_beds_and_units_at_their_sites(api, make):
    organisation = make.organisation()
    partner = make.user(Role.PARTNER, organisation=organisation)
    site = make.site(organisation=organisation)
    bed = api(partner).post(
        f"/api/v1/sites/{site.id}/spaces",
        json={"label": "Bed 1", "kind": "bed", "features": ["ground_floor"]},
    )
    assert bed.status_code == 201
    unit = api(partner).post(
        f"/api/v1/sites/{site.id}/spaces", json={"label": "Unit A", "kind": "unit", "capacity": 4}
    )
    assert unit.status_code == 201 and unit.get_json()["capacity"] == 4
    duplicate = api(partner).post(f"/api/v1/sites/{site.id}/spaces", json={"label": "Bed 1", "kind": "bed"})
    assert duplicate.status_code == 409 and "label" in duplicate.get_json()["errors"]
    double_bed = api(partner).post(
        f"/api/v1/sites/{site.id}/spaces", json={"label": "B2", "kind": "bed", "capacity": 2}
    )
    assert double_bed.status_code == 422 and "capacity" in double_bed.get_json()["errors"]
    out = api(partner).patch(
        f"/api/v1/spaces/{bed.get_json()['id']}",
        json={"in_service": False, "out_of_service_reason": "Leak in the ceiling"},
    )
    assert out.status_code == 200 and out.get_json()["in_service"] is False


def test_a_partner_can_not_touch_another_organisations_beds(api, make):
    partner = make.user(Role.PARTNER)
    other_site = make.site()
    space = make.space(other_site)
    response = api(partner).patch(
        f"/api/v1/spaces/{space.id}", json={"in_service": False, "out_of_service_reason": "x"}
    )
    assert response.status_code == 403
    assert make.reload(Space, space.id).in_service is True
    added = api(partner).post(f"/api/v1/sites/{other_site.id}/spaces", json={"label": "Bed 9", "kind": "bed"})
    assert added.status_code == 403
    assert make.count(Space, site_id=other_site.id) == 1


def test_confirming_availability_applies_changes_in_one_call_and_keeps_history(api, make):
    organisation = make.organisation()
    partner = make.user(Role.PARTNER, organisation=organisation)
    site = make.site(organisation=organisation, availability_confirmed_at=None)
    bed1, bed2 = make.space(site), make.space(site, in_service=False, out_of_service_reason="Repairs")
    response = api(partner).post(
        f"/api/v1/sites/{site.id}/availability-confirmations",
        json={
            "changes": [
                {"space_id": bed1.id, "in_service": False, "reason": "Mould treatment"},
                {"space_id": bed2.id, "in_service": True},
            ]
        },
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["changes"] == 2
    assert make.reload(Site, site.id).availability_confirmed_at is not None
    assert make.reload(Space, bed1.id).out_of_service_reason == "Mould treatment"
    assert make.reload(Space, bed2.id).in_service is True
    history = api(partner).get(f"/api/v1/sites/{site.id}/availability-history").get_json()["items"]
    kinds = sorted(entry["kind"] for entry in history)
    assert kinds == ["confirmed", "service_status", "service_status"]
    assert all(entry["by_user_id"] == partner.id for entry in history)
    assert make.count(SpaceStatusChange) == 2
    # a second confirmation adds to the history instead of overwriting it
    api(partner).post(f"/api/v1/sites/{site.id}/availability-confirmations", json={})
    assert make.count(AvailabilityConfirmation, site_id=site.id) == 2


def test_a_confirmation_with_a_bad_change_changes_nothing(api, make):
    organisation = make.organisation()
    partner = make.user(Role.PARTNER, organisation=organisation)
    site = make.site(organisation=organisation, availability_confirmed_at=None)
    bed = make.space(site)
    foreign = make.space(make.site())
    response = api(partner).post(
        f"/api/v1/sites/{site.id}/availability-confirmations",
        json={
            "changes": [
                {"space_id": bed.id, "in_service": False, "reason": "Repairs"},
                {"space_id": foreign.id, "in_service": False, "reason": "Repairs"},
            ]
        },
    )
    assert response.status_code == 422
    assert "changes.1.space_id" in response.get_json()["errors"]
    assert make.reload(Space, bed.id).in_service is True
    assert make.reload(Site, site.id).availability_confirmed_at is None


def test_out_of_service_needs_a_reason(api, make):
    organisation = make.organisation()
    partner = make.user(Role.PARTNER, organisation=organisation)
    site = make.site(organisation=organisation)
    space = make.space(site)
    response = api(partner).patch(f"/api/v1/spaces/{space.id}", json={"in_service": False})
    assert response.status_code == 422 and "out_of_service_reason" in response.get_json()["errors"]


def test_advocates_and_case_managers_can_not_change_inventory(api, make):
    site = make.site()
    space = make.space(site, kind=SpaceKind.BED)
    for role in (Role.ADVOCATE, Role.CASE_MANAGER):
        session = api(make.user(role))
        assert session.patch(f"/api/v1/sites/{site.id}", json={"pets_allowed": True}).status_code == 403
        assert session.patch(f"/api/v1/spaces/{space.id}", json={"label": "X"}).status_code == 403
        assert session.post(f"/api/v1/sites/{site.id}/availability-confirmations", json={}).status_code == 403
        assert session.post("/api/v1/organisations", json={"name": "New"}).status_code == 403
    assert make.reload(Space, space.id).label != "X"


def test_area_and_organisation_names_are_one_whatever_their_case(api, make):
    """A second "san francisco" would let a survivor's safety exclusion miss the first one's sites."""
    admin = api(make.user(Role.ADMIN))
    assert admin.post("/api/v1/areas", json={"name": "San Francisco"}).status_code == 201
    again = admin.post("/api/v1/areas", json={"name": "san  francisco "})
    assert again.status_code == 409 and "name" in again.get_json()["errors"]
    assert admin.post("/api/v1/organisations", json={"name": "Harbor Light"}).status_code == 201
    assert admin.post("/api/v1/organisations", json={"name": "HARBOR LIGHT"}).status_code == 409
    blank = admin.post("/api/v1/organisations", json={"name": "   "})
    assert blank.status_code == 422 and blank.get_json()["errors"] == {
        "name": ["Give a name (spaces alone are not one)."]
    }
    assert make.count(Area) == 1 and make.count(Organisation) == 1
