"""The inputs hold the coalition's rules: who fits in a bed or a unit, and what a household is."""

from __future__ import annotations

import pytest

from housing_service.matching import Household, Space, SurvivorProfile
from housing_service.vocabulary import (
    AgeGroup,
    CasePhase,
    ChildAgeBracket,
    HouseholdType,
    SpaceFeature,
    SpaceKind,
)


def test_a_household_knows_its_size_and_type() -> None:
    assert (Household(1).size, Household(1).type) == (1, HouseholdType.SINGLE_ADULTS)
    mother = Household(1, (ChildAgeBracket.CHILD, ChildAgeBracket.INFANT))
    assert (mother.size, mother.type) == (3, HouseholdType.ADULTS_WITH_CHILDREN)
    minor = Household(0, (ChildAgeBracket.TEEN,))
    assert (minor.size, minor.type) == (1, HouseholdType.MINORS_ONLY)


def test_a_household_has_someone_in_it() -> None:
    with pytest.raises(ValueError, match="at least one person"):
        Household(0)


@pytest.mark.parametrize(
    ("kind", "capacity", "household_size", "fits"),
    [
        (SpaceKind.BED, 1, 1, True),
        (SpaceKind.BED, 1, 2, False),
        (SpaceKind.UNIT, 1, 1, True),
        (SpaceKind.UNIT, 3, 1, True),  # a unit may house a household of one
        (SpaceKind.UNIT, 3, 3, True),
        (SpaceKind.UNIT, 3, 4, False),
    ],
)
def test_a_bed_sleeps_one_and_a_unit_one_household(
    kind: SpaceKind, capacity: int, household_size: int, fits: bool
) -> None:
    assert Space(1, "A", kind, capacity).fits(household_size) is fits


def test_a_bed_for_two_is_refused_as_data() -> None:
    with pytest.raises(ValueError, match="a bed sleeps one"):
        Space(1, "Bed 1", SpaceKind.BED, 2)


def test_accessibility_needs_are_wheelchair_and_ground_floor_only() -> None:
    with pytest.raises(ValueError, match="accessibility needs"):
        SurvivorProfile(
            household=Household(1),
            age_group=AgeGroup.ADULT,
            case_phase=CasePhase.CRISIS,
            accessibility_needs=frozenset({SpaceFeature.CRIB}),
        )
