"""The same placement against the same sites gives the same answer, whatever order the sites come in."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from housing_service.matching import Matcher

from .coalition import NOW, TODAY, bed, emergency_stay, profile, site
from .test_scenarios import SCENARIOS


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_sites_and_spaces_give_identical_answers(seed: int) -> None:
    rng = random.Random(seed)
    for scenario in SCENARIOS:
        shuffled = [
            replace(option, spaces=tuple(rng.sample(option.spaces, len(option.spaces))))
            for option in scenario.sites
        ]
        rng.shuffle(shuffled)
        args = (scenario.stay, scenario.profile, scenario.declined, TODAY, NOW)

        assert Matcher(shuffled).suggest(*args) == Matcher(scenario.sites).suggest(*args), scenario.name


def test_equal_scores_are_ordered_by_name_then_site_id() -> None:
    sites = [
        site(43, "Hope House", spaces=(bed("Bed 1"),)),
        site(41, "Hope House", spaces=(bed("Bed 1"),)),
        site(42, "Amber Lodge", spaces=(bed("Bed 1"),)),
    ]
    answer = Matcher(sites).suggest(emergency_stay(), profile(), frozenset(), TODAY, NOW)

    assert [(candidate.site_name, candidate.site_id) for candidate in answer.candidates] == [
        ("Amber Lodge", 42),
        ("Hope House", 41),
        ("Hope House", 43),
    ]


def test_the_same_placement_asked_twice_gets_the_same_answer() -> None:
    scenario = SCENARIOS[0]
    matcher = Matcher(scenario.sites)
    args = (scenario.stay, scenario.profile, scenario.declined, TODAY, NOW)

    assert matcher.suggest(*args) == matcher.suggest(*args)
