"""The coalition's settings for matching: when planning starts, freshness, and preference weights."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from housing_service.vocabulary import Tier


def _default_planning_thresholds() -> dict[Tier, tuple[int, ...]]:
    return {Tier.EMERGENCY: (14, 7), Tier.TRANSITIONAL: (30, 14)}


@dataclass(frozen=True, slots=True)
class PreferenceWeights:
    """Points a site earns for each soft preference it meets; integers keep scores exact."""

    # Language decides first: a place is usable only if staff and survivor can talk. The other
    # preferences add up to 10 at most, so they order sites within a language level, never across.
    first_language: int = 24
    other_language: int = 12
    preferred_area: int = 4
    substance_use: int = 3
    fresh_availability: int = 2
    intake_24_hours: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchingPolicy:
    """Settings with the coalition's defaults."""

    # Days before a stay's limit at which to warn; planning starts at the first (largest).
    planning_thresholds: Mapping[Tier, tuple[int, ...]] = field(default_factory=_default_planning_thresholds)
    stale_after_hours: int = 24
    max_candidates: int = 10
    weights: PreferenceWeights = PreferenceWeights()

    def __post_init__(self) -> None:
        if self.max_candidates < 1 or self.stale_after_hours < 0:
            raise ValueError("max_candidates must be at least 1 and stale_after_hours not negative")

    def planning_lead_days(self, tier: Tier) -> int:
        """How many days before the limit of a stay in this tier planning the next move starts."""
        return max(self.planning_thresholds.get(tier, ()), default=0)
