"""What the matcher answers: the next step for a placement and ranked places, each with its reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from housing_service.vocabulary import SpaceKind, Tier


class Action(StrEnum):
    """What a case manager is advised to do next for a placement."""

    SUGGEST = "suggest"  # places to choose from with the survivor
    NOT_YET = "not_yet"  # crisis phase, early in the stay: planning starts at plan_from
    REQUEST_EXTENSION = "request_extension"  # places fit, but none is free by move_by: waiting may help
    NO_FITTING_PLACE = "no_fitting_place"  # no place of the tier fits the household: waiting can't help
    NO_MOVE = "no_move"  # already in long-term housing


class Exclusion(StrEnum):
    """Why a site is not a candidate; a site is counted once, under the first that applies, in this order."""

    SITE_TO_AVOID = "site_to_avoid"
    AREA_TO_AVOID = "area_to_avoid"
    HOUSEHOLD = "household"
    GENDER = "gender"
    AGE_GROUP = "age_group"
    PETS = "pets"
    ACCESSIBILITY = "accessibility"
    NO_FITTING_SPACE = "no_fitting_space"  # no bed or unit there fits the household's size, kind or needs
    DECLINED_RECENTLY = "declined_recently"
    FULL = "full"  # a fitting space exists, but none is free on those dates


class Preference(StrEnum):
    """A soft preference that ranks the sites that fit."""

    LANGUAGE = "language"
    PREFERRED_AREA = "preferred_area"
    SUBSTANCE_USE = "substance_use"
    FRESHNESS = "freshness"
    INTAKE_HOURS = "intake_hours"


@dataclass(frozen=True, slots=True)
class Reason:
    """One soft preference as it applies to a site, in plain words."""

    preference: Preference
    text: str


@dataclass(frozen=True, slots=True)
class SpaceChoice:
    """The bed or unit suggested: the smallest that fits, fewest unneeded features, then by label."""

    space_id: int
    label: str
    kind: SpaceKind
    capacity: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place to consider with the survivor, and why it ranks where it does."""

    site_id: int
    site_name: str
    space: SpaceChoice
    free_spaces: int  # fitting spaces free for the whole needed period
    score: int
    met: tuple[Reason, ...]
    missed: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class ExcludedSite:
    """A site left out, and the first reason why; confidential sites are never named."""

    site_id: int
    site_name: str
    exclusion: Exclusion


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The answer for one placement; it suggests, and a person decides with the survivor."""

    placement_id: int
    action: Action
    current_tier: Tier
    target_tier: Tier | None
    move_by: date | None
    plan_from: date | None
    explanation: str
    candidates: tuple[Candidate, ...] = ()
    # Only non-zero counts, in the order of Exclusion; with the sites that fit they add up to all
    # the sites of the target tier.
    excluded: Mapping[Exclusion, int] = field(default_factory=dict)
    excluded_text: str = ""
    # When long-term housing is the target for readiness: the best transitional places too.
    alternative_tier: Tier | None = None
    alternatives: tuple[Candidate, ...] = ()
    # Only when asked for: the non-confidential sites left out, by name.
    excluded_sites: tuple[ExcludedSite, ...] = ()
