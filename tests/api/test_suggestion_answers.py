"""Suggestions a case manager can act on (issue 13, points 3, 4, 5, 7 and 9).

3: "full" vs "no place there fits this household"; 4: a minor is never a family by accident;
5: decisions read back; 7: sites' ages in years; 9: the second-best tier's places named,
exclusions named on request, words rather than points.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from housing_service import clock
from housing_service.models import Client, Role, Site
from housing_service.vocabulary import AgeGroup, CasePhase, HouseholdType, SpaceKind, Tier

NOW = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)
TODAY = date(2027, 3, 10)
FAMILIES = frozenset({HouseholdType.SINGLE_ADULTS, HouseholdType.ADULTS_WITH_CHILDREN})


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def world(make):
    class World:
        pass

    w = World()
    w.organisation = make.organisation()
    w.shelter = make.site(organisation=w.organisation, name="Harbor House", households_served=FAMILIES)
    w.partner = make.user(Role.PARTNER, organisation=w.organisation)
    w.case_manager = make.user(Role.CASE_MANAGER, display_name="Dana Case")
    w.admin = make.user(Role.ADMIN)
    return w


def _stay(make, world, client, days_ago=50, capacity=1):
    kind = SpaceKind.BED if capacity == 1 else SpaceKind.UNIT
    space = make.space(world.shelter, kind=kind, capacity=capacity)
    return make.placement(client, space, world.shelter, TODAY - timedelta(days=days_ago), world.partner)


def _suggest(api, world, stay, query=""):
    response = api(world.case_manager).get(f"/api/v1/placements/{stay.id}/suggestions{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# 3. Full on those dates, or no place there fits ----------------------------------------------


def test_a_site_with_only_single_beds_is_no_fit_for_a_family_not_full(api, make, world):
    beds_only = make.site(tier=Tier.TRANSITIONAL, name="Single Beds Only", households_served=FAMILIES)
    make.space(beds_only, label="Bed 1")
    family = make.client(
        case_manager=world.case_manager,
        adults=1,
        children=["3-5", "6-12"],
        case_phase=CasePhase.STABILISATION,
    )
    suggestion = _suggest(api, world, _stay(make, world, family, capacity=3))
    assert suggestion["excluded"] == {"no_fitting_space": 1}
    assert "full" not in suggestion["excluded_text"]
    assert suggestion["excluded_text"] == "1 with no unit for 3"


def test_a_family_no_unit_can_hold_gets_no_advice_to_extend(api, make, world):
    for name in ("Bridgeway", "Cedar Commons", "Maple Rooms"):
        site = make.site(tier=Tier.TRANSITIONAL, name=name, households_served=FAMILIES)
        make.space(site, kind=SpaceKind.UNIT, capacity=4, label="Unit 1")
    five = make.client(
        case_manager=world.case_manager,
        adults=2,
        children=["0-2", "3-5", "6-12"],
        case_phase=CasePhase.STABILISATION,
    )
    suggestion = _suggest(api, world, _stay(make, world, five, capacity=5))
    assert suggestion["action"] == "no_fitting_place"
    assert suggestion["excluded"] == {"no_fitting_space": 3}
    assert "extension" not in suggestion["explanation"].replace("an extension would not help", "")
    assert "would not help" in suggestion["explanation"]


# 4. A minor is never a family by accident -----------------------------------------------------


def test_a_minors_household_has_no_adult_unless_one_is_recorded(api, make, world):
    advocate = make.user(Role.ADVOCATE)
    response = api(advocate).post("/api/v1/clients", json={"age_group": "minor", "children": ["13-17"]})
    assert response.status_code == 201, response.get_json()
    record = response.get_json()
    assert record["adults"] == 0 and record["household_size"] == 1
    with_parent = (
        api(advocate)
        .post("/api/v1/clients", json={"age_group": "minor", "children": ["13-17"], "adults": 1})
        .get_json()
    )
    assert with_parent["adults"] == 1 and with_parent["household_size"] == 2
    adult = api(advocate).post("/api/v1/clients", json={"age_group": "adult"}).get_json()
    assert adult["adults"] == 1


# 5. Decisions read back ----------------------------------------------------------------------


def test_decisions_are_read_back_with_site_reason_who_and_when_it_may_return(api, make, world):
    site = make.site(tier=Tier.TRANSITIONAL, name="Bridgeway")
    survivor = make.client(case_manager=world.case_manager)
    stay = _stay(make, world, survivor)
    api(world.case_manager).post(
        f"/api/v1/placements/{stay.id}/decisions",
        json={"site_id": site.id, "decision": "declined", "reason": "It is near where he works"},
    )
    response = api(world.case_manager).get(f"/api/v1/clients/{survivor.id}/decisions")
    assert response.status_code == 200
    [entry] = response.get_json()
    assert entry["site_name"] == "Bridgeway" and entry["decision"] == "declined"
    assert entry["reason"] == "It is near where he works"
    assert entry["recorded_by_name"] == "Dana Case"
    assert entry["placement_id"] == stay.id and entry["client_id"] == survivor.id
    assert entry["suggested_again_from"] == str(TODAY + timedelta(days=30))
    # A record a role may not see answers as one that does not exist (404), never 403.
    assert api(world.partner).get(f"/api/v1/clients/{survivor.id}/decisions").status_code == 404


# 7. Ages in years ------------------------------------------------------------------------------


def test_a_site_licensed_for_16_to_21_serves_only_those_ages(api, make, world):
    youth = make.site(
        tier=Tier.TRANSITIONAL,
        name="Youth Bridge",
        age_groups_served=frozenset({AgeGroup.MINOR, AgeGroup.YOUTH}),
        min_age=16,
        max_age=21,
    )
    make.space(youth, label="Bed 1")
    answers = {}
    for age, group in (
        (13, AgeGroup.MINOR),
        (17, AgeGroup.MINOR),
        (20, AgeGroup.YOUTH),
        (23, AgeGroup.YOUTH),
    ):
        children = ["13-17"] if group is AgeGroup.MINOR else []
        survivor = make.client(
            case_manager=world.case_manager,
            age_group=group,
            age_years=age,
            adults=0 if children else 1,
            children=children,
            case_phase=CasePhase.STABILISATION,
        )
        answers[age] = _suggest(api, world, _stay(make, world, survivor))
    assert [c["site_name"] for c in answers[17]["candidates"]] == ["Youth Bridge"]
    assert [c["site_name"] for c in answers[20]["candidates"]] == ["Youth Bridge"]
    for age in (13, 23):
        assert answers[age]["candidates"] == [] and answers[age]["excluded"] == {"age_group": 1}
        assert answers[age]["excluded_text"] == "1 serves other ages"


def test_without_an_age_the_age_groups_still_decide(api, make, world):
    youth = make.site(
        tier=Tier.TRANSITIONAL,
        name="Youth Bridge",
        age_groups_served=frozenset({AgeGroup.YOUTH}),
        min_age=18,
        max_age=24,
    )
    make.space(youth, label="Bed 1")
    survivor = make.client(
        case_manager=world.case_manager, age_group=AgeGroup.YOUTH, case_phase=CasePhase.STABILISATION
    )
    assert [c["site_name"] for c in _suggest(api, world, _stay(make, world, survivor))["candidates"]] == [
        "Youth Bridge"
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"age_group": "adult", "age_years": 121}, "age_years"),
        ({"age_group": "adult", "age_years": -1}, "age_years"),
        ({"age_group": "adult", "age_years": 15}, "age_years"),
        ({"age_group": "minor", "children": ["13-17"], "age_years": 19}, "age_years"),
    ],
)
def test_an_age_outside_0_to_120_or_its_group_is_refused(api, make, body, field):
    advocate = make.user(Role.ADVOCATE)
    response = api(advocate).post("/api/v1/clients", json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert make.count(Client) == 0


def test_a_sites_age_range_is_checked(api, make, world):
    site = make.site(organisation=world.organisation, name="Range House")
    refused = api(world.admin).patch(f"/api/v1/sites/{site.id}", json={"min_age": 21, "max_age": 16})
    assert refused.status_code == 422 and "max_age" in refused.get_json()["errors"]
    assert api(world.admin).patch(f"/api/v1/sites/{site.id}", json={"max_age": 130}).status_code == 422
    accepted = api(world.partner).patch(f"/api/v1/sites/{site.id}", json={"min_age": 16, "max_age": 21})
    assert accepted.status_code == 200 and (
        accepted.get_json()["min_age"],
        accepted.get_json()["max_age"],
    ) == (
        16,
        21,
    )
    assert make.reload(Site, site.id).max_age == 21


# 9. The second option named, exclusions named on request, words not points -------------------


def test_a_survivor_ready_for_long_term_housing_sees_transitional_places_named(api, make, world):
    home = make.site(tier=Tier.LONG_TERM, name="Maple Apartments")
    make.space(home, kind=SpaceKind.UNIT, capacity=2, label="Apt 1")
    bridge = make.site(tier=Tier.TRANSITIONAL, name="Bridgeway")
    make.space(bridge, label="Room 1")
    ready = make.client(
        case_manager=world.case_manager,
        has_income=True,
        has_identity_documents=True,
        says_ready_to_move=True,
        case_phase=CasePhase.STABILISATION,
    )
    suggestion = _suggest(api, world, _stay(make, world, ready))
    assert suggestion["target_tier"] == "long_term"
    assert [c["site_name"] for c in suggestion["candidates"]] == ["Maple Apartments"]
    assert suggestion["alternative_tier"] == "transitional"
    assert [c["site_name"] for c in suggestion["alternatives"]] == ["Bridgeway"]
    assert "second option" in suggestion["explanation"]


def test_exclusions_are_named_on_request_confidential_sites_only_counted(api, make, world):
    avoid = make.area("Where the trafficker lives")
    make.space(make.site(tier=Tier.TRANSITIONAL, name="Open Door", area=avoid), label="Bed 1")
    make.space(
        make.site(tier=Tier.TRANSITIONAL, name="Safe Haven", area=avoid, confidential=True), label="Bed 1"
    )
    survivor = make.client(
        case_manager=world.case_manager, avoid_area_ids=[avoid.id], case_phase=CasePhase.STABILISATION
    )
    stay = _stay(make, world, survivor)
    plain = _suggest(api, world, stay)
    assert plain["excluded"] == {"area_to_avoid": 2} and plain["excluded_sites"] == []
    named = _suggest(api, world, stay, "?name_exclusions=true")
    assert named["excluded"] == {"area_to_avoid": 2}
    assert [(s["site_name"], s["exclusion"]) for s in named["excluded_sites"]] == [
        ("Open Door", "area_to_avoid")
    ]
    assert "Safe Haven" not in str(named)


def test_candidates_are_described_in_words_not_points(api, make, world):
    site = make.site(
        tier=Tier.TRANSITIONAL, name="Casa Esperanza", languages=("es",), households_served=FAMILIES
    )
    make.space(site, kind=SpaceKind.UNIT, capacity=3, label="Unit 2")
    family = make.client(
        case_manager=world.case_manager,
        adults=1,
        children=["3-5", "6-12"],
        languages=["es"],
        case_phase=CasePhase.STABILISATION,
    )
    stay = _stay(make, world, family, capacity=3)
    [candidate] = _suggest(api, world, stay)["candidates"]
    assert candidate["fit"] == "Best fit: staff speak Spanish, the survivor's first language; a unit for 3"
