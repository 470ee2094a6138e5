from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from housing_service import clock
from housing_service.models import Booking, Hold, HoldStatus, Role
from housing_service.vocabulary import HouseholdType, SpaceFeature, SpaceKind

# 10 March 2027, noon in the coalition's time zone (America/Los_Angeles, UTC-8).
NOW = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)
TODAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def world(make):
    """A confidential shelter with a partner, an advocate working one survivor's case."""
    organisation = make.organisation()
    site = make.site(organisation=organisation, confidential=True, address="7 Secret Road")

    class World:
        pass

    w = World()
    w.site, w.organisation = site, organisation
    w.bed = make.space(site, label="Bed 1")
    w.unit = make.space(site, kind=SpaceKind.UNIT, capacity=4, label="Unit A")
    w.partner = make.user(Role.PARTNER, organisation=organisation)
    w.advocate = make.user(Role.ADVOCATE)
    w.case_manager = make.user(Role.CASE_MANAGER)
    w.client = make.client(case_manager=w.case_manager, advocates=(w.advocate,))
    return w


def _hold(session, client, space, **fields):
    return session.post("/api/v1/holds", json={"client_id": client.id, "space_id": space.id, **fields})


def test_an_advocate_holds_a_bed_for_tonight_and_sees_the_confidential_address(api, world):
    response = _hold(api(world.advocate), world.client, world.bed)
    assert response.status_code == 201, response.get_json()
    hold = response.get_json()
    assert hold["status"] == "held" and hold["starts_on"] == "2027-03-10"
    assert hold["ends_on"] == "2027-05-09"  # the site's 60-night limit
    assert datetime.fromisoformat(hold["expires_at"]) == NOW + timedelta(hours=4)
    assert hold["address"] == "7 Secret Road"


def test_nobody_else_on_the_case_sees_the_address_but_the_sites_staff_do(api, make, world):
    hold = _hold(api(world.advocate), world.client, world.bed).get_json()
    assert api(world.case_manager).get(f"/api/v1/holds/{hold['id']}").get_json()["address"] is None
    colleague = make.user(Role.ADVOCATE)
    assert api(colleague).get(f"/api/v1/holds/{hold['id']}").status_code == 404
    assert api(world.partner).get(f"/api/v1/holds/{hold['id']}").get_json()["address"] == "7 Secret Road"
    # Not on a list, even for the person holding the bed: the hold is the one place it shows.
    listed = api(world.advocate).get("/api/v1/availability").get_json()["items"]
    assert listed[0]["site"]["address"] is None
    assert api(world.advocate).get(f"/api/v1/sites/{world.site.id}").get_json()["address"] is None


def test_a_hold_past_its_window_shows_the_address_no_more_even_before_the_expiry_job(api, world):
    hold = _hold(api(world.advocate), world.client, world.bed).get_json()
    with clock.frozen(NOW + timedelta(hours=4, minutes=1)):  # the window ended; no job has run
        session = api(world.advocate)
        assert session.get(f"/api/v1/holds/{hold['id']}").get_json()["address"] is None
        assert session.get(f"/api/v1/sites/{world.site.id}").get_json()["address"] is None
        assert (
            session.get(f"/api/v1/sites?organisation_id={world.organisation.id}").get_json()["items"][0][
                "address"
            ]
            is None
        )
        page = session.get(f"/holds/{hold['id']}").get_data(as_text=True)
        assert "7 Secret Road" not in page and "has run out" in page and "make a new hold" in page
        board = session.get("/api/v1/availability").get_json()["items"]
        assert [item["site"]["address"] for item in board] == [None]
        # The site's own staff still see it: the address is theirs.
        assert api(world.partner).get(f"/api/v1/holds/{hold['id']}").get_json()["address"] == "7 Secret Road"


def test_a_future_hold_lasts_until_the_end_of_its_start_date_plus_the_window(api, world):
    response = _hold(api(world.case_manager), world.client, world.bed, starts_on="2027-04-01")
    assert response.status_code == 201
    # Local midnight after 1 April is 07:00 UTC (daylight saving time), plus 4 hours.
    assert datetime.fromisoformat(response.get_json()["expires_at"]) == datetime(
        2027, 4, 2, 11, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("fields", "status", "field"),
    [
        ({"starts_on": "2027-03-09"}, 422, "starts_on"),
        ({"starts_on": "2027-03-20", "ends_on": "2027-03-20"}, 422, "ends_on"),
        ({"ends_on": "2027-06-01"}, 422, "ends_on"),  # beyond the site's limit: extend later instead
    ],
)
def test_bad_dates_are_refused(api, make, world, fields, status, field):
    response = _hold(api(world.advocate), world.client, world.bed, **fields)
    assert response.status_code == status and field in response.get_json()["errors"]
    assert make.count(Hold) == 0 and make.count(Booking) == 0


