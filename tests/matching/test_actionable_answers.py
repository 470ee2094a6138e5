"""The matcher on its own (issue 13): full vs no fitting space, ages in years, the second option
named, exclusions named on request, and candidates in words."""

from __future__ import annotations

from datetime import date

from housing_service.matching import Action, Exclusion, Household, Matcher
from housing_service.matching.wording import fit_words
from housing_service.vocabulary import AgeGroup, ChildAgeBracket, HouseholdType, Tier

from .coalition import NOW, READY, TODAY, bed, emergency_stay, profile, site, unit

FAMILIES = frozenset({HouseholdType.ADULTS_WITH_CHILDREN})
TEEN = ChildAgeBracket.TEEN


def _answer(sites, survivor, **options):
    return Matcher(sites).suggest(emergency_stay(), survivor, frozenset(), TODAY, NOW, **options)


def test_full_means_a_fitting_space_is_taken_and_no_fit_means_none_could_house_them():
    family = profile(household=Household(1, (ChildAgeBracket.CHILD, ChildAgeBracket.INFANT)))
    beds_only = site(21, "Beds Only", households_served=FAMILIES, spaces=(bed("Bed 1"),))
    taken = site(
        22, "Taken Unit", households_served=FAMILIES, spaces=(unit("Unit 1", 3, (date(2025, 1, 1), None)),)
    )
    answer = _answer([beds_only, taken], family)
    assert dict(answer.excluded) == {Exclusion.NO_FITTING_SPACE: 1, Exclusion.FULL: 1}
    assert answer.action is Action.REQUEST_EXTENSION  # the unit may come free: waiting could help
    assert "1 with no unit for 3" in answer.excluded_text and "1 full" in answer.excluded_text
    alone = _answer([beds_only], family)
    assert (
        alone.action is Action.NO_FITTING_PLACE
        and "Consider requesting an extension" not in alone.explanation
    )


def test_ages_in_years_decide_where_both_sides_give_them():
    youth = site(
        31,
        "Youth Bridge",
        age_groups_served=frozenset({AgeGroup.MINOR, AgeGroup.YOUTH}),
        households_served=frozenset({HouseholdType.SINGLE_ADULTS, HouseholdType.MINORS_ONLY}),
        min_age=16,
        max_age=21,
        spaces=(bed("Bed 1"),),
    )
    minor = Household(0, (TEEN,))
    assert [
        c.site_name
        for c in _answer([youth], profile(household=minor, age_group=AgeGroup.MINOR, age_years=17)).candidates
    ] == ["Youth Bridge"]
    for age, group, household in ((13, AgeGroup.MINOR, minor), (23, AgeGroup.YOUTH, Household(1))):
        answer = _answer([youth], profile(household=household, age_group=group, age_years=age))
        assert answer.candidates == () and dict(answer.excluded) == {Exclusion.AGE_GROUP: 1}
        assert answer.excluded_text == "1 serves other ages"
    # Without an age, the age groups decide, as before.
    assert _answer([youth], profile(age_group=AgeGroup.YOUTH)).candidates


def test_a_survivor_ready_for_a_home_sees_the_best_transitional_places_named():
    home = site(41, "Maple Apartments", Tier.LONG_TERM, stay_limit_days=None, spaces=(unit("Apt 1", 2),))
    bridges = [site(42 + i, f"Bridge {i}", spaces=(bed("Bed 1"),)) for i in range(5)]
    answer = _answer([home, *bridges], profile(readiness=READY))
    assert answer.target_tier is Tier.LONG_TERM and [c.site_name for c in answer.candidates] == [
        "Maple Apartments"
    ]
    assert answer.alternative_tier is Tier.TRANSITIONAL
    assert [c.site_name for c in answer.alternatives] == ["Bridge 0", "Bridge 1", "Bridge 2"]
    assert "As a second option, 5 sites have a fitting transitional place" in answer.explanation
    not_ready = _answer([home, *bridges], profile())
    assert not_ready.alternatives == () and not_ready.alternative_tier is None


def test_exclusions_are_named_only_on_request_and_never_a_confidential_site():
    far = 99
    sites = [
        site(51, "Open Door", area_id=far, spaces=(bed("Bed 1"),)),
        site(52, "Safe Haven", area_id=far, confidential=True, spaces=(bed("Bed 1"),)),
        site(53, "Welcome House", spaces=(bed("Bed 1"),)),
    ]
    survivor = profile(avoid_area_ids=frozenset({far}))
    assert _answer(sites, survivor).excluded_sites == ()
    named = _answer(sites, survivor, name_exclusions=True)
    assert [(s.site_name, s.exclusion) for s in named.excluded_sites] == [
        ("Open Door", Exclusion.AREA_TO_AVOID)
    ]
    assert dict(named.excluded) == {Exclusion.AREA_TO_AVOID: 2}


def test_candidates_read_as_words():
    sites = [
        site(
            61,
            "Casa Esperanza",
            languages=frozenset({"es"}),
            households_served=FAMILIES,
            spaces=(unit("Unit 2", 3),),
        ),
        site(62, "Cedar Commons", households_served=FAMILIES, spaces=(unit("Unit 1", 4),)),
    ]
    family = profile(household=Household(1, (TEEN, TEEN)), languages=("es",))
    first, second = _answer(sites, family).candidates
    assert (
        fit_words(first, best=True)
        == "Best fit: staff speak Spanish, the survivor's first language; a unit for 3"
    )
    assert fit_words(second, best=False) == "Also fits: a unit for 4"
