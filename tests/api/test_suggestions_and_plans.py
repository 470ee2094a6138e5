"""Suggestions, the survivor's decisions and transition plans, through the API."""

from datetime import UTC, date, datetime, timedelta

import pytest

from housing_service import clock
from housing_service.models import Hold, HoldStatus, Role, TransitionPlan
from housing_service.vocabulary import CasePhase, HouseholdType, SpaceKind, Tier

NOW = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)
TODAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def world(make):
    """A mother with two children, day 51 of 60 in emergency shelter, and four transitional sites."""

    class World:
        pass

    w = World()
    families = frozenset({HouseholdType.SINGLE_ADULTS, HouseholdType.ADULTS_WITH_CHILDREN})
    w.avoid = make.area("Where the trafficker lives")
    w.shelter_org = make.organisation()
    w.shelter = make.site(organisation=w.shelter_org, name="Harbor House", households_served=families)
    w.partner = make.user(Role.PARTNER, organisation=w.shelter_org)
    w.case_manager = make.user(Role.CASE_MANAGER)
    w.advocate = make.user(Role.ADVOCATE)
    w.bridgeway = make.site(
        tier=Tier.TRANSITIONAL, name="Bridgeway", languages=("en", "es"), households_served=families
    )
    w.cedar = make.site(
        tier=Tier.TRANSITIONAL, name="Cedar Commons", languages=("en",), households_served=families
    )
    w.maple = make.site(
        tier=Tier.TRANSITIONAL,
        name="Maple Rooms",
        languages=("es",),
        households_served=frozenset({HouseholdType.SINGLE_ADULTS}),
    )
    w.oak = make.site(
        tier=Tier.TRANSITIONAL, name="Oak House", languages=("es",), households_served=families, area=w.avoid
    )
    w.units = {
        site.id: make.space(site, kind=SpaceKind.UNIT, capacity=4, label="Unit 1")
        for site in (w.bridgeway, w.cedar, w.maple, w.oak)
    }
    w.client = make.client(
        case_manager=w.case_manager,
        advocates=(w.advocate,),
        adults=1,
        children=["3-5", "6-12"],
        languages=["es", "en"],
        avoid_area_ids=[w.avoid.id],
        case_phase=CasePhase.STABILISATION,
    )
    unit = make.space(w.shelter, kind=SpaceKind.UNIT, capacity=3)
    w.stay = make.placement(w.client, unit, w.shelter, TODAY - timedelta(days=50), w.partner)
    return w


def _suggestion(api, world):
    response = api(world.case_manager).get(f"/api/v1/placements/{world.stay.id}/suggestions")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_mother_with_two_children_is_offered_family_units_spanish_speakers_first(api, world):
    suggestion = _suggestion(api, world)
    assert suggestion["action"] == "suggest" and suggestion["target_tier"] == "transitional"
    assert suggestion["move_by"] == str(world.stay.expected_end_on)
    assert [c["site_name"] for c in suggestion["candidates"]] == ["Bridgeway", "Cedar Commons"]
    first = suggestion["candidates"][0]
    assert first["space"]["kind"] == "unit" and first["space"]["capacity"] >= 3
    assert any("Spanish" in reason["text"] for reason in first["met"])
    second = suggestion["candidates"][1]
    assert any("English" in reason["text"] for reason in second["met"])  # her second language
    assert second["score"] < first["score"]
    assert suggestion["excluded"] == {"area_to_avoid": 1, "household": 1}
    assert "address" not in str(suggestion).lower()


def test_only_the_case_team_sees_suggestions(api, make, world):
    assert api(world.partner).get(f"/api/v1/placements/{world.stay.id}/suggestions").status_code == 403
    outsider = make.user(Role.CASE_MANAGER)
    assert api(outsider).get(f"/api/v1/placements/{world.stay.id}/suggestions").status_code == 404


def test_a_declined_place_is_not_suggested_again_during_the_cool_down(api, world):
    declined = api(world.case_manager).post(
        f"/api/v1/placements/{world.stay.id}/decisions",
        json={
            "site_id": world.bridgeway.id,
            "decision": "declined",
            "reason": "Too far from the children's school",
        },
    )
    assert declined.status_code == 201
    suggestion = _suggestion(api, world)
    assert [c["site_name"] for c in suggestion["candidates"]] == ["Cedar Commons"]
    assert suggestion["excluded"]["declined_recently"] == 1
    with clock.frozen(NOW + timedelta(days=31)):
        later = api(world.case_manager).get(f"/api/v1/placements/{world.stay.id}/suggestions").get_json()
    assert "declined_recently" not in later["excluded"]