def test_an_out_of_service_bed_can_not_be_held(api, make, world):
    broken = make.space(world.site, in_service=False, out_of_service_reason="Leak")
    response = _hold(api(world.advocate), world.client, broken)
    assert response.status_code == 409 and "out of service" in response.get_json()["message"]


def test_a_family_gets_a_unit_never_a_single_bed(api, make, world):
    family = make.client(
        case_manager=world.case_manager, advocates=(world.advocate,), adults=1, children=["3-5", "6-12"]
    )
    assert _hold(api(world.advocate), family, world.bed).status_code == 409
    assert _hold(api(world.advocate), family, world.unit).status_code == 201


def test_a_site_that_does_not_serve_the_household_is_refused(api, make, world):
    singles_only = make.site(households_served=frozenset({HouseholdType.SINGLE_ADULTS}))
    unit = make.space(singles_only, kind=SpaceKind.UNIT, capacity=3)
    family = make.client(advocates=(world.advocate,), adults=1, children=["0-2"])
    response = _hold(api(world.advocate), family, unit)
    assert response.status_code == 409 and "does not serve this household" in response.get_json()["message"]


def test_the_safety_plan_is_enforced(api, make, world):
    at_risk = make.client(advocates=(world.advocate,), avoid_area_ids=[world.site.area_id])
    response = _hold(api(world.advocate), at_risk, world.bed)
    assert response.status_code == 409 and "safety plan" in response.get_json()["message"]
    avoid_site = make.client(advocates=(world.advocate,), avoid_site_ids=[world.site.id])
    assert _hold(api(world.advocate), avoid_site, world.bed).status_code == 409


def test_needed_features_are_required(api, make, world):
    wheelchair_user = make.client(
        advocates=(world.advocate,), accessibility_needs=frozenset({SpaceFeature.WHEELCHAIR_ACCESSIBLE})
    )
    assert _hold(api(world.advocate), wheelchair_user, world.bed).status_code == 409
    ramp_bed = make.space(world.site, features=frozenset({SpaceFeature.WHEELCHAIR_ACCESSIBLE}))
    assert _hold(api(world.advocate), wheelchair_user, ramp_bed).status_code == 201


def test_a_booked_bed_can_not_be_held_again(api, make, world):
    assert _hold(api(world.advocate), world.client, world.bed).status_code == 201
    other = make.client(advocates=(world.advocate,))
    response = _hold(api(world.advocate), other, world.bed, starts_on="2027-04-01")
    assert response.status_code == 409 and "already held or occupied" in response.get_json()["message"]
    assert make.count(Hold) == 1


def test_one_hold_per_survivor_and_start_date_unless_someone_says_why(api, make, world):
    second_bed = make.space(world.site)
    assert _hold(api(world.advocate), world.client, world.bed).status_code == 201
    refused = _hold(api(world.advocate), world.client, second_bed)
    assert refused.status_code == 409 and "override_reason" in refused.get_json()["errors"]
    allowed = _hold(
        api(world.advocate), world.client, second_bed, override_reason="Two options while she decides"
    )
    assert allowed.status_code == 201


def test_only_the_case_team_holds_beds_for_a_survivor(api, make, world):
    outsider = make.user(Role.ADVOCATE)
    response = _hold(api(outsider), world.client, world.bed)
    assert response.status_code == 422 and "client_id" in response.get_json()["errors"]
    assert _hold(api(world.partner), world.client, world.bed).status_code == 403
    assert make.count(Hold) == 0


def test_releasing_a_hold_frees_the_bed_at_once(api, make, world):
    hold = _hold(api(world.advocate), world.client, world.bed).get_json()
    released = api(world.advocate).post(
        f"/api/v1/holds/{hold['id']}/release", json={"reason": "Found family"}
    )
    assert released.status_code == 200 and released.get_json()["status"] == "released"
    other = make.client(advocates=(world.advocate,))
    assert _hold(api(world.advocate), other, world.bed).status_code == 201
    again = api(world.advocate).post(f"/api/v1/holds/{hold['id']}/release", json={})
    assert again.status_code == 409


def test_the_partner_checks_the_survivor_in(api, make, world):
    hold = _hold(api(world.advocate), world.client, world.bed).get_json()
    response = api(world.partner).post(f"/api/v1/holds/{hold['id']}/check-in")
    assert response.status_code == 201, response.get_json()
    stay = response.get_json()
    assert stay["starts_on"] == "2027-03-10" and stay["expected_end_on"] == "2027-05-09"
    assert stay["tier"] == "emergency" and stay["stay_limit_days"] == 60 and stay["day"] == 1
    assert stay["hold_id"] == hold["id"]
    assert stay["client"] == {
        "code": world.client.code,
        "household_size": 1,
        "accessibility_needs": [],
        "languages": ["en"],
        "has_pets": False,
    }
    assert make.reload(Hold, hold["id"]).status == HoldStatus.PLACED
    assert api(world.partner).post(f"/api/v1/holds/{hold['id']}/check-in").status_code == 409


