"""The sites of one tier, indexed once so that each placement costs a few set operations."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate

from housing_service.vocabulary import AgeGroup, SpaceFeature, age_groups_of

from .availability import FreeByDay, Window, move_in_windows
from .bitset import mask_of
from .model import SiteOption, Space
from .result import SpaceChoice


@dataclass(frozen=True, slots=True)
class SiteFit:
    """A site's spaces that fit a class, best fit first, and when each is free."""

    spaces: tuple[SpaceChoice, ...]
    free: FreeByDay  # members are positions in `spaces`


@dataclass(frozen=True, slots=True)
class FitClass:
    """The spaces of a tier that fit one household size with given features, and who has one free when."""

    sites: Mapping[int, SiteFit]  # by site index; sites with no fitting space are absent
    free: FreeByDay  # members are site indexes
    with_fitting_space: int  # the set of site indexes in `sites`: free on some day or not


class TierIndex:
    """Per-attribute site sets for one tier; fit classes are built the first time they are asked for."""

    def __init__(self, sites: Iterable[SiteOption]) -> None:
        # Bit order is the tie-break order, so the lowest bits of a set are the ones to show first.
        self.sites: tuple[SiteOption, ...] = tuple(sorted(sites, key=lambda site: (site.name, site.site_id)))
        self.all = (1 << len(self.sites)) - 1
        self.index_of_site = {site.site_id: index for index, site in enumerate(self.sites)}
        self.by_area = _masks_by(self.sites, lambda site: (site.area_id,))
        self.by_household = _masks_by(self.sites, lambda site: site.households_served)
        self.by_gender = _masks_by(self.sites, lambda site: site.genders_served)
        self.by_age_group = _masks_by(self.sites, lambda site: site.age_groups_served)
        self._age_ranges = tuple(
            (i, site.min_age, site.max_age)
            for i, site in enumerate(self.sites)
            if site.min_age is not None or site.max_age is not None
        )
        self._without_age_range = self.all & ~mask_of(i for i, _, _ in self._age_ranges)
        self._by_age: dict[int, int] = {}
        self.confidential = mask_of(i for i, site in enumerate(self.sites) if site.confidential)
        self.by_language = _masks_by(self.sites, lambda site: site.languages)
        self.by_substance_use_policy = _masks_by(self.sites, lambda site: (site.substance_use_policy,))
        self.pets_allowed = mask_of(i for i, site in enumerate(self.sites) if site.pets_allowed)
        self.intake_24_hours = mask_of(i for i, site in enumerate(self.sites) if site.intake_24_hours)
        # Freshness: sites sorted by confirmation time, with the set of those confirmed at or after each.
        confirmed = sorted(
            (site.availability_confirmed_at.timestamp(), i)
            for i, site in enumerate(self.sites)
            if site.availability_confirmed_at is not None
        )
        self._confirmed_at = [timestamp for timestamp, _ in confirmed]
        self._confirmed_since = list(accumulate((1 << i for _, i in reversed(confirmed)), initial=0))[::-1]
        # The windows depend on the site's stay limit only, so they are worked out once per space.
        self._spaces: tuple[tuple[tuple[Space, list[Window]], ...], ...] = tuple(
            tuple((space, move_in_windows(space.bookings, site.stay_limit_days)) for space in site.spaces)
            for site in self.sites
        )
        self._roomiest = max((space.capacity for site in self.sites for space in site.spaces), default=0)
        self._with_features: dict[frozenset[SpaceFeature], int] = {}
        self._fit_classes: dict[tuple[int, frozenset[SpaceFeature]], FitClass] = {}

    def sites_in(self, masks: Mapping[Hashable, int], keys: Iterable[Hashable]) -> int:
        """The sites listed under any of these keys."""
        union = 0
        for key in keys:
            union |= masks.get(key, 0)
        return union

    def serving_age(self, age_group: AgeGroup, age_years: int | None) -> int:
        """The sites that may serve this survivor: by the age in years where it is known."""
        if age_years is None:
            return self.by_age_group.get(age_group, 0)
        if age_years not in self._by_age:
            in_range = mask_of(
                i
                for i, low, high in self._age_ranges
                if (low is None or low <= age_years) and (high is None or age_years <= high)
            )
            # A site without a range in years is matched on the age groups the age falls in.
            groups = self.sites_in(self.by_age_group, age_groups_of(age_years))
            self._by_age[age_years] = in_range | (groups & self._without_age_range)
        return self._by_age[age_years]

    def confirmed_since(self, moment: datetime) -> int:
        """The sites whose availability was confirmed at or after `moment`."""
        return self._confirmed_since[bisect_left(self._confirmed_at, moment.timestamp())]

    def with_features(self, features: frozenset[SpaceFeature]) -> int:
        """The sites with at least one space that has all these features."""
        if features not in self._with_features:
            self._with_features[features] = mask_of(
                i
                for i, spaces in enumerate(self._spaces)
                if any(features <= space.features for space, _ in spaces)
            )
        return self._with_features[features]

    def fit_class(self, household_size: int, features: frozenset[SpaceFeature]) -> FitClass:
        """The spaces that fit this household with these features, built once per tier and class."""
        # Households larger than every unit of the tier all share one class, with no space in it.
        key = (min(household_size, self._roomiest + 1), features)
        if key not in self._fit_classes:
            self._fit_classes[key] = self._build_fit_class(*key)
        return self._fit_classes[key]

    def _build_fit_class(self, household_size: int, features: frozenset[SpaceFeature]) -> FitClass:
        sites: dict[int, SiteFit] = {}
        windows_by_site: list[tuple[int, list[Window]]] = []
        for i, spaces in enumerate(self._spaces):
            fitting = sorted(
                (
                    (space, windows)
                    for space, windows in spaces
                    if space.fits(household_size) and features <= space.features
                ),
                # Smallest first, then the one with fewest features beyond those needed: an
                # accessible bed stays free for someone who needs it.
                key=lambda pair: (
                    pair[0].capacity,
                    len(pair[0].features - features),
                    pair[0].label,
                    pair[0].space_id,
                ),
            )
            if fitting:
                sites[i] = SiteFit(
                    tuple(
                        SpaceChoice(space.space_id, space.label, space.kind, space.capacity)
                        for space, _ in fitting
                    ),
                    FreeByDay.build(enumerate(windows for _, windows in fitting)),
                )
                windows_by_site.append((i, [window for _, windows in fitting for window in windows]))
        return FitClass(sites, FreeByDay.build(windows_by_site), mask_of(sites))


def _masks_by(
    sites: tuple[SiteOption, ...], keys_of: Callable[[SiteOption], Iterable[Hashable]]
) -> dict[Hashable, int]:
    masks: dict[Hashable, int] = defaultdict(int)
    for i, site in enumerate(sites):
        for key in keys_of(site):
            masks[key] |= 1 << i
    return dict(masks)