def test_declining_needs_the_survivors_reason(api, world):
    response = api(world.case_manager).post(
        f"/api/v1/placements/{world.stay.id}/decisions",
        json={"site_id": world.cedar.id, "decision": "declined"},
    )
    assert response.status_code == 422 and "reason" in response.get_json()["errors"]


def test_holding_a_suggestion_makes_a_future_hold_and_records_the_choice(api, make, world):
    response = api(world.case_manager).post(
        f"/api/v1/placements/{world.stay.id}/suggestions/hold", json={"site_id": world.cedar.id}
    )
    assert response.status_code == 201, response.get_json()
    hold = response.get_json()
    assert hold["starts_on"] == str(world.stay.expected_end_on) and hold["site_id"] == world.cedar.id
    assert make.reload(Hold, hold["id"]).status == HoldStatus.HELD
    stay = api(world.case_manager).get(f"/api/v1/placements/{world.stay.id}").get_json()
    assert stay["plan"]["chosen_site_name"] == "Cedar Commons" and stay["plan"]["hold_id"] == hold["id"]
    assert stay["plan"]["target_tier"] == "transitional"
    # the site's staff see the stay, never the survivor's plans elsewhere
    assert api(world.partner).get(f"/api/v1/placements/{world.stay.id}").get_json()["plan"] is None


def test_a_place_that_is_not_suggested_can_not_be_held_this_way(api, world):
    response = api(world.case_manager).post(
        f"/api/v1/placements/{world.stay.id}/suggestions/hold", json={"site_id": world.oak.id}
    )
    assert response.status_code == 409
    assert "site_id" in response.get_json()["errors"]


def test_ready_for_a_home_of_her_own_goes_straight_to_long_term(api, make, world):
    home = make.site(
        tier=Tier.LONG_TERM,
        name="Maple Court",
        languages=("es",),
        households_served=frozenset({HouseholdType.ADULTS_WITH_CHILDREN}),
    )
    make.space(home, kind=SpaceKind.UNIT, capacity=3)
    admin = make.user(Role.ADMIN)
    api(admin).patch(
        f"/api/v1/clients/{world.client.id}",
        json={"has_income": True, "has_identity_documents": True, "says_ready_to_move": True},
    )
    suggestion = _suggestion(api, world)
    assert suggestion["target_tier"] == "long_term"
    assert [c["site_name"] for c in suggestion["candidates"]] == ["Maple Court"]


def test_a_full_tier_means_asking_for_an_extension(api, make, world):
    # Both family units that fit are occupied past the move-by date: waiting could help.
    for site in (world.bridgeway, world.cedar):
        family = make.client(adults=1, children=["6-12"])
        make.placement(family, world.units[site.id], site, TODAY - timedelta(days=5), world.partner)
    suggestion = _suggestion(api, world)
    assert suggestion["action"] == "request_extension" and suggestion["candidates"] == []
    assert "extension" in suggestion["explanation"]
    assert suggestion["excluded"]["full"] == 2


def test_no_extension_is_advised_when_no_place_could_ever_fit(api, make, world):
    # With the two family programmes closed, no transitional place can house this family:
    # waiting would not help, so no extension is advised.
    for site in (world.bridgeway, world.cedar):
        api(make.user(Role.ADMIN)).patch(f"/api/v1/sites/{site.id}", json={"active": False})
    suggestion = _suggestion(api, world)
    assert suggestion["action"] == "no_fitting_place" and suggestion["candidates"] == []
    assert "would not help" in suggestion["explanation"]
    assert "full" not in suggestion["excluded"]


