"""Bad input gets a clear error naming the field and the problem, and changes nothing."""

import pytest

from housing_service.models import AuditEvent, Organisation, Role, Site, Space

ERROR_KEYS = {"code", "status", "message", "errors"}


def _site_body(organisation_id, area_id, **overrides):
    body = {
        "organisation_id": organisation_id,
        "area_id": area_id,
        "name": "Harbor House",
        "tier": "emergency",
        "households_served": ["single_adults"],
        "genders_served": ["woman"],
        "age_groups_served": ["adult"],
        "substance_use_policy": "harm_reduction",
    }
    body.update(overrides)
    return body


def test_malformed_json_is_refused_in_the_error_shape(api, make):
    admin = make.user(Role.ADMIN)
    response = api(admin).http.post(
        "/api/v1/organisations", data='{"name": "Harbor', content_type="application/json"
    )
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == ERROR_KEYS and body["code"] == 400 and body["status"] == "Bad Request"
    assert "body" in body["errors"]
    assert make.count(Organisation) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"surprise": True}, "surprise"),  # unknown field
        ({"tier": "penthouse"}, "tier"),  # not one of the tiers
        ({"name": 42}, "name"),  # wrong type
        ({"stay_limit_days": 0}, "stay_limit_days"),  # out of range
        ({"stay_limit_days": "sixty"}, "stay_limit_days"),
        ({"households_served": []}, "households_served"),
        ({"languages": ["Spanish"]}, "languages.0"),
        ({"hold_window_hours": -1}, "hold_window_hours"),
    ],
)
def test_invalid_site_fields_are_named(api, make, overrides, field):
    admin, organisation, area = make.user(Role.ADMIN), make.organisation(), make.area()
    response = api(admin).post("/api/v1/sites", json=_site_body(organisation.id, area.id, **overrides))
    assert response.status_code == 422
    body = response.get_json()
    assert set(body) == ERROR_KEYS and body["status"] == "Unprocessable Entity"
    assert field in body["errors"], body
    assert field in body["message"]
    assert make.count(Site) == 0


def test_several_problems_are_named_together(api, make):
    admin, organisation, area = make.user(Role.ADMIN), make.organisation(), make.area()
    response = api(admin).post(
        "/api/v1/sites", json=_site_body(organisation.id, area.id, tier="x", stay_limit_days=-5, extra=1)
    )
    assert {"tier", "stay_limit_days", "extra"} <= set(response.get_json()["errors"])


@pytest.mark.parametrize("field", ["organisation_id", "area_id"])
def test_unknown_ids_in_a_body_are_named(api, make, field):
    admin, organisation, area = make.user(Role.ADMIN), make.organisation(), make.area()
    body = {**_site_body(organisation.id, area.id), field: 987654}
    response = api(admin).post("/api/v1/sites", json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert make.count(Site) == 0


def test_an_unknown_id_in_the_path_is_404_in_the_error_shape(api, make):
    admin = make.user(Role.ADMIN)
    response = api(admin).patch("/api/v1/sites/987654", json={"pets_allowed": True})
    assert response.status_code == 404
    assert set(response.get_json()) == ERROR_KEYS


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"label": "U", "kind": "unit", "capacity": -2}, "capacity"),
        ({"label": "U", "kind": "unit", "capacity": 0}, "capacity"),
        ({"label": "", "kind": "bed"}, "label"),
        ({"label": "B", "kind": "hammock"}, "kind"),
        ({"label": "B", "kind": "bed", "features": ["jacuzzi"]}, "features.0"),
        ({"kind": "bed"}, "label"),
    ],
)
def test_invalid_beds_and_units_are_named(api, make, body, field):
    admin = make.user(Role.ADMIN)
    site = make.site()
    response = api(admin).post(f"/api/v1/sites/{site.id}/spaces", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"], response.get_json()
    assert make.count(Space) == 0


def test_unknown_query_parameters_are_refused(api, make):
    response = api(make.user(Role.ADVOCATE)).get("/api/v1/availability?bedrooms=3")
    assert response.status_code == 422 and "bedrooms" in response.get_json()["errors"]


def test_a_failed_request_writes_no_audit_entry(api, make):
    admin = make.user(Role.ADMIN)
    api(admin).post("/api/v1/organisations", json={"name": ""})
    assert make.count(AuditEvent) == 0
    api(admin).post("/api/v1/organisations", json={"name": "Harbor Light"})
    assert make.count(AuditEvent, action="organisation.create") == 1


def test_a_site_change_that_breaks_a_rule_is_named_not_written(api, make):
    """Found by the fuzzer: the checks must run before the change is flushed."""
    admin = make.user(Role.ADMIN)
    site = make.site()
    response = api(admin).patch(f"/api/v1/sites/{site.id}", json={"hud_project_type": 10, "area_id": 987654})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"area_id": ["No area has this id."]}
    with_languages = api(admin).patch(
        f"/api/v1/sites/{site.id}", json={"area_id": 987654, "languages": ["es"]}
    )
    assert with_languages.status_code == 422 and "area_id" in with_languages.get_json()["errors"]
    mismatch = api(admin).patch(f"/api/v1/sites/{site.id}", json={"hud_project_type": 10})
    assert mismatch.status_code == 422 and "hud_project_type" in mismatch.get_json()["errors"]
    assert make.reload(Site, site.id).hud_project_type == 0