def test_only_the_sites_own_staff_check_in(api, make, world):
    hold = _hold(api(world.advocate), world.client, world.bed).get_json()
    assert api(world.advocate).post(f"/api/v1/holds/{hold['id']}/check-in").status_code == 403
    stranger = make.user(Role.PARTNER)
    assert api(stranger).post(f"/api/v1/holds/{hold['id']}/check-in").status_code == 404
    assert make.reload(Hold, hold["id"]).status == HoldStatus.HELD


def test_an_expired_or_released_hold_can_not_be_checked_in(api, make, world):
    hold = _hold(api(world.advocate), world.client, world.bed).get_json()
    with clock.frozen(NOW + timedelta(hours=5)):
        expired = api(world.partner).post(f"/api/v1/holds/{hold['id']}/check-in")
    assert expired.status_code == 409 and "expired" in expired.get_json()["message"]
    api(world.advocate).post(f"/api/v1/holds/{hold['id']}/release", json={})
    released = api(world.partner).post(f"/api/v1/holds/{hold['id']}/check-in")
    assert released.status_code == 409 and "released" in released.get_json()["message"]


def test_a_future_hold_is_checked_in_on_its_date_not_before(api, world):
    hold = _hold(api(world.case_manager), world.client, world.bed, starts_on="2027-03-12").get_json()
    early = api(world.partner).post(f"/api/v1/holds/{hold['id']}/check-in")
    assert early.status_code == 409 and "2027-03-12" in early.get_json()["message"]
    with clock.frozen(datetime(2027, 3, 12, 18, 0, tzinfo=UTC)):
        on_the_day = api(world.partner).post(f"/api/v1/holds/{hold['id']}/check-in")
    assert on_the_day.status_code == 201 and on_the_day.get_json()["starts_on"] == "2027-03-12"


def test_a_retried_hold_with_the_same_idempotency_key_acts_once(api, make, world):
    session = api(world.advocate)
    headers = {"Idempotency-Key": "reserve-7f3a"}
    body = {"client_id": world.client.id, "space_id": world.bed.id}
    first = session.post("/api/v1/holds", json=body, headers=headers)
    retry = session.post("/api/v1/holds", json=body, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert first.get_json() == retry.get_json()
    assert retry.headers.get("Idempotent-Replayed") == "true"
    assert make.count(Hold) == 1
    different = session.post("/api/v1/holds", json={**body, "starts_on": "2027-04-01"}, headers=headers)
    assert different.status_code == 422 and "Idempotency-Key" in different.get_json()["errors"]
    assert make.count(Hold) == 1


def test_a_kept_answer_is_forgotten_once_the_retry_window_has_passed(app, api, make, world):
    """The kept answer names the confidential address: it lives 24 hours, for retries only."""
    from housing_service.extensions import db
    from housing_service.models import IdempotentRequest
    from housing_service.scheduling.runner import run_job

    headers = {"Idempotency-Key": "reserve-9b2c"}
    body = {"client_id": world.client.id, "space_id": world.bed.id}
    assert api(world.advocate).post("/api/v1/holds", json=body, headers=headers).status_code == 201
    with app.app_context():
        run_job("retention", NOW + timedelta(hours=23))
        assert db.session.scalar(select(func.count(IdempotentRequest.id))) == 1
        run_job("retention", NOW + timedelta(hours=24, minutes=1), slot="next day")
        assert db.session.scalar(select(func.count(IdempotentRequest.id))) == 0
    assert make.count(Hold) == 1  # the hold itself is history, and stays


def test_expected_arrivals_are_listed_for_the_sites_staff(api, make, world):
    _hold(api(world.advocate), world.client, world.bed)
    later = make.client(advocates=(world.advocate,))
    _hold(api(world.advocate), later, world.unit, starts_on="2027-05-01")
    arrivals = api(world.partner).get(f"/api/v1/sites/{world.site.id}/arrivals?days=7").get_json()
    assert [a["client"]["code"] for a in arrivals] == [world.client.code]
    assert api(world.advocate).get(f"/api/v1/sites/{world.site.id}/arrivals").status_code == 403


def test_a_record_whose_details_were_erased_gets_no_hold(api, make, world):
    from housing_service import clock as clock_module

    erased = make.client(advocates=(world.advocate,), erased_at=clock_module.now())
    response = _hold(api(world.advocate), erased, world.bed)
    assert response.status_code == 409 and "new record" in response.get_json()["message"]
    assert make.count(Hold) == 0
