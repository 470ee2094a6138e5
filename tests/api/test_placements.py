from datetime import UTC, date, datetime, timedelta

import pytest

from housing_service import clock
from housing_service.models import Booking, Client, Extension, Placement, Role
from housing_service.vocabulary import SpaceKind, Tier

NOW = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)
TODAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def world(make):
    organisation = make.organisation()

    class World:
        pass

    w = World()
    w.site = make.site(organisation=organisation, name="Harbor House")
    w.bed = make.space(w.site, label="Bed 1")
    w.partner = make.user(Role.PARTNER, organisation=organisation)
    w.advocate = make.user(Role.ADVOCATE)
    w.case_manager = make.user(Role.CASE_MANAGER)
    w.client = make.client(case_manager=w.case_manager, advocates=(w.advocate,))
    return w


def _stay(make, world, days_ago=10, **fields):
    return make.placement(
        world.client, world.bed, world.site, TODAY - timedelta(days=days_ago), world.partner, **fields
    )


def test_a_partner_places_a_walk_in_with_a_new_minimal_record(api, make, world):
    response = api(world.partner).post(
        "/api/v1/placements",
        json={
            "space_id": world.bed.id,
            "client": {"age_group": "adult", "gender": "woman", "languages": ["es"]},
        },
    )
    assert response.status_code == 201, response.get_json()
    stay = response.get_json()
    assert stay["starts_on"] == "2027-03-10" and stay["expected_end_on"] == "2027-05-09"
    assert stay["client"]["code"].startswith("S-") and stay["client"]["languages"] == ["es"]
    assert "alias" not in stay["client"]
    record = make.reload(Client, stay["client_id"])
    assert record.case_manager_id is None and record.organisation_id == world.site.organisation_id
    # the partner can't open the survivor's full record
    assert api(world.partner).get(f"/api/v1/clients/{stay['client_id']}").status_code == 404


def test_walk_ins_are_for_the_sites_own_staff(api, make, world):
    other_partner = make.user(Role.PARTNER)
    response = api(other_partner).post(
        "/api/v1/placements", json={"space_id": world.bed.id, "client": {"age_group": "adult"}}
    )
    assert response.status_code == 403 and make.count(Placement) == 0 and make.count(Client) == 1


def test_an_extension_moves_the_end_keeps_history_and_reports_going_past_the_limit(api, make, world):
    stay = _stay(make, world, days_ago=50)
    first = api(world.case_manager).post(
        f"/api/v1/placements/{stay.id}/extensions",
        json={
            "new_end_on": str(stay.expected_end_on + timedelta(days=5)),
            "reason": "Waiting for a unit to open",
            "approved_by": "Programme director",
        },
    )
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["beyond_tier_limit"] is True  # 65 nights in a 60-night tier
    assert first.get_json()["previous_end_on"] == str(stay.expected_end_on)
    second = api(world.partner).post(
        f"/api/v1/placements/{stay.id}/extensions",
        json={
            "new_end_on": str(stay.expected_end_on + timedelta(days=10)),
            "reason": "Court date",
            "approved_by": "Shelter manager",
        },
    )
    assert second.status_code == 201
    detail = api(world.case_manager).get(f"/api/v1/placements/{stay.id}").get_json()
    assert detail["expected_end_on"] == str(stay.expected_end_on + timedelta(days=10))
    assert [e["reason"] for e in detail["extensions"]] == ["Waiting for a unit to open", "Court date"]
    report = api(make.user(Role.ADMIN)).get("/api/v1/extensions").get_json()
    assert len(report) == 2 and all(e["beyond_tier_limit"] for e in report)
    assert make.reload(Booking, make.reload(Placement, stay.id).booking_id).ends_on == TODAY + timedelta(
        days=20
    )