def test_the_caseload_batch_pages_through_every_current_stay(api, make, world):
    other = make.client(case_manager=world.case_manager, case_phase=CasePhase.CRISIS)
    make.placement(other, make.space(world.shelter), world.shelter, TODAY - timedelta(days=2), world.partner)
    first = api(world.case_manager).get("/api/v1/suggestions?per_page=1").get_json()
    second = api(world.case_manager).get("/api/v1/suggestions?per_page=1&page=2").get_json()
    assert first["total"] == 2
    actions = {item["client_code"]: item["action"] for item in first["items"] + second["items"]}
    assert actions == {world.client.code: "suggest", other.code: "not_yet"}


def test_a_plan_with_steps_flags_an_overdue_step_and_a_missing_choice(api, app, make, world):
    from housing_service.scheduling.runner import run_job

    session = api(world.case_manager)
    plan = session.put(f"/api/v1/placements/{world.stay.id}/plan", json={})
    assert plan.status_code == 200, plan.get_json()
    assert plan.get_json()["move_by"] == str(world.stay.expected_end_on)
    step = session.post(
        f"/api/v1/placements/{world.stay.id}/plan/steps",
        json={
            "kind": "identity_documents",
            "description": "Replacement passport appointment",
            "owner": "Case manager",
            "due_on": str(TODAY + timedelta(days=2)),
        },
    )
    assert step.status_code == 201
    with app.app_context():
        report = run_job("stay_review", NOW + timedelta(days=3))
    assert report.ran
    kinds = {f["kind"] for f in session.get("/api/v1/flags").get_json()["items"]}
    assert {"plan_step_overdue", "move_without_choice", "nearing_limit"} <= kinds
    # The plan, and planning the move, are the case team's: the site's staff see neither flag.
    plan_flag_ids = [f["id"] for f in session.get("/api/v1/flags?kind=plan_step_overdue").get_json()["items"]]
    shelter = api(world.partner)
    assert shelter.get("/api/v1/flags").get_json()["items"] == []
    assert "Replacement passport" not in shelter.get(f"/my-sites/{world.shelter.id}").get_data(as_text=True)
    refused = shelter.post(f"/api/v1/flags/{plan_flag_ids[0]}/acknowledge", json={"note": "seen"})
    assert refused.status_code == 404
    done = session.patch(f"/api/v1/plan-steps/{step.get_json()['id']}", json={"status": "done"})
    assert done.status_code == 200
    session.post(
        f"/api/v1/placements/{world.stay.id}/decisions",
        json={"site_id": world.cedar.id, "decision": "chosen"},
    )
    with app.app_context():
        run_job("stay_review", NOW + timedelta(days=3, hours=1))
    kinds = {f["kind"] for f in session.get("/api/v1/flags").get_json()["items"]}
    assert "plan_step_overdue" not in kinds and "move_without_choice" not in kinds
    assert make.count(TransitionPlan) == 1


def test_suggestions_follow_every_change_to_beds_and_bookings(api, make, world):
    """The matcher is kept between requests; any change to sites, beds or bookings renews it."""
    from housing_service.services import revision

    def current_revision() -> int:
        with make.app.app_context():
            return revision.current()

    first = _suggestion(api, world)
    assert [c["site_name"] for c in first["candidates"]] == ["Bridgeway", "Cedar Commons"]
    assert _suggestion(api, world) == first  # nothing changed: the same answer
    # Bridgeway's only unit goes out of service: it must drop out at once.
    admin = make.user(Role.ADMIN)
    unit = api(admin).get(f"/api/v1/sites/{world.bridgeway.id}/spaces").get_json()["items"][0]
    before = current_revision()
    changed = api(admin).patch(
        f"/api/v1/spaces/{unit['id']}", json={"in_service": False, "out_of_service_reason": "Flooded"}
    )
    assert changed.status_code == 200
    assert current_revision() == before + 1
    assert [c["site_name"] for c in _suggestion(api, world)["candidates"]] == ["Cedar Commons"]
    # Someone else holds Cedar's unit from the move date: nothing fits any more.
    other = make.client(advocates=(world.advocate,), adults=1, children=["3-5"])
    cedar_unit = api(admin).get(f"/api/v1/sites/{world.cedar.id}/spaces").get_json()["items"][0]
    held = api(world.advocate).post(
        "/api/v1/holds",
        json={
            "client_id": other.id,
            "space_id": cedar_unit["id"],
            "starts_on": str(world.stay.expected_end_on),
        },
    )
    assert held.status_code == 201
    assert _suggestion(api, world)["action"] == "request_extension"
