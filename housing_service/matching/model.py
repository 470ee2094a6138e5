"""What the matcher is given: a survivor's household and needs, their current stay, and the sites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from housing_service.vocabulary import (
    AgeGroup,
    CasePhase,
    ChildAgeBracket,
    Gender,
    HouseholdType,
    LegalStatusProgress,
    SpaceFeature,
    SpaceKind,
    SubstanceUsePolicy,
    Tier,
    household_type,
)

ACCESSIBILITY_FEATURES = frozenset({SpaceFeature.WHEELCHAIR_ACCESSIBLE, SpaceFeature.GROUND_FLOOR})


@dataclass(frozen=True, slots=True)
class Household:
    """The people who move together; a survivor who is a minor counts among the children."""

    adults: int
    children: tuple[ChildAgeBracket, ...] = ()

    def __post_init__(self) -> None:
        if self.adults < 0 or self.size < 1:
            raise ValueError("a household has at least one person and no negative count")

    @property
    def size(self) -> int:
        """How many people need a place to sleep."""
        return self.adults + len(self.children)

    @property
    def type(self) -> HouseholdType:
        """The HUD household type, which sites list as the households they serve."""
        return household_type(self.adults, len(self.children))


@dataclass(frozen=True, slots=True)
class Readiness:
    """The signals that commonly matter for a move; readiness is the survivor's to define."""

    has_income: bool = False
    has_identity_documents: bool = False
    legal_status: LegalStatusProgress | None = None
    says_ready: bool = False

    @property
    def ready_for_long_term(self) -> bool:
        """Income, identity documents and the survivor's own word: enough to skip transitional housing."""
        # Legal status is recorded but does not gate the move: a process still in progress
        # should not keep someone who is otherwise ready out of a home of their own.
        return self.has_income and self.has_identity_documents and self.says_ready


@dataclass(frozen=True, slots=True, kw_only=True)
class SurvivorProfile:
    """What a survivor needs and prefers, as recorded with them; no name, no address, no birth date."""

    household: Household
    age_group: AgeGroup
    case_phase: CasePhase
    age_years: int | None = None  # at intake, where given; sites' age ranges are matched on it
    gender: Gender | None = None  # None: not stated, so no site is ruled out by gender
    languages: tuple[str, ...] = ()  # ISO 639 codes, the most comfortable one first
    accessibility_needs: frozenset[SpaceFeature] = frozenset()
    has_pets: bool = False
    avoid_area_ids: frozenset[int] = frozenset()
    avoid_site_ids: frozenset[int] = frozenset()
    preferred_area_ids: frozenset[int] = frozenset()
    substance_use_preference: SubstanceUsePolicy | None = None
    readiness: Readiness = Readiness()

    def __post_init__(self) -> None:
        if not self.accessibility_needs <= ACCESSIBILITY_FEATURES:
            raise ValueError("accessibility needs are wheelchair_accessible and ground_floor only")
        if self.age_years is not None and not 0 <= self.age_years <= 120:
            raise ValueError("an age in years is between 0 and 120")


@dataclass(frozen=True, slots=True)
class CurrentStay:
    """The placement to plan a move from; `ends_on` is the first night no longer covered."""

    placement_id: int
    site_id: int
    tier: Tier
    starts_on: date  # the first night of the episode in this tier (bed moves keep it)
    ends_on: date | None  # the current limit date, moved by extensions; None in long-term housing


@dataclass(frozen=True, slots=True)
class Space:
    """A bed (one person) or a unit (one household up to its capacity) and the nights already held."""

    space_id: int
    label: str
    kind: SpaceKind
    capacity: int = 1
    features: frozenset[SpaceFeature] = frozenset()
    # Half-open night ranges [start, end) held or occupied, sorted by start; end None is open-ended.
    bookings: tuple[tuple[date, date | None], ...] = ()

    def __post_init__(self) -> None:
        if self.capacity < 1 or (self.kind is SpaceKind.BED and self.capacity != 1):
            raise ValueError(f"space {self.space_id}: a bed sleeps one, a unit at least one")
        if any(end is not None and end <= start for start, end in self.bookings):
            raise ValueError(f"space {self.space_id}: a booking ends after it starts")

    def fits(self, household_size: int) -> bool:
        """Whether this household can sleep here: a bed takes one person, a unit one household."""
        if self.kind is SpaceKind.BED:
            return household_size == 1
        return household_size <= self.capacity


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteOption:
    """A housing programme as the matcher sees it: who it serves and its spaces, never its address."""

    site_id: int
    name: str
    tier: Tier
    area_id: int
    households_served: frozenset[HouseholdType]
    genders_served: frozenset[Gender]
    age_groups_served: frozenset[AgeGroup]  # `minor` only where licensed to house minors
    # The ages in years the site may serve; None: no bound on that side. A survivor whose age is
    # known is matched on the range where the site gives one, on the age groups otherwise.
    min_age: int | None = None
    max_age: int | None = None
    confidential: bool = False  # named in an answer only where it is suggested
    substance_use_policy: SubstanceUsePolicy
    stay_limit_days: int | None  # None: open-ended (long-term housing)
    languages: frozenset[str] = frozenset()
    pets_allowed: bool = False
    intake_24_hours: bool = False
    intake_hours: str = ""
    availability_confirmed_at: datetime | None = None  # timezone-aware
    spaces: tuple[Space, ...] = ()

    def __post_init__(self) -> None:
        if self.stay_limit_days is not None and self.stay_limit_days < 1:
            raise ValueError(f"site {self.site_id}: a stay limit is at least one day")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError(f"site {self.site_id}: min_age is above max_age")
        if self.availability_confirmed_at is not None and self.availability_confirmed_at.tzinfo is None:
            raise ValueError(f"site {self.site_id}: availability_confirmed_at must be timezone-aware")


@dataclass(frozen=True, slots=True)
class PlacementRequest:
    """One placement to answer in a batch, with the sites the survivor declined recently."""

    stay: CurrentStay
    profile: SurvivorProfile
    declined_site_ids: frozenset[int] = frozenset()
