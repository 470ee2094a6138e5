"""Realistic placements, each checked for its action, target tier, dates, order of places and reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from housing_service.matching import (
    Action,
    CurrentStay,
    Exclusion,
    Household,
    Matcher,
    MatchingPolicy,
    PlacementRequest,
    SiteOption,
    SurvivorProfile,
)
from housing_service.vocabulary import AgeGroup, CasePhase, ChildAgeBracket, Gender, Tier

from .coalition import (
    HARM_REDUCTION,
    LAKESIDE,
    NOW,
    READY,
    RIVERSIDE_COUNTY,
    SOBRIETY,
    TODAY,
    WHEELCHAIR,
    bed,
    coalition,
    emergency_stay,
    fully_booked,
    profile,
    site,
)

MOVE_BY = date(2025, 3, 21)  # the default emergency stay: first night 2025-01-20, 60 days
COALITION = coalition()


@dataclass(frozen=True)
class Scenario:
    """One placement and everything a case manager would see in the answer."""

    name: str
    profile: SurvivorProfile
    action: Action
    target: Tier | None
    move_by: date | None
    stay: CurrentStay = field(default_factory=emergency_stay)
    sites: list[SiteOption] = field(default_factory=lambda: COALITION)
    declined: frozenset[int] = frozenset()
    plan_from: date | None = date(2025, 3, 6)
    candidates: tuple[str, ...] = ()  # site names, best first
    spaces: tuple[str, ...] = ()  # the space suggested at each of them
    excluded: dict[Exclusion, int] = field(default_factory=dict)
    excluded_text: str = ""
    explanation_has: tuple[str, ...] = ()
    reasons: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)  # met, missed


ALL_SINGLE_WOMAN = (
    "Harbor House",
    "Westside Residence",
    "Casa Esperanza",
    "Oak Street House",
    "Riverside Commons",
)

SCENARIOS = [
    Scenario(
        "mother with two children gets a unit for three, never a bed",
        profile(household=Household(1, (ChildAgeBracket.CHILD, ChildAgeBracket.INFANT))),
        Action.SUGGEST,
        Tier.TRANSITIONAL,
        MOVE_BY,
        # Tied at 12 points, Lakeside comes before Riverside by name.
        candidates=("Casa Esperanza", "Lakeside Family Homes", "Riverside Commons"),
        spaces=("Unit B", "Unit 2", "Unit 1"),
        excluded={Exclusion.HOUSEHOLD: 4},
        excluded_text="4 do not serve families",
        explanation_has=("3 sites have a fitting place in transitional housing free from Fri, Mar 21, 2025",),
        reasons={
            "Casa Esperanza": (
                ("Staff speak English, the survivor's first language", "Availability confirmed 3 h ago"),
                ("Intake at set hours: Mon-Fri 9:00-17:00",),
            ),
            "Lakeside Family Homes": (
                ("Staff speak English, the survivor's first language",),
                (
                    "Availability not confirmed yet; check with the site before reserving",
                    "Intake at set hours; ask the site when",
                ),
            ),
        },
    ),
    Scenario(
        "a minor is offered only places licensed for minors",
        profile(household=Household(0, (ChildAgeBracket.TEEN,)), age_group=AgeGroup.MINOR, gender=None),
        Action.SUGGEST,
        Tier.TRANSITIONAL,
        MOVE_BY,
        candidates=("Youth Haven",),
        spaces=("Bed 1",),
        excluded={Exclusion.HOUSEHOLD: 6},
        excluded_text="6 do not serve unaccompanied minors",
    ),
    Scenario(
        "a survivor who speaks only Spanish sees Spanish-speaking staff first",
        profile(age_group=AgeGroup.YOUTH, languages=("es",)),
        Action.SUGGEST,
        Tier.TRANSITIONAL,
        MOVE_BY,
        candidates=("Casa Esperanza", "Riverside Commons", "Harbor House", "Youth Haven"),
        spaces=("Bed 2", "Bed 1", "Bed 1", "Bed 1"),
        excluded={Exclusion.HOUSEHOLD: 1, Exclusion.AGE_GROUP: 2},
        excluded_text="2 serve other age groups, 1 does not serve single adults",
        reasons={
            "Riverside Commons": (
                ("Staff speak Spanish, the survivor's first language",),
                (
                    "Availability last confirmed 2 days ago; check with the site before reserving",
                    "Intake at set hours: Mon-Sat 8:00-20:00",
                ),
            ),
            "Harbor House": (
                ("Availability confirmed 30 min ago", "Intake 24 hours a day"),
                ("Staff do not speak Spanish",),
            ),
        },
    ),
    Scenario(
        "staff who speak the survivor's first language come first, then their other languages",
        profile(languages=("tl", "en")),
        Action.SUGGEST,
        Tier.TRANSITIONAL,
        MOVE_BY,
        candidates=(
            "Westside Residence",
            "Harbor House",
            "Casa Esperanza",
            "Oak Street House",
            "Riverside Commons",
        ),
        # Westside's Bed 2: its Bed 1 is wheelchair accessible, kept for someone who needs it.
        spaces=("Bed 2", "Bed 1", "Bed 2", "Bed 1", "Bed 1"),
        excluded={Exclusion.HOUSEHOLD: 1, Exclusion.AGE_GROUP: 1},
        reasons={
            "Westside Residence": (
                (
                    "Staff speak Tagalog, the survivor's first language",
                    "Availability confirmed 5 h ago",
                    "Intake 24 hours a day",
                ),
                (),
            ),
            "Harbor House": (
                (
                    "Staff speak English, though not Tagalog, the survivor's first language",
                    "Availability confirmed 30 min ago",
                    "Intake 24 hours a day",
                ),
                (),
            ),
        },
    ),
    Scenario(
        "a shared language outranks every other preference together",
        profile(
            languages=("es", "en"),
            preferred_area_ids=frozenset({LAKESIDE}),
            substance_use_preference=HARM_REDUCTION,
        ),
        Action.SUGGEST,
        Tier.TRANSITIONAL,
        MOVE_BY,
        sites=[
            site(
                41,
                "Alder House",
                area_id=LAKESIDE,
                languages=frozenset({"fr"}),
                intake_24_hours=True,
                spaces=(bed("Bed 1"),),
            ),
            site(
                42,
                "Birch House",
                substance_use_policy=SOBRIETY,
                availability_confirmed_at=None,
                spaces=(bed("Bed 1"),),
            ),
        ],
        candidates=("Birch House", "Alder House"),
        spaces=("Bed 1", "Bed 1"),
        reasons={
            "Alder House": (
                (
                    "In an area the survivor prefers",
                    "Harm-reduction programme, as the survivor prefers",
                    "Availability confirmed 2 h ago",
                    "Intake 24 hours a day",
                ),
                ("Staff do not speak Spanish or English",),
            ),
        },
    ),
    Scenario(
        "a wheelchair user is offered only wheelchair-accessible beds",
        profile(gender=Gender.MAN, accessibility_needs=frozenset({WHEELCHAIR})),
        Action.SUGGEST,
        Tier.TRANSITIONAL,
        MOVE_BY,
        candidates=("Harbor House", "Westside Residence"),
        spaces=("Bed 2", "Bed 1"),
        excluded={
            Exclusion.HOUSEHOLD: 1,
            Exclusion.GENDER: 2,
            Exclusion.AGE_GROUP: 1,
            Exclusion.ACCESSIBILITY: 1,
        },
        excluded_text=(
            "2 serve other genders, 1 does not serve single adults, 1 serves other age groups,"
            " 1 without a wheelchair-accessible space"
        ),
    ),
    Scenario(
        "the county where the trafficker lives is avoided; preferred area and harm reduction rank",
        profile(
            avoid_area_ids=frozenset({RIVERSIDE_COUNTY}),
            preferred_area_ids=frozenset({LAKESIDE}),
            substance_use_preference=HARM_REDUCTION,
        ),
        Action.SUGGEST,
        Tier.TRANSITIONAL,
        MOVE_BY,
        candidates=("Westside Residence", "Casa Esperanza", "Oak Street House", "Harbor House"),
        # Westside's Bed 2: its Bed 1 is wheelchair accessible, kept for someone who needs it.
        spaces=("Bed 2", "Bed 2", "Bed 1", "Bed 1"),
        excluded={Exclusion.AREA_TO_AVOID: 1, Exclusion.HOUSEHOLD: 1, Exclusion.AGE_GROUP: 1},
        excluded_text="1 in areas to avoid, 1 does not serve single adults, 1 serves other age groups",
        reasons={
            "Westside Residence": (
                (
                    "Staff speak English, the survivor's first language",
                    "In an area the survivor prefers",
                    "Harm-reduction programme, as the survivor prefers",
                    "Availability confirmed 5 h ago",
                    "Intake 24 hours a day",
                ),
                (),
            ),
            "Harbor House": (
                (
                    "Staff speak English, the survivor's first language",
                    "Availability confirmed 30 min ago",
                    "Intake 24 hours a day",
                ),
                (
                    "Not in an area the survivor prefers",
                    "Sobriety-required programme; the survivor prefers harm reduction",
                ),
            ),
        },
    ),
    Scenario(
        "a full tier: nothing free by the limit date, so an extension is the advice",
        profile(),
        Action.REQUEST_EXTENSION,
        Tier.TRANSITIONAL,
        MOVE_BY,
        sites=[
            fully_booked(option, until=date(2025, 9, 1)) if option.tier is Tier.TRANSITIONAL else option
            for option in coalition()
        ],
        excluded={Exclusion.HOUSEHOLD: 1, Exclusion.AGE_GROUP: 1, Exclusion.FULL: 5},
        excluded_text="5 full, 1 does not serve single adults, 1 serves other age groups",
        explanation_has=(
            "No fitting place in transitional housing is free by Fri, Mar 21, 2025.",
            "Consider requesting an extension",
        ),
    ),
    Scenario(
        "income, documents and the survivor's readiness lead straight to long-term housing",
        profile(readiness=READY, languages=("es", "en")),
        Action.SUGGEST,
        Tier.LONG_TERM,
        MOVE_BY,
        candidates=("Maple Court Apartments",),
        spaces=("Unit 101",),
        # Northgate's free studio has someone moving in in June: not free for good, so full.
        excluded={Exclusion.FULL: 1},
        excluded_text="1 full",
        explanation_has=("point to long-term housing", "1 site has a fitting place in long-term housing"),
        reasons={
            "Maple Court Apartments": (
                ("Staff speak Spanish, the survivor's first language", "Availability confirmed 2 h ago"),
                ("Intake at set hours: Mon-Fri 9:00-17:00",),
            )
        },
    ),
    Scenario(
        "ready for long-term housing but none takes pets: no extension, transitional places named",
        profile(readiness=READY, has_pets=True),
        Action.NO_FITTING_PLACE,
        Tier.LONG_TERM,
        MOVE_BY,
        excluded={Exclusion.PETS: 2},
        excluded_text="2 do not accept pets",
        explanation_has=(
            "No place in long-term housing fits this household and its needs",
            "waiting or an extension would not help",
            "Transitional housing has 1 site with a fitting place free by then",
        ),
    ),
    Scenario(
        "places declined recently are left out and counted",
        profile(),
        Action.SUGGEST,
        Tier.TRANSITIONAL,
        MOVE_BY,
        declined=frozenset({12, 16}),
        candidates=("Casa Esperanza", "Oak Street House", "Riverside Commons"),
        spaces=("Bed 2", "Bed 1", "Bed 1"),
        excluded={Exclusion.HOUSEHOLD: 1, Exclusion.AGE_GROUP: 1, Exclusion.DECLINED_RECENTLY: 2},
        excluded_text="2 declined recently, 1 does not serve single adults, 1 serves other age groups",
    ),
    Scenario(
        "crisis phase early in the stay: not yet, with the date planning starts",
        profile(case_phase=CasePhase.CRISIS),
        Action.NOT_YET,
        Tier.TRANSITIONAL,
        date(2025, 4, 25),
        stay=emergency_stay(starts_on=date(2025, 2, 24)),
        plan_from=date(2025, 4, 10),
        explanation_has=("starts on Thu, Apr 10, 2025", "due by Fri, Apr 25, 2025"),
    ),
    Scenario(
        "crisis phase once planning has started: places right away",
        profile(case_phase=CasePhase.CRISIS),
        Action.SUGGEST,
        Tier.TRANSITIONAL,
        date(2025, 3, 11),
        stay=emergency_stay(starts_on=date(2025, 1, 10)),
        plan_from=date(2025, 2, 24),
        candidates=ALL_SINGLE_WOMAN,
        # Westside's Bed 2: its Bed 1 is wheelchair accessible, kept for someone who needs it.
        spaces=("Bed 1", "Bed 2", "Bed 2", "Bed 1", "Bed 1"),
        excluded={Exclusion.HOUSEHOLD: 1, Exclusion.AGE_GROUP: 1},
    ),
    Scenario(
        "outside the crisis phase, early in the stay: places right away",
        profile(case_phase=CasePhase.STABILISATION),
        Action.SUGGEST,
        Tier.TRANSITIONAL,
        date(2025, 4, 25),
        stay=emergency_stay(starts_on=date(2025, 2, 24)),
        plan_from=date(2025, 4, 10),
        candidates=ALL_SINGLE_WOMAN,
        # By 2025-04-25 Oak Street's second bed is free too; Bed 1 still comes first by label.
        spaces=("Bed 1", "Bed 2", "Bed 2", "Bed 1", "Bed 1"),
        excluded={Exclusion.HOUSEHOLD: 1, Exclusion.AGE_GROUP: 1},
    ),
    Scenario(
        "the limit date has passed: places free from today",
        profile(),
        Action.SUGGEST,
        Tier.TRANSITIONAL,
        TODAY,
        stay=emergency_stay(starts_on=date(2024, 12, 20)),
        plan_from=date(2025, 2, 3),
        candidates=ALL_SINGLE_WOMAN,
        spaces=("Bed 1", "Bed 2", "Bed 2", "Bed 1", "Bed 1"),
        excluded={Exclusion.HOUSEHOLD: 1, Exclusion.AGE_GROUP: 1},
        explanation_has=(
            "The stay's limit date has passed, so places are looked for from today, Mon, Mar 3, 2025.",
        ),
    ),
    Scenario(
        "from transitional housing the next step is long-term housing",
        profile(case_phase=CasePhase.SUSTAINABILITY),
        Action.SUGGEST,
        Tier.LONG_TERM,
        date(2025, 3, 22),
        stay=CurrentStay(8, 11, Tier.TRANSITIONAL, date(2024, 7, 25), date(2025, 3, 22)),
        plan_from=date(2025, 2, 19),
        candidates=("Maple Court Apartments",),
        spaces=("Unit 101",),
        excluded={Exclusion.FULL: 1},
    ),
    Scenario(
        "already in long-term housing: no move",
        profile(case_phase=CasePhase.SUSTAINABILITY),
        Action.NO_MOVE,
        None,
        None,
        stay=CurrentStay(9, 21, Tier.LONG_TERM, date(2024, 5, 1), None),
        plan_from=None,
        explanation_has=("no move to plan", "sustainability phase"),
    ),
    Scenario(
        "a gap between bookings shorter than a full stay does not count as free",
        profile(),
        Action.SUGGEST,
        Tier.TRANSITIONAL,
        MOVE_BY,
        sites=[
            *coalition()[:1],
            # Free from 2025-03-10 until 2025-06-29: 100 nights from 2025-03-21, fewer than the 240 needed.
            site(
                31,
                "Bridge Street Transitional",
                spaces=(
                    bed(
                        "Bed 1",
                        (date(2024, 12, 1), date(2025, 3, 10)),
                        (date(2025, 6, 29), date(2025, 12, 1)),
                    ),
                ),
            ),
            # Free from 2025-03-01 to 2026-01-05: long enough for 240 nights from 2025-03-21.
            site(
                32,
                "Elm Grove Transitional",
                spaces=(bed("Bed 1", (date(2024, 12, 1), date(2025, 3, 1)), (date(2026, 1, 5), None)),),
            ),
        ],
        candidates=("Elm Grove Transitional",),
        spaces=("Bed 1",),
        excluded={Exclusion.FULL: 1},
        excluded_text="1 full",
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.name for scenario in SCENARIOS])
def test_scenario(scenario: Scenario) -> None:
    answer = Matcher(scenario.sites).suggest(scenario.stay, scenario.profile, scenario.declined, TODAY, NOW)

    assert answer.placement_id == scenario.stay.placement_id
    assert answer.action is scenario.action
    assert answer.current_tier is scenario.stay.tier
    assert answer.target_tier is scenario.target
    assert answer.move_by == scenario.move_by
    assert answer.plan_from == scenario.plan_from
    assert [candidate.site_name for candidate in answer.candidates] == list(scenario.candidates)
    assert [candidate.space.label for candidate in answer.candidates] == list(scenario.spaces)
    assert dict(answer.excluded) == scenario.excluded
    if scenario.excluded_text:
        assert answer.excluded_text == scenario.excluded_text
    for words in scenario.explanation_has:
        assert words in answer.explanation
    by_name = {candidate.site_name: candidate for candidate in answer.candidates}
    for name, (met, missed) in scenario.reasons.items():
        assert [reason.text for reason in by_name[name].met] == list(met)
        assert [reason.text for reason in by_name[name].missed] == list(missed)


def test_a_family_is_never_offered_a_bed() -> None:
    family = profile(household=Household(1, (ChildAgeBracket.CHILD, ChildAgeBracket.INFANT)))
    answer = Matcher(coalition()).suggest(emergency_stay(), family, frozenset(), TODAY, NOW)

    assert answer.candidates
    assert all(
        candidate.space.kind == "unit" and candidate.space.capacity >= 3 for candidate in answer.candidates
    )
    # Casa Esperanza has a free bed, but for this household only its two units count.
    assert answer.candidates[0].free_spaces == 2


def test_a_wheelchair_user_is_offered_only_accessible_spaces() -> None:
    sites = coalition()
    accessible = {
        space.space_id for option in sites for space in option.spaces if WHEELCHAIR in space.features
    }
    wheelchair_user = profile(gender=Gender.MAN, accessibility_needs=frozenset({WHEELCHAIR}))
    answer = Matcher(sites).suggest(emergency_stay(), wheelchair_user, frozenset(), TODAY, NOW)

    assert {candidate.space.space_id for candidate in answer.candidates} <= accessible
    assert [candidate.free_spaces for candidate in answer.candidates] == [1, 1]


@pytest.mark.parametrize(
    "scenario",
    [
        scenario
        for scenario in SCENARIOS
        if scenario.action in (Action.SUGGEST, Action.REQUEST_EXTENSION, Action.NO_FITTING_PLACE)
    ],
    ids=lambda scenario: scenario.name,
)
def test_excluded_and_fitting_sites_add_up_to_the_tier(scenario: Scenario) -> None:
    matcher = Matcher(scenario.sites, MatchingPolicy(max_candidates=100))
    answer = matcher.suggest(scenario.stay, scenario.profile, scenario.declined, TODAY, NOW)

    in_tier = sum(1 for option in scenario.sites if option.tier is answer.target_tier)
    assert sum(answer.excluded.values()) + len(answer.candidates) == in_tier


def test_scores_follow_the_order_and_the_reasons_met() -> None:
    policy = MatchingPolicy()
    weights = policy.weights
    survivor = profile(preferred_area_ids=frozenset({LAKESIDE}), substance_use_preference=HARM_REDUCTION)
    answer = Matcher(coalition(), policy).suggest(emergency_stay(), survivor, frozenset(), TODAY, NOW)

    scores = [candidate.score for candidate in answer.candidates]
    assert scores == sorted(scores, reverse=True)
    points = {
        "language": weights.first_language,
        "preferred_area": weights.preferred_area,
        "substance_use": weights.substance_use,
        "freshness": weights.fresh_availability,
        "intake_hours": weights.intake_24_hours,
    }
    for candidate in answer.candidates:
        assert candidate.score == sum(points[reason.preference] for reason in candidate.met)


def test_max_candidates_limits_the_list_and_the_explanation_says_so() -> None:
    matcher = Matcher(coalition(), MatchingPolicy(max_candidates=2))
    answer = matcher.suggest(emergency_stay(), profile(), frozenset(), TODAY, NOW)

    assert [candidate.site_name for candidate in answer.candidates] == ["Harbor House", "Westside Residence"]
    assert answer.explanation.startswith(
        "5 sites have a fitting place in transitional housing free from Fri, Mar 21, 2025; "
        "the 2 that best match"
    )


def test_suggest_many_answers_each_placement_in_order() -> None:
    matcher = Matcher(COALITION)
    requests = [
        PlacementRequest(scenario.stay, scenario.profile, scenario.declined)
        for scenario in SCENARIOS
        if scenario.sites is COALITION
    ]
    assert len(requests) > 5
    one_by_one = [matcher.suggest(r.stay, r.profile, r.declined_site_ids, TODAY, NOW) for r in requests]
    assert matcher.suggest_many(requests, TODAY, NOW) == one_by_one


JUDGEMENTAL = (
    "non-compliant",
    "noncompliant",
    "failed",
    "bed-blocker",
    "refused",
    "relapse",
    "addict",
    "clean",
)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_wording_is_neutral(scenario: Scenario) -> None:
    answer = Matcher(scenario.sites).suggest(scenario.stay, scenario.profile, scenario.declined, TODAY, NOW)
    texts = [answer.explanation, answer.excluded_text]
    texts += [
        reason.text for candidate in answer.candidates for reason in (*candidate.met, *candidate.missed)
    ]
    for text in texts:
        assert not any(word in text.lower() for word in JUDGEMENTAL), text
