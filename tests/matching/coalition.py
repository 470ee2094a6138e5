"""A small, realistic coalition and builders for the matching tests; addresses are never part of it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from housing_service.matching import (
    CurrentStay,
    Household,
    Readiness,
    SiteOption,
    Space,
    SurvivorProfile,
)
from housing_service.vocabulary import (
    AgeGroup,
    CasePhase,
    Gender,
    HouseholdType,
    SpaceFeature,
    SpaceKind,
    SubstanceUsePolicy,
    Tier,
)

TODAY = date(2025, 3, 3)
NOW = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)

RIVERSIDE_COUNTY, HARBOR_CITY, LAKESIDE = 1, 2, 3

SINGLE = frozenset({HouseholdType.SINGLE_ADULTS})
FAMILIES = frozenset({HouseholdType.ADULTS_WITH_CHILDREN})
ALL_GENDERS = frozenset(Gender)
ADULTS_AND_YOUTH = frozenset({AgeGroup.ADULT, AgeGroup.YOUTH})
WHEELCHAIR = SpaceFeature.WHEELCHAIR_ACCESSIBLE
GROUND_FLOOR = SpaceFeature.GROUND_FLOOR
HARM_REDUCTION = SubstanceUsePolicy.HARM_REDUCTION
SOBRIETY = SubstanceUsePolicy.SOBRIETY_REQUIRED

_space_ids = iter(range(1000, 100_000))


def bed(
    label: str, *bookings: tuple[date, date | None], features: frozenset[SpaceFeature] = frozenset()
) -> Space:
    """A bed for one person."""
    return Space(next(_space_ids), label, SpaceKind.BED, 1, features, tuple(bookings))


def unit(label: str, capacity: int, *bookings: tuple[date, date | None]) -> Space:
    """A unit for one household of up to `capacity` people."""
    return Space(next(_space_ids), label, SpaceKind.UNIT, capacity, frozenset(), tuple(bookings))


def site(site_id: int, name: str, tier: Tier = Tier.TRANSITIONAL, **fields: object) -> SiteOption:
    """A site with the coalition's usual defaults: single adults of any gender, English, set hours."""
    defaults: dict[str, object] = {
        "area_id": HARBOR_CITY,
        "households_served": SINGLE,
        "genders_served": ALL_GENDERS,
        "age_groups_served": ADULTS_AND_YOUTH,
        "substance_use_policy": HARM_REDUCTION,
        "stay_limit_days": tier.default_stay_limit_days,
        "languages": frozenset({"en"}),
        "intake_hours": "Mon-Fri 9:00-17:00",
        "availability_confirmed_at": NOW - timedelta(hours=2),
    }
    return SiteOption(site_id=site_id, name=name, tier=tier, **{**defaults, **fields})  # type: ignore[arg-type]


def fully_booked(option: SiteOption, until: date) -> SiteOption:
    """The same site with every space occupied until `until`."""
    spaces = tuple(replace(space, bookings=((date(2025, 1, 1), until),)) for space in option.spaces)
    return replace(option, spaces=spaces)