def test_an_extension_needs_a_reason_an_approver_and_a_later_date(api, make, world):
    stay = _stay(make, world)
    session = api(world.case_manager)
    url = f"/api/v1/placements/{stay.id}/extensions"
    later = str(stay.expected_end_on + timedelta(days=3))
    assert "reason" in session.post(url, json={"new_end_on": later, "approved_by": "x"}).get_json()["errors"]
    blank = session.post(url, json={"new_end_on": later, "reason": "  ", "approved_by": "x"})
    assert blank.status_code == 422 and "reason" in blank.get_json()["errors"]
    earlier = session.post(
        url, json={"new_end_on": str(stay.expected_end_on), "reason": "r", "approved_by": "x"}
    )
    assert earlier.status_code == 422 and "new_end_on" in earlier.get_json()["errors"]
    typo = session.post(url, json={"new_end_on": "2099-03-10", "reason": "r", "approved_by": "x"})
    assert typo.status_code == 422 and typo.get_json()["errors"]["new_end_on"] == [
        "An extension adds at most 365 days; record another one later if the stay must go on."
    ]
    year = str(stay.expected_end_on + timedelta(days=365))
    assert session.post(url, json={"new_end_on": year, "reason": "r", "approved_by": "x"}).status_code == 201
    assert make.count(Extension) == 1


def test_an_extension_into_someone_elses_hold_is_refused(api, make, world):
    stay = _stay(make, world, days_ago=50)
    next_person = make.client(advocates=(world.advocate,))
    held = api(world.advocate).post(
        "/api/v1/holds",
        json={"client_id": next_person.id, "space_id": world.bed.id, "starts_on": str(stay.expected_end_on)},
    )
    assert held.status_code == 201
    response = api(world.case_manager).post(
        f"/api/v1/placements/{stay.id}/extensions",
        json={"new_end_on": str(stay.expected_end_on + timedelta(days=7)), "reason": "r", "approved_by": "x"},
    )
    assert response.status_code == 409
    assert make.reload(Placement, stay.id).expected_end_on == stay.expected_end_on


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"destination": 999}, "destination"),
        ({"destination": 435}, "subsidy_type"),
        ({"destination": 435, "subsidy_type": 1}, "subsidy_type"),
        ({"destination": 410, "subsidy_type": 433}, "subsidy_type"),
        ({"destination": 17}, "destination_text"),
        ({"destination": 410, "exited_on": "2027-02-01"}, "exited_on"),  # before the stay began
        ({"destination": 410, "exited_on": "2027-03-11"}, "exited_on"),  # in the future
    ],
)
def test_bad_exits_are_refused_and_change_nothing(api, make, world, body, field):
    stay = _stay(make, world)
    response = api(world.partner).post(
        f"/api/v1/placements/{stay.id}/exit", json={"exited_on": "2027-03-10", **body}
    )
    assert response.status_code == 422 and field in response.get_json()["errors"], response.get_json()
    assert make.reload(Placement, stay.id).exited_on is None


