from datetime import timedelta

from housing_service.models import Role

from .conftest import noon


def test_each_role_sees_the_flags_that_concern_it(api, run, make, stay_world):
    run("stay_review", noon(stay_world.end - timedelta(days=15)))  # day 46 of 60
    mine = api(stay_world.case_manager).get("/api/v1/flags").get_json()
    assert mine["total"] == 1
    flag = mine["items"][0]
    assert flag["kind"] == "nearing_limit" and flag["client_code"] == stay_world.client.code
    assert flag["title"] == "Stay nearing its end"
    assert flag["reason"] == (
        "Flagged on day 46 of 60 at Harbor House: plan the move to transitional housing by day 60, "
        "the last night (Thu, Apr 29, 2027)."
    )
    assert flag["act_by"] == str(stay_world.end)
    # Planning the move is the case team's: the site's staff see a stay's flag once it is past its end.
    assert api(stay_world.partner).get("/api/v1/flags").get_json()["total"] == 0
    assert api(stay_world.advocate).get("/api/v1/flags").get_json()["total"] == 1  # on the case team
    assert api(make.user(Role.ADMIN)).get("/api/v1/flags").get_json()["total"] == 1
    assert api(make.user(Role.CASE_MANAGER)).get("/api/v1/flags").get_json()["total"] == 0
    assert api(make.user(Role.PARTNER)).get("/api/v1/flags").get_json()["total"] == 0


def test_acknowledging_a_flag_keeps_it_open_with_the_note(api, run, make, stay_world):
    run("stay_review", noon(stay_world.end - timedelta(days=14)))
    flag_id = api(stay_world.case_manager).get("/api/v1/flags").get_json()["items"][0]["id"]
    stranger = make.user(Role.CASE_MANAGER)
    assert api(stranger).post(f"/api/v1/flags/{flag_id}/acknowledge", json={"note": "x"}).status_code == 404
    response = api(stay_world.case_manager).post(
        f"/api/v1/flags/{flag_id}/acknowledge", json={"note": "Viewing at Bridgeway on Tuesday"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["acknowledged_by_id"] == stay_world.case_manager.id
    assert body["acknowledgement_note"] == "Viewing at Bridgeway on Tuesday" and body["resolved_at"] is None


def test_resolved_flags_are_listed_on_request(api, run, make, stay_world):
    run("stay_review", noon(stay_world.end))
    from housing_service import clock

    with clock.frozen(noon(stay_world.end)):
        api(stay_world.partner).post(
            f"/api/v1/placements/{stay_world.stay.id}/exit",
            json={"exited_on": str(stay_world.end), "destination": 302},
        )
    assert api(stay_world.case_manager).get("/api/v1/flags").get_json()["total"] == 0
    history = api(stay_world.case_manager).get("/api/v1/flags?open=false").get_json()
    assert history["total"] == 3 and all(f["resolved_at"] for f in history["items"])
