"""The hard constraints: which sites of a tier fit a survivor, and why the others do not."""

from __future__ import annotations

from dataclasses import dataclass

from .bitset import mask_of
from .index import FitClass, TierIndex
from .model import SurvivorProfile
from .result import Exclusion


@dataclass(frozen=True, slots=True)
class Screening:
    """The sites that fit, the spaces that could house the household, and counts of the rest."""

    fitting: int  # set of site indexes
    fit_class: FitClass
    excluded: dict[Exclusion, int]
    excluded_sites: dict[Exclusion, int]  # the set of site indexes counted under each exclusion


def screen(
    index: TierIndex, profile: SurvivorProfile, declined_site_ids: frozenset[int], day: int
) -> Screening:
    """Apply the hard constraints in Exclusion order for a stay starting on `day` (an ordinal)."""
    everyone = index.all
    fit_class = index.fit_class(profile.household.size, profile.accessibility_needs)
    avoided_sites = mask_of(
        index.index_of_site[s] for s in profile.avoid_site_ids if s in index.index_of_site
    )
    declined = mask_of(index.index_of_site[s] for s in declined_site_ids if s in index.index_of_site)
    # Each entry is the set of sites that pass; order matters, as a site counts under its first failure.
    passing = (
        (Exclusion.SITE_TO_AVOID, everyone & ~avoided_sites),
        (Exclusion.AREA_TO_AVOID, everyone & ~index.sites_in(index.by_area, profile.avoid_area_ids)),
        (Exclusion.HOUSEHOLD, index.by_household.get(profile.household.type, 0)),
        (
            Exclusion.GENDER,
            everyone if profile.gender is None else index.by_gender.get(profile.gender, 0),
        ),
        (Exclusion.AGE_GROUP, index.serving_age(profile.age_group, profile.age_years)),
        (Exclusion.PETS, index.pets_allowed if profile.has_pets else everyone),
        (
            Exclusion.ACCESSIBILITY,
            index.with_features(profile.accessibility_needs) if profile.accessibility_needs else everyone,
        ),
        # No bed or unit of the right size, kind and features: no date would make it fit.
        (Exclusion.NO_FITTING_SPACE, fit_class.with_fitting_space),
        (Exclusion.DECLINED_RECENTLY, everyone & ~declined),
        (Exclusion.FULL, fit_class.free.on(day)),
    )
    remaining = everyone
    excluded: dict[Exclusion, int] = {}
    excluded_sites: dict[Exclusion, int] = {}
    for exclusion, passes in passing:
        failing = remaining & ~passes
        if failing:
            excluded[exclusion] = failing.bit_count()
            excluded_sites[exclusion] = failing
            remaining ^= failing
    return Screening(remaining, fit_class, excluded, excluded_sites)