def test_an_exit_frees_the_bed_from_the_exit_date_and_keeps_the_stay(api, make, world):
    stay = _stay(make, world)
    advocate = world.advocate
    assert api(advocate).get("/api/v1/availability").get_json()["items"] == []
    response = api(world.partner).post(
        f"/api/v1/placements/{stay.id}/exit",
        json={
            "exited_on": "2027-03-10",
            "destination": 17,
            "destination_text": "Repatriated to home country",
        },
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["exited_on"] == "2027-03-10" and body["destination"] == 17 and body["days_left"] is None
    assert body["destination_label"] == "Other" and body["day"] == 10
    assert api(advocate).get("/api/v1/availability").get_json()["items"] != []
    twice = api(world.partner).post(
        f"/api/v1/placements/{stay.id}/exit", json={"exited_on": "2027-03-10", "destination": 410}
    )
    assert twice.status_code == 409
    assert make.count(Placement) == 1


def test_an_exit_with_a_subsidised_rental_records_the_subsidy(api, make, world):
    stay = _stay(make, world)
    response = api(world.case_manager).post(
        f"/api/v1/placements/{stay.id}/exit",
        json={"exited_on": "2027-03-09", "destination": 435, "subsidy_type": 433},
    )
    assert response.status_code == 200 and response.get_json()["subsidy_type"] == 433


def test_moving_on_to_the_next_tier_links_the_two_stays(api, make, world):
    emergency_stay = _stay(make, world, days_ago=45)
    transitional = make.site(tier=Tier.TRANSITIONAL, name="Bridgeway")
    unit = make.space(transitional, kind=SpaceKind.UNIT, capacity=2)
    move_day = TODAY + timedelta(days=5)
    hold = (
        api(world.case_manager)
        .post(
            "/api/v1/holds",
            json={"client_id": world.client.id, "space_id": unit.id, "starts_on": str(move_day)},
        )
        .get_json()
    )
    own_partner = make.user(Role.PARTNER, organisation=_organisation_of(make, transitional))
    with clock.frozen(NOW + timedelta(days=5)):
        moved = api(own_partner).post(f"/api/v1/holds/{hold['id']}/check-in")
    assert moved.status_code == 201, moved.get_json()
    new_stay = moved.get_json()
    assert new_stay["tier"] == "transitional" and new_stay["previous_placement_id"] == emergency_stay.id
    old = make.reload(Placement, emergency_stay.id)
    assert old.exited_on == move_day and old.destination == 302
    detail = api(world.case_manager).get(f"/api/v1/placements/{emergency_stay.id}").get_json()
    assert detail["next_placement_id"] == new_stay["id"]


def _organisation_of(make, site):
    from housing_service.models import Organisation

    return make.reload(Organisation, site.organisation_id)


def test_the_case_manager_sees_days_used_and_left(api, make, world):
    _stay(make, world, days_ago=45)
    record = api(world.case_manager).get(f"/api/v1/clients/{world.client.id}").get_json()
    assert record["current_stay"]["day"] == 46
    assert record["current_stay"]["limit_days"] == 60 and record["current_stay"]["days_left"] == 15
    listed = api(world.case_manager).get("/api/v1/clients").get_json()["items"]
    assert listed[0]["current_stay"]["days_left"] == 15
    stays = api(world.case_manager).get(f"/api/v1/placements?client_id={world.client.id}").get_json()
    assert stays["total"] == 1 and stays["items"][0]["days_left"] == 15


def test_partners_see_stays_at_their_sites_only(api, make, world):
    _stay(make, world)
    other_partner = make.user(Role.PARTNER)
    assert api(other_partner).get("/api/v1/placements").get_json()["total"] == 0
    assert api(world.partner).get("/api/v1/placements").get_json()["total"] == 1


def test_showing_a_survivors_details_in_a_list_is_audited(api, make, world):
    from housing_service.models import AuditEvent

    _stay(make, world)
    api(world.partner).get("/api/v1/placements")
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from housing_service.extensions import db

    with make.app.app_context(), Session(db.engine) as session:
        entry = session.scalars(select(AuditEvent).where(AuditEvent.action == "client.read")).one()
    assert entry.actor_id == world.partner.id and entry.details == {
        "ids": [world.client.id],
        "via": "placements",
    }


def test_no_check_in_to_a_bed_whose_last_stay_passed_its_end_without_an_exit(api, make, world):
    """Whoever stayed there may still be in the bed: the site records that stay's exit first."""
    earlier = _stay(make, world, days_ago=60, ends_on=TODAY)  # due to leave this morning
    arriving = make.client(case_manager=world.case_manager, advocates=(world.advocate,))
    with clock.frozen(NOW - timedelta(days=3)):  # held while the stay had days to go
        hold = api(world.advocate).post(
            "/api/v1/holds",
            json={"client_id": arriving.id, "space_id": world.bed.id, "starts_on": str(TODAY)},
        )
    assert hold.status_code == 201, hold.get_json()
    refused = api(world.partner).post(f"/api/v1/holds/{hold.get_json()['id']}/check-in")
    assert refused.status_code == 409
    assert "record the exit or an extension first" in refused.get_json()["message"]
    assert make.count(Placement) == 1
    exit_ = api(world.partner).post(
        f"/api/v1/placements/{earlier.id}/exit", json={"exited_on": str(TODAY), "destination": 302}
    )
    assert exit_.status_code == 200, exit_.get_json()
    checked_in = api(world.partner).post(f"/api/v1/holds/{hold.get_json()['id']}/check-in")
    assert checked_in.status_code == 201 and checked_in.get_json()["starts_on"] == str(TODAY)
