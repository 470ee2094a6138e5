from datetime import timedelta

from housing_service import clock
from housing_service.models import Role
from housing_service.vocabulary import AgeGroup, Gender, HouseholdType, SpaceFeature, SpaceKind, Tier


def _search(session, **params):
    response = session.get("/api/v1/availability", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _site_ids(result):
    return [item["site"]["id"] for item in result["items"]]


def test_search_finds_free_beds_and_counts_them(api, make):
    advocate = make.user(Role.ADVOCATE)
    site = make.site()
    make.space(site), make.space(site), make.space(site, in_service=False, out_of_service_reason="Repairs")
    result = _search(api(advocate))
    assert len(result["items"]) == 1 and result["has_more"] is False
    item = result["items"][0]
    assert item["free_beds"] == 2 and item["free_units"] == 0
    assert len(item["free_spaces"]) == 2
    assert item["availability_stale"] is False


def test_a_family_is_offered_units_big_enough_never_a_single_bed(api, make):
    advocate = make.user(Role.ADVOCATE)
    beds_only, small_unit, family_site = make.site(), make.site(), make.site()
    make.space(beds_only)
    make.space(small_unit, kind=SpaceKind.UNIT, capacity=2)
    make.space(family_site, kind=SpaceKind.UNIT, capacity=4)
    result = _search(api(advocate), adults=1, children=2)
    assert _site_ids(result) == [family_site.id]
    assert result["items"][0]["free_units"] == 1 and result["items"][0]["free_beds"] == 0


def test_filters_for_tier_gender_age_language_needs_pets_and_areas_to_avoid(api, make):
    advocate = make.user(Role.ADVOCATE)
    avoid = make.area("Where the trafficker lives")
    fitting = make.site(languages=("es", "en"), pets_allowed=True)
    make.space(fitting, features=frozenset({SpaceFeature.WHEELCHAIR_ACCESSIBLE}))
    others = [
        make.site(tier=Tier.TRANSITIONAL, languages=("es",), pets_allowed=True),
        make.site(genders_served=frozenset({Gender.MAN}), languages=("es",), pets_allowed=True),
        make.site(languages=("en",), pets_allowed=True),
        make.site(languages=("es",), pets_allowed=False),
        make.site(languages=("es",), pets_allowed=True, area=avoid),
        make.site(languages=("es",), pets_allowed=True, age_groups_served=frozenset({AgeGroup.ADULT})),
    ]
    for site in others:
        make.space(site, features=frozenset({SpaceFeature.WHEELCHAIR_ACCESSIBLE}))
    no_ramp = make.site(languages=("es",), pets_allowed=True)
    make.space(no_ramp)
    result = _search(
        api(advocate),
        tier="emergency",
        gender="woman",
        age_group="youth",
        language="es",
        needs="wheelchair_accessible",
        pets="true",
        avoid_area=avoid.id,
    )
    assert _site_ids(result) == [fitting.id]


def test_minors_only_find_sites_licensed_for_minors(api, make):
    advocate = make.user(Role.ADVOCATE)
    adults_site = make.site()
    make.space(adults_site)
    youth_home = make.site(
        households_served=frozenset({HouseholdType.MINORS_ONLY}),
        age_groups_served=frozenset({AgeGroup.MINOR}),
    )
    make.space(youth_home)
    assert _site_ids(_search(api(advocate), adults=0, children=1)) == [youth_home.id]


def test_held_or_occupied_nights_are_not_free_and_freed_nights_are(api, make):
    advocate = make.user(Role.ADVOCATE)
    site = make.site()
    space = make.space(site)
    today = clock.local_date(clock.now(), "America/Los_Angeles")
    client = make.client()
    make.placement(
        client, space, site, today - timedelta(days=10), advocate, ends_on=today + timedelta(days=5)
    )
    assert _search(api(advocate))["items"] == []
    # asking for nights after the stay's planned end finds the bed again
    later = _search(
        api(advocate),
        starts_on=(today + timedelta(days=5)).isoformat(),
        ends_on=(today + timedelta(days=20)).isoformat(),
    )
    assert len(later["items"]) == 1


def test_a_stay_past_its_end_without_an_exit_still_occupies_the_bed(api, make):
    advocate = make.user(Role.ADVOCATE)
    site = make.site()
    space = make.space(site)
    today = clock.local_date(clock.now(), "America/Los_Angeles")
    make.placement(
        make.client(), space, site, today - timedelta(days=70), advocate, ends_on=today - timedelta(days=10)
    )
    assert _search(api(advocate))["items"] == []


def test_confidential_addresses_only_reach_admins_and_the_sites_own_staff(api, make):
    organisation = make.organisation()
    site = make.site(organisation=organisation, confidential=True, address="7 Secret Road")
    make.space(site)
    open_site = make.site(address="1 Public Road")
    make.space(open_site)
    advocate = make.user(Role.ADVOCATE)
    by_id = {item["site"]["id"]: item["site"] for item in _search(api(advocate))["items"]}
    assert by_id[site.id]["address"] is None and by_id[site.id]["confidential"] is True
    assert by_id[open_site.id]["address"] == "1 Public Road"
    assert api(advocate).get(f"/api/v1/sites/{site.id}").get_json()["address"] is None
    listed = api(advocate).get("/api/v1/sites").get_json()["items"]
    assert all(s["address"] != "7 Secret Road" for s in listed)
    admin = make.user(Role.ADMIN)
    assert api(admin).get(f"/api/v1/sites/{site.id}").get_json()["address"] == "7 Secret Road"
    own_partner = make.user(Role.PARTNER, organisation=organisation)
    assert api(own_partner).get(f"/api/v1/sites/{site.id}").get_json()["address"] == "7 Secret Road"


def test_stale_availability_is_marked(api, make):
    advocate = make.user(Role.ADVOCATE)
    site = make.site(availability_confirmed_at=clock.now() - timedelta(hours=30))
    make.space(site)
    item = _search(api(advocate))["items"][0]
    assert item["availability_stale"] is True and item["confirmed_hours_ago"] >= 30


def test_the_most_recently_confirmed_sites_come_first_a_page_at_a_time(api, make):
    advocate = make.user(Role.ADVOCATE)
    stale = make.site(
        name="A site confirmed yesterday", availability_confirmed_at=clock.now() - timedelta(hours=20)
    )
    fresh = make.site(name="B site confirmed now", availability_confirmed_at=clock.now())
    never = make.site(name="C site never confirmed", availability_confirmed_at=None)
    for site in (stale, fresh, never):
        make.space(site)
    first_page = _search(api(advocate), per_page=2)
    assert first_page["has_more"] is True and _site_ids(first_page) == [fresh.id, stale.id]
    second_page = _search(api(advocate), per_page=2, page=2)
    assert second_page["has_more"] is False and _site_ids(second_page) == [never.id]
    assert _search(api(advocate), per_page=2, page=3) == {
        "items": [],
        "has_more": False,
        "page": 3,
        "per_page": 2,
    }


def test_every_free_fitting_space_of_a_site_on_the_page_is_listed(api, make):
    advocate = make.user(Role.ADVOCATE)
    site = make.site()
    labels = ["Bed 1", "Bed 2", "Bed 3"]
    for label in labels:
        make.space(site, label=label)
    make.space(site, label="Unit 9", kind=SpaceKind.UNIT, capacity=4)
    item = _search(api(advocate))["items"][0]
    assert [space["label"] for space in item["free_spaces"]] == [*labels, "Unit 9"]
    assert item["free_beds"] == 3 and item["free_units"] == 1


def test_search_refuses_past_dates_and_unknown_areas(api, make):
    advocate = make.user(Role.ADVOCATE)
    yesterday = clock.local_date(clock.now(), "America/Los_Angeles") - timedelta(days=1)
    past = api(advocate).get("/api/v1/availability", query_string={"starts_on": yesterday.isoformat()})
    assert past.status_code == 422 and "starts_on" in past.get_json()["errors"]
    unknown = api(advocate).get("/api/v1/availability", query_string={"avoid_area": 9999})
    assert unknown.status_code == 422 and "avoid_area" in unknown.get_json()["errors"]


def test_partners_do_not_search_the_bed_board(api, make):
    assert api(make.user(Role.PARTNER)).get("/api/v1/availability").status_code == 403


def test_the_same_search_sees_every_change_at_once(api, make):
    """Pages are kept between requests; any change to beds or bookings renews them."""
    advocate, admin = make.user(Role.ADVOCATE), make.user(Role.ADMIN)
    site = make.site()
    bed = make.space(site, label="Bed 1")
    make.space(site, label="Bed 2")
    labels = lambda: [s["label"] for item in _search(api(advocate))["items"] for s in item["free_spaces"]]  # noqa: E731
    assert labels() == ["Bed 1", "Bed 2"]
    assert labels() == ["Bed 1", "Bed 2"]  # asked again: the kept page
    api(admin).patch(f"/api/v1/spaces/{bed.id}", json={"in_service": False, "out_of_service_reason": "Leak"})
    assert labels() == ["Bed 2"]
    survivor = make.client(advocates=(advocate,))
    other_bed = _search(api(advocate))["items"][0]["free_spaces"][0]["id"]
    held = api(advocate).post("/api/v1/holds", json={"client_id": survivor.id, "space_id": other_bed})
    assert held.status_code == 201
    assert labels() == []
    api(admin).patch(f"/api/v1/organisations/{site.organisation_id}", json={"name": "Renamed Agency"})
    api(admin).patch(f"/api/v1/spaces/{bed.id}", json={"in_service": True})
    assert _search(api(advocate))["items"][0]["site"]["organisation_name"] == "Renamed Agency"
