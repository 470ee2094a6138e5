"""Benchmark of housing_service.matching on a synthetic coalition, in memory, with no database.

Usage: python bench/matching_bench.py [--size tiny|full] [--seed N]

Prints the index build time, single-placement latency (p50/p99, on a warm matcher), the time for a
batch of placements at two sizes, and their ratio (about the ratio of the sizes when cost grows
linearly). Batches are timed cold (a freshly built matcher: the per-class indexes it builds lazily
are paid for inside the batch) and warm (a matcher that has answered these placements once). Each
figure is the median of several runs.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypedDict

if __package__ in (None, ""):
    # Run as a script from anywhere: make the repository importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from housing_service.matching import (
    CurrentStay,
    Household,
    Matcher,
    PlacementRequest,
    Readiness,
    SiteOption,
    Space,
    SurvivorProfile,
)
from housing_service.vocabulary import (
    AgeGroup,
    CasePhase,
    ChildAgeBracket,
    Gender,
    HouseholdType,
    SpaceFeature,
    SpaceKind,
    SubstanceUsePolicy,
    Tier,
)

TODAY = date(2025, 3, 3)
NOW = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Size:
    """How big a coalition and how many placements to time."""

    sites: int
    spaces: int
    areas: int
    batches: tuple[int, int]
    single_calls: int
    runs: int


SIZES = {
    "tiny": Size(sites=12, spaces=150, areas=4, batches=(10, 100), single_calls=20, runs=3),
    "full": Size(sites=2_000, spaces=50_000, areas=40, batches=(1_000, 10_000), single_calls=1_000, runs=5),
}

# Other languages staff speak, with how often a site lists each; English is nearly everywhere.
STAFF_LANGUAGES = {
    "es": 0.45,
    "fr": 0.1,
    "pt": 0.1,
    "zh": 0.08,
    "vi": 0.08,
    "tl": 0.06,
    "ht": 0.05,
    "ru": 0.05,
}
SURVIVOR_LANGUAGES = [
    ("en",),
    ("es",),
    ("es", "en"),
    ("zh", "en"),
    ("vi",),
    ("tl", "en"),
    ("ht", "fr"),
    ("ru",),
]
SURVIVOR_LANGUAGE_WEIGHTS = [45, 20, 12, 5, 5, 5, 4, 4]
STAY_LIMITS = {
    Tier.EMERGENCY: (60, 60, 60, 30, 90),
    Tier.TRANSITIONAL: (240, 240, 180, 365),
    Tier.LONG_TERM: (None,),
}


def generate_sites(size: Size, rng: random.Random) -> list[SiteOption]:
    """A coalition of sites across tiers, areas, languages and households, with booked spaces."""
    space_counts = _split(size.spaces, size.sites, rng)
    sites = []
    next_space_id = 1
    for site_id, space_count in enumerate(space_counts, start=1):
        tier = rng.choices(list(Tier), weights=[45, 35, 20])[0]
        households = {kind for kind, share in _household_shares(tier).items() if rng.random() < share}
        households = households or {HouseholdType.SINGLE_ADULTS}
        ages = {AgeGroup.ADULT, AgeGroup.YOUTH}
        if HouseholdType.MINORS_ONLY in households:
            ages.add(AgeGroup.MINOR)  # licensed to house minors
        stay_limit = rng.choice(STAY_LIMITS[tier])
        spaces = []
        for _ in range(space_count):
            spaces.append(_space(next_space_id, len(spaces), tier, households, stay_limit, rng))
            next_space_id += 1
        sites.append(
            SiteOption(
                site_id=site_id,
                name=f"{tier.value.title()} programme {site_id:04d}",
                tier=tier,
                area_id=rng.randrange(size.areas) + 1,
                households_served=frozenset(households),
                genders_served=rng.choices(
                    [
                        frozenset({Gender.WOMAN}),
                        frozenset(Gender),
                        frozenset({Gender.MAN}),
                        frozenset({Gender.WOMAN, Gender.NONBINARY}),
                    ],
                    weights=[40, 45, 10, 5],
                )[0],
                age_groups_served=frozenset(ages),
                substance_use_policy=rng.choices(list(SubstanceUsePolicy), weights=[60, 40])[0],
                stay_limit_days=stay_limit,
                languages=frozenset(
                    {"en"} | {code for code, share in STAFF_LANGUAGES.items() if rng.random() < share}
                ),
                pets_allowed=rng.random() < 0.2,
                intake_24_hours=rng.random() < {Tier.EMERGENCY: 0.5, Tier.TRANSITIONAL: 0.1}.get(tier, 0),
                intake_hours="Mon-Fri 9:00-17:00",
                availability_confirmed_at=(
                    None if rng.random() < 0.1 else NOW - timedelta(minutes=rng.randrange(6 * 24 * 60))
                ),
                spaces=tuple(spaces),
            )
        )
    return sites


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    counts = [1] * parts
    for _ in range(total - parts):
        counts[rng.randrange(parts)] += 1
    return counts


def _household_shares(tier: Tier) -> dict[HouseholdType, float]:
    if tier is Tier.LONG_TERM:
        return {HouseholdType.SINGLE_ADULTS: 0.8, HouseholdType.ADULTS_WITH_CHILDREN: 0.6}
    return {
        HouseholdType.SINGLE_ADULTS: 0.8,
        HouseholdType.ADULTS_WITH_CHILDREN: 0.4,
        HouseholdType.MINORS_ONLY: 0.08,
    }


def _space(
    space_id: int,
    number: int,
    tier: Tier,
    households: set[HouseholdType],
    stay_limit: int | None,
    rng: random.Random,
) -> Space:
    unit_share = {Tier.EMERGENCY: 0.2, Tier.TRANSITIONAL: 0.5, Tier.LONG_TERM: 0.95}[tier]
    if HouseholdType.ADULTS_WITH_CHILDREN in households and rng.random() < unit_share:
        kind, capacity = SpaceKind.UNIT, rng.choice((2, 3, 3, 4, 4, 5, 6))
    elif rng.random() < unit_share:
        kind, capacity = SpaceKind.UNIT, rng.choice((1, 1, 2))
    else:
        kind, capacity = SpaceKind.BED, 1
    features = set()
    if rng.random() < 0.08:
        features.add(SpaceFeature.WHEELCHAIR_ACCESSIBLE)
    if rng.random() < 0.25:
        features.add(SpaceFeature.GROUND_FLOOR)
    return Space(
        space_id=space_id,
        label=f"{'Bed' if kind is SpaceKind.BED else 'Unit'} {number + 1:03d}",
        kind=kind,
        capacity=capacity,
        features=frozenset(features),
        bookings=_bookings(stay_limit, rng),
    )


def _bookings(stay_limit: int | None, rng: random.Random) -> tuple[tuple[date, date | None], ...]:
    """Past stays, a current one most of the time, and sometimes a reserved arrival later on."""
    bookings: list[tuple[date, date | None]] = []
    day = TODAY - timedelta(days=rng.randrange(200, 400))
    length = stay_limit or 365
    while True:
        day += timedelta(days=rng.randrange(0, 10))  # turnover between stays
        if stay_limit is None and rng.random() < 0.7 and day <= TODAY:
            bookings.append((day, None))  # long-term housing: a home, open-ended
            return tuple(bookings)
        end = day + timedelta(days=rng.randrange(max(length // 3, 1), length + 1))
        if day > TODAY and rng.random() < 0.5:
            return tuple(bookings)  # free from here on
        bookings.append((day, end))
        if day > TODAY + timedelta(days=120):
            return tuple(bookings)
        day = end


def generate_requests(
    sites: list[SiteOption], count: int, areas: int, rng: random.Random
) -> list[PlacementRequest]:
    """Placements across tiers with varied households, languages, needs and safety exclusions."""
    ids_by_tier = {tier: [site.site_id for site in sites if site.tier is tier] for tier in Tier}
    requests = []
    for placement_id in range(1, count + 1):
        tier = rng.choices(list(Tier), weights=[55, 35, 10])[0]
        limit = {Tier.EMERGENCY: 60, Tier.TRANSITIONAL: 240}.get(tier)
        starts_on = TODAY - timedelta(days=rng.randrange(limit or 700))
        ends_on = None if limit is None else starts_on + timedelta(days=limit + rng.choice((0, 0, 0, 30)))
        household, age_group = _household(rng)
        target = Tier.LONG_TERM if tier is Tier.TRANSITIONAL else Tier.TRANSITIONAL
        declined = frozenset(
            rng.sample(ids_by_tier[target], k=min(rng.randrange(4), len(ids_by_tier[target])))
        )
        profile = SurvivorProfile(
            household=household,
            age_group=age_group,
            case_phase=rng.choices(list(CasePhase), weights=[40, 45, 15])[0],
            gender=rng.choices([Gender.WOMAN, Gender.MAN, Gender.NONBINARY, None], weights=[65, 20, 5, 10])[
                0
            ],
            languages=rng.choices(SURVIVOR_LANGUAGES, weights=SURVIVOR_LANGUAGE_WEIGHTS)[0],
            accessibility_needs=rng.choices(
                [
                    frozenset(),
                    frozenset({SpaceFeature.WHEELCHAIR_ACCESSIBLE}),
                    frozenset({SpaceFeature.GROUND_FLOOR}),
                ],
                weights=[90, 5, 5],
            )[0],
            has_pets=rng.random() < 0.1,
            avoid_area_ids=frozenset(rng.sample(range(1, areas + 1), k=rng.choice((0, 0, 1, 2)))),
            avoid_site_ids=frozenset(
                rng.sample([site.site_id for site in sites], k=rng.choice((0, 0, 0, 1)))
            ),
            preferred_area_ids=frozenset(rng.sample(range(1, areas + 1), k=rng.choice((0, 1, 2, 3)))),
            substance_use_preference=rng.choice([None, *SubstanceUsePolicy]),
            readiness=Readiness(
                has_income=rng.random() < 0.4,
                has_identity_documents=rng.random() < 0.6,
                says_ready=rng.random() < 0.5,
            ),
        )
        stay = CurrentStay(placement_id, rng.choice(ids_by_tier[tier] or [0]), tier, starts_on, ends_on)
        requests.append(PlacementRequest(stay, profile, declined))
    return requests


def _household(rng: random.Random) -> tuple[Household, AgeGroup]:
    kind = rng.choices(["single", "parent", "minor", "couple"], weights=[70, 20, 5, 5])[0]
    if kind == "minor":
        return Household(0, (ChildAgeBracket.TEEN,)), AgeGroup.MINOR
    age_group = AgeGroup.YOUTH if rng.random() < 0.2 else AgeGroup.ADULT
    if kind == "parent":
        return Household(1, tuple(rng.choices(list(ChildAgeBracket), k=rng.randrange(1, 4)))), age_group
    return Household(2 if kind == "couple" else 1), age_group


class Figures(TypedDict):
    """What one benchmark run reports; times in seconds unless the name says ms."""

    size: str
    sites: int
    spaces: int
    runs: int
    index_build_s: float
    single_p50_ms: float
    single_p99_ms: float
    batch_cold_s: dict[int, float]  # a fresh matcher per batch: lazily built indexes included
    batch_warm_s: dict[int, float]  # a matcher that has seen the placements once: per-placement cost only
    ratio_cold: float
    ratio_warm: float


def run(size: str = "full", seed: int = 2025) -> Figures:
    """Generate, build and time; returns the figures that main() prints."""
    shape = SIZES[size]
    rng = random.Random(seed)
    sites = generate_sites(shape, rng)
    small, large = shape.batches
    requests = generate_requests(sites, large, shape.areas, rng)
    builds, p50s, p99s = [], [], []
    cold: dict[int, list[float]] = {small: [], large: []}
    warm: dict[int, list[float]] = {small: [], large: []}
    for _ in range(shape.runs):
        for count in (small, large):
            cold[count].append(_time_batch(Matcher(sites), requests[:count]))
        started = time.perf_counter()
        matcher = Matcher(sites)
        builds.append(time.perf_counter() - started)
        matcher.suggest_many(requests, TODAY, NOW)  # warm up: every index this coalition needs is built
        for count in (small, large):
            warm[count].append(_time_batch(matcher, requests[:count]))
        latencies = []
        gc.collect()
        for request in requests[: shape.single_calls]:
            started = time.perf_counter()
            matcher.suggest(request.stay, request.profile, request.declined_site_ids, TODAY, NOW)
            latencies.append(time.perf_counter() - started)
        latencies.sort()
        p50s.append(latencies[len(latencies) // 2])
        p99s.append(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))])
    cold_s = {count: statistics.median(times) for count, times in cold.items()}
    warm_s = {count: statistics.median(times) for count, times in warm.items()}
    return Figures(
        size=size,
        sites=len(sites),
        spaces=sum(len(site.spaces) for site in sites),
        runs=shape.runs,
        index_build_s=statistics.median(builds),
        single_p50_ms=statistics.median(p50s) * 1000,
        single_p99_ms=statistics.median(p99s) * 1000,
        batch_cold_s=cold_s,
        batch_warm_s=warm_s,
        ratio_cold=cold_s[large] / cold_s[small],
        ratio_warm=warm_s[large] / warm_s[small],
    )


def _time_batch(matcher: Matcher, requests: list[PlacementRequest]) -> float:
    gc.collect()  # start each timing from the same heap, not with the previous batch's garbage
    started = time.perf_counter()
    matcher.suggest_many(requests, TODAY, NOW)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments, run, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--seed", type=int, default=2025)
    arguments = parser.parse_args(argv)
    figures = run(arguments.size, arguments.seed)
    small, large = figures["batch_cold_s"]
    print(
        f"coalition: {figures['sites']} sites, {figures['spaces']} spaces; medians of {figures['runs']} runs"
    )
    print(f"index build:        {figures['index_build_s']:.3f} s")
    print(f"single placement:   p50 {figures['single_p50_ms']:.2f} ms, p99 {figures['single_p99_ms']:.2f} ms")
    for label, batches in (("cold", figures["batch_cold_s"]), ("warm", figures["batch_warm_s"])):
        for count, seconds in batches.items():
            print(f"batch {count:>6} {label}: {seconds:.3f} s")
    print(f"ratio {large}/{small}: cold {figures['ratio_cold']:.2f}, warm {figures['ratio_warm']:.2f}")


if __name__ == "__main__":
    main()
