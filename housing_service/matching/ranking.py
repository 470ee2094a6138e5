"""The soft preferences: scoring the sites that fit, best first, and the reasons shown for each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from housing_service.translation import ENGLISH, Words

from . import wording
from .bitset import indexes_of
from .index import TierIndex
from .model import SiteOption, SurvivorProfile
from .policy import PreferenceWeights
from .result import Preference, Reason


@dataclass(frozen=True, slots=True)
class Criterion:
    """A soft preference as site sets: the levels at which it is met, best first, with their points."""

    preference: Preference
    levels: tuple[tuple[int, int], ...]  # (sites, points); a site in none of them misses it

    def level_of(self, site_index: int) -> int | None:
        """The level a site meets this preference at, or None where it misses it."""
        for level, (sites, _) in enumerate(self.levels):
            if sites >> site_index & 1:
                return level
        return None


def criteria_for(
    index: TierIndex, profile: SurvivorProfile, weights: PreferenceWeights, fresh_since: datetime
) -> tuple[Criterion, ...]:
    """The preferences that apply to this survivor; one they have not expressed ranks nothing."""
    criteria = []
    if profile.languages:
        first = index.by_language.get(profile.languages[0], 0)
        other = index.sites_in(index.by_language, profile.languages[1:]) & ~first
        levels = ((first, weights.first_language), (other, weights.other_language))
        criteria.append(Criterion(Preference.LANGUAGE, levels))
    if profile.preferred_area_ids:
        preferred = index.sites_in(index.by_area, profile.preferred_area_ids)
        criteria.append(Criterion(Preference.PREFERRED_AREA, ((preferred, weights.preferred_area),)))
    if profile.substance_use_preference is not None:
        same_policy = index.by_substance_use_policy.get(profile.substance_use_preference, 0)
        criteria.append(Criterion(Preference.SUBSTANCE_USE, ((same_policy, weights.substance_use),)))
    fresh = index.confirmed_since(fresh_since)
    criteria.append(Criterion(Preference.FRESHNESS, ((fresh, weights.fresh_availability),)))
    criteria.append(Criterion(Preference.INTAKE_HOURS, ((index.intake_24_hours, weights.intake_24_hours),)))
    return tuple(criteria)


def best_sites(fitting: int, criteria: tuple[Criterion, ...], limit: int) -> list[tuple[int, int]]:
    """Up to `limit` (site index, score) pairs: highest score first, then by name and id."""
    # Split the set of fitting sites by the points earned so far: a handful of big-int operations
    # per criterion, however many sites fit.
    sites_by_score = {0: fitting} if fitting else {}
    for criterion in criteria:
        split: dict[int, int] = {}
        for score, sites in sites_by_score.items():
            for level_sites, points in criterion.levels:
                part = sites & level_sites
                if part:
                    split[score + points] = split.get(score + points, 0) | part
                    sites ^= part
            if sites:
                split[score] = split.get(score, 0) | sites
        sites_by_score = split
    best: list[tuple[int, int]] = []
    for score in sorted(sites_by_score, reverse=True):
        for site_index in indexes_of(sites_by_score[score]):
            best.append((site_index, score))
            if len(best) == limit:
                return best
    return best


def reasons_for(
    site: SiteOption,
    site_index: int,
    criteria: tuple[Criterion, ...],
    profile: SurvivorProfile,
    now: datetime,
    words: Words = ENGLISH,
) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]:
    """The preferences a site meets and those it misses, in plain words (in `words`' language)."""
    met: list[Reason] = []
    missed: list[Reason] = []
    for criterion in criteria:
        level = criterion.level_of(site_index)
        reason = _shared(
            criterion.preference, wording.reason(criterion.preference, level, site, profile, now, words)
        )
        (missed if level is None else met).append(reason)
    return tuple(met), tuple(missed)


@lru_cache(maxsize=4096)
def _shared(preference: Preference, text: str) -> Reason:
    # The same reasons recur across sites and placements; sharing them keeps big batches light.
    return Reason(preference, text)