def coalition() -> list[SiteOption]:
    """Seven transitional programmes, two long-term ones and the emergency shelter stays start in."""
    return [
        site(
            1,
            "Safe Harbor Shelter",
            Tier.EMERGENCY,
            households_served=SINGLE | FAMILIES,
            spaces=(bed("Bed 1"),),
        ),
        site(
            11,
            "Casa Esperanza",
            households_served=SINGLE | FAMILIES,
            genders_served=frozenset({Gender.WOMAN, Gender.NONBINARY}),
            languages=frozenset({"es", "en"}),
            availability_confirmed_at=NOW - timedelta(hours=3),
            spaces=(
                bed("Bed 1", (date(2025, 2, 1), date(2025, 6, 1))),
                bed("Bed 2"),
                unit("Unit A", 4),
                unit("Unit B", 3),
            ),
        ),
        site(
            12,
            "Harbor House",
            substance_use_policy=SOBRIETY,
            intake_24_hours=True,
            intake_hours="",
            availability_confirmed_at=NOW - timedelta(minutes=30),
            spaces=(
                bed("Bed 1"),
                bed("Bed 2", features=frozenset({WHEELCHAIR, GROUND_FLOOR})),
                bed("Bed 3", (date(2025, 1, 10), date(2025, 10, 1))),
            ),
        ),
        site(
            13,
            "Riverside Commons",
            area_id=RIVERSIDE_COUNTY,
            households_served=SINGLE | FAMILIES,
            genders_served=frozenset({Gender.WOMAN}),
            languages=frozenset({"en", "es"}),
            intake_hours="Mon-Sat 8:00-20:00",
            availability_confirmed_at=NOW - timedelta(days=2),
            spaces=(bed("Bed 1"), unit("Unit 1", 3)),
        ),
        site(
            14,
            "Youth Haven",
            area_id=LAKESIDE,
            households_served=SINGLE | frozenset({HouseholdType.MINORS_ONLY}),
            age_groups_served=frozenset({AgeGroup.MINOR, AgeGroup.YOUTH}),  # licensed for minors
            intake_24_hours=True,
            availability_confirmed_at=NOW - timedelta(hours=1),
            spaces=(bed("Bed 1"), bed("Bed 2")),
        ),
        site(
            15,
            "Lakeside Family Homes",
            area_id=LAKESIDE,
            households_served=FAMILIES,
            substance_use_policy=SOBRIETY,
            languages=frozenset({"en", "fr"}),
            intake_hours="",
            availability_confirmed_at=None,
            spaces=(
                unit("Unit 1", 2),
                unit("Unit 2", 5),
                unit("Unit 3", 3, (date(2025, 1, 1), date(2025, 12, 1))),
            ),
        ),
        site(
            16,
            "Westside Residence",
            area_id=LAKESIDE,
            age_groups_served=frozenset({AgeGroup.ADULT}),
            languages=frozenset({"en", "tl"}),
            pets_allowed=True,
            intake_24_hours=True,
            availability_confirmed_at=NOW - timedelta(hours=5),
            spaces=(bed("Bed 1", features=frozenset({WHEELCHAIR})), bed("Bed 2")),
        ),
        site(
            17,
            "Oak Street House",
            age_groups_served=frozenset({AgeGroup.ADULT}),
            availability_confirmed_at=NOW - timedelta(hours=6),
            spaces=(bed("Bed 1"), bed("Bed 2", (date(2025, 2, 15), date(2025, 4, 15)))),
        ),
        site(
            21,
            "Maple Court Apartments",
            Tier.LONG_TERM,
            area_id=LAKESIDE,
            households_served=SINGLE | FAMILIES,
            languages=frozenset({"en", "es"}),
            spaces=(
                unit("Unit 101", 1),
                unit("Unit 102", 2, (date(2024, 6, 1), None)),
                unit("Unit 103", 4, (date(2024, 1, 1), date(2025, 3, 10))),
            ),
        ),
        site(
            22,
            "Northgate Studios",
            Tier.LONG_TERM,
            substance_use_policy=SOBRIETY,
            spaces=(
                unit("Studio 1", 1, (date(2024, 9, 1), None)),
                unit("Studio 2", 1, (date(2025, 6, 1), None)),  # free now, but someone moves in in June
            ),
        ),
    ]


def profile(**fields: object) -> SurvivorProfile:
    """A survivor's profile: by default a woman on her own who speaks English, past the crisis phase."""
    defaults: dict[str, object] = {
        "household": Household(1),
        "age_group": AgeGroup.ADULT,
        "case_phase": CasePhase.STABILISATION,
        "gender": Gender.WOMAN,
        "languages": ("en",),
    }
    return SurvivorProfile(**{**defaults, **fields})  # type: ignore[arg-type]


def emergency_stay(starts_on: date = date(2025, 1, 20), days: int = 60, placement_id: int = 7) -> CurrentStay:
    """A stay at the emergency shelter with its limit date `days` after the first night."""
    return CurrentStay(placement_id, 1, Tier.EMERGENCY, starts_on, starts_on + timedelta(days=days))


READY = Readiness(has_income=True, has_identity_documents=True, says_ready=True)
