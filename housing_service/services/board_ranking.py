"""The bed board ranked by fit to one household, with the matching module's own ranking.

`availability.search` decides which sites have a free bed or unit that fits; this module only
orders them, best fit first, by the criteria and weights the next-place suggestions use (the
survivor's languages first, then a preferred area or programme, then fresh availability, then
24-hour intake). So a site never ranks one way on the board and another in a suggestion, and the
reasons a site ranks lower are the matcher's words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..matching import MatchingPolicy, Preference, Reason, SiteOption, SurvivorProfile
from ..matching.index import TierIndex
from ..matching.ranking import best_sites, criteria_for, reasons_for
from ..translation import Words
from .availability import SiteAvailability, SiteSnapshot


@dataclass(frozen=True)
class RankedSite:
    """A site on the board, with the household's preferences it meets and those it misses."""

    item: SiteAvailability
    met: tuple[Reason, ...]
    missed: tuple[Reason, ...]

    def meets(self, preference: Preference) -> bool:
        return any(reason.preference is preference for reason in self.met)


def _option(site: SiteSnapshot) -> SiteOption:
    """The site as the matcher sees it; its spaces are left out (the board already found them free)."""
    return SiteOption(
        site_id=site.id,
        name=site.name,
        tier=site.tier,
        area_id=site.area_id,
        households_served=site.households_served,
        genders_served=site.genders_served,
        age_groups_served=site.age_groups_served,
        confidential=site.confidential,
        substance_use_policy=site.substance_use_policy,
        stay_limit_days=site.stay_limit_days,
        languages=frozenset(site.language_codes),
        pets_allowed=site.pets_allowed,
        intake_24_hours=site.intake_24_hours,
        intake_hours=site.intake_hours,
        availability_confirmed_at=site.availability_confirmed_at,
    )


def rank(
    items: Sequence[SiteAvailability],
    profile: SurvivorProfile,
    policy: MatchingPolicy,
    now: datetime,
    words: Words,
) -> list[RankedSite]:
    """The sites best fit first (ties by name, then id), with their reasons in `words`' language."""
    by_id = {item.site.id: item for item in items}
    index = TierIndex(_option(item.site) for item in items)
    criteria = criteria_for(index, profile, policy.weights, now - timedelta(hours=policy.stale_after_hours))
    ranked = []
    for site_index, _score in best_sites(index.all, criteria, len(index.sites)):
        site = index.sites[site_index]
        met, missed = reasons_for(site, site_index, criteria, profile, now, words)
        ranked.append(RankedSite(by_id[site.site_id], met, missed))
    return ranked
