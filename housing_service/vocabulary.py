"""The coalition's shared words: tiers, households, needs and the HUD codes they map to.

Pure Python on purpose: the matching module, the models and the API all speak this
vocabulary, and none of them should need Flask or SQLAlchemy to do so.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum


class Tier(StrEnum):
    """A housing tier, from first safety to a home of one's own."""

    EMERGENCY = "emergency"
    TRANSITIONAL = "transitional"
    LONG_TERM = "long_term"

    @property
    def default_stay_limit_days(self) -> int | None:
        """The programme's default limit; long-term housing has none."""
        return {Tier.EMERGENCY: 60, Tier.TRANSITIONAL: 240, Tier.LONG_TERM: None}[self]

    @property
    def hud_project_types(self) -> frozenset[int]:
        """HUD HMIS project types (2.02.6) that carry beds of this tier."""
        return HUD_PROJECT_TYPES_BY_TIER[self]

    @property
    def next(self) -> Tier | None:
        """The tier a survivor usually moves on to; long-term housing is the last step."""
        return {Tier.EMERGENCY: Tier.TRANSITIONAL, Tier.TRANSITIONAL: Tier.LONG_TERM}.get(self)


HUD_PROJECT_TYPES_BY_TIER: dict[Tier, frozenset[int]] = {
    Tier.EMERGENCY: frozenset({0, 1}),  # ES entry/exit, ES night-by-night
    Tier.TRANSITIONAL: frozenset({2}),  # transitional housing
    Tier.LONG_TERM: frozenset({3, 9, 10, 13}),  # PSH, PH housing only, PH with services, RRH
}


class HouseholdType(StrEnum):
    """Who a household is, in HUD's terms (Inventory.csv HouseholdType 1, 3, 4)."""

    SINGLE_ADULTS = "single_adults"
    ADULTS_WITH_CHILDREN = "adults_with_children"
    MINORS_ONLY = "minors_only"

    @property
    def hud_code(self) -> int:
        return {"single_adults": 1, "adults_with_children": 3, "minors_only": 4}[self.value]


class Gender(StrEnum):
    """The genders a site serves, and a survivor's own, as the survivor states it."""

    WOMAN = "woman"
    MAN = "man"
    NONBINARY = "nonbinary"


class AgeGroup(StrEnum):
    """Age groups; a site lists `minor` only where it is licensed to house minors."""

    MINOR = "minor"
    YOUTH = "youth"  # 18 to 24
    ADULT = "adult"


ADULT_AGE = 18
YOUTH_UNTIL = 24


def age_groups_of(age_years: int) -> frozenset[AgeGroup]:
    """The age groups an age in years falls in (an 18-to-24-year-old is youth and adult alike)."""
    if age_years < ADULT_AGE:
        return frozenset({AgeGroup.MINOR})
    if age_years <= YOUTH_UNTIL:
        return frozenset({AgeGroup.YOUTH, AgeGroup.ADULT})
    return frozenset({AgeGroup.ADULT})


class ChildAgeBracket(StrEnum):
    """A child's age as a bracket: enough to plan a placement, less than a birth date."""

    INFANT = "0-2"
    YOUNG_CHILD = "3-5"
    CHILD = "6-12"
    TEEN = "13-17"


class SpaceKind(StrEnum):
    """A bed sleeps one person; a unit houses one household up to its capacity."""

    BED = "bed"
    UNIT = "unit"


class SpaceFeature(StrEnum):
    """Features of a bed or unit that a survivor may need."""

    WHEELCHAIR_ACCESSIBLE = "wheelchair_accessible"
    GROUND_FLOOR = "ground_floor"
    CRIB = "crib"


class SubstanceUsePolicy(StrEnum):
    """A programme's policy: a fact to match on, never a judgement of anyone."""

    HARM_REDUCTION = "harm_reduction"
    SOBRIETY_REQUIRED = "sobriety_required"


class ReferralMode(StrEnum):
    """How a site takes a survivor: held directly on the board, or screened by its staff first."""

    DIRECT = "direct"
    SCREENED = "screened"  # the site answers a referral and calls the advocate back


class ReferralUrgency(StrEnum):
    """How soon a referred household needs the place."""

    TONIGHT = "tonight"
    WITHIN_DAYS = "within_days"
    PLANNED_MOVE = "planned_move"


class CasePhase(StrEnum):
    """The three phases of the coalition's case-management model."""

    CRISIS = "crisis"
    STABILISATION = "stabilisation"
    SUSTAINABILITY = "sustainability"


class StageOfChange(StrEnum):
    """Stages of Change (adapted for CSEC by GEMS-NY); setbacks are an expected part of it."""

    PRECONTEMPLATION = "precontemplation"
    CONTEMPLATION = "contemplation"
    PREPARATION = "preparation"
    ACTION = "action"
    MAINTENANCE = "maintenance"
    RELAPSE = "relapse"


class LegalStatusProgress(StrEnum):
    """Where a survivor's immigration or certification process stands, if it applies."""

    NOT_APPLICABLE = "not_applicable"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"  # e.g. Continued Presence or T visa applied for
    GRANTED = "granted"  # e.g. T visa granted, ORR certification letter received


# HUD HMIS 3.12 destinations. Repatriation has no code of its own: 17 with text.
EXIT_DESTINATIONS: dict[int, str] = {
    101: "Emergency shelter, including a hotel or motel paid for with an emergency shelter voucher, "
    "or a host home shelter",
    116: "Place not meant for habitation",
    118: "Safe haven",
    204: "Psychiatric hospital or other psychiatric facility",
    205: "Substance use treatment facility or detox center",
    206: "Hospital or other residential non-psychiatric medical facility",
    207: "Jail, prison or juvenile detention facility",
    215: "Foster care home or foster care group home",
    225: "Long-term care facility or nursing home",
    302: "Transitional housing",
    312: "Staying or living with family, temporary tenure",
    313: "Staying or living with friends, temporary tenure",
    314: "Hotel or motel paid for without an emergency shelter voucher",
    327: "Moved from one HOPWA funded project to HOPWA transitional housing",
    329: "Residential project or halfway house with no homeless criteria",
    332: "Host home (non-crisis)",
    410: "Rental by client, no ongoing housing subsidy",
    411: "Owned by client, no ongoing housing subsidy",
    421: "Owned by client, with ongoing housing subsidy",
    422: "Staying or living with family, permanent tenure",
    423: "Staying or living with friends, permanent tenure",
    426: "Moved from one HOPWA funded project to HOPWA permanent housing",
    435: "Rental by client, with ongoing housing subsidy",
    8: "Client doesn't know",
    9: "Client prefers not to answer",
    17: "Other",
    24: "Deceased",
    30: "No exit interview completed",
    99: "Data not collected",
}

DESTINATION_NEEDING_SUBSIDY_TYPE = 435
DESTINATION_NEEDING_TEXT = 17

# HUD HMIS 3.12.A: the kind of ongoing subsidy behind destination 435.
RENTAL_SUBSIDY_TYPES: dict[int, str] = {
    419: "VASH housing subsidy",
    420: "Rental by client, with other ongoing housing subsidy",
    428: "GPD TIP housing subsidy",
    431: "RRH or equivalent subsidy",
    433: "HCV voucher (tenant or project based) (not dedicated)",
    434: "Public housing unit",
    436: "Housing Stability Voucher",
    437: "Family Unification Program Voucher (FUP)",
    438: "Foster Youth to Independence Initiative (FYI)",
    439: "Permanent Supportive Housing",
    440: "Other permanent housing dedicated for formerly homeless persons",
}


def household_type(adults: int, children: int) -> HouseholdType:
    """The HUD household type of a household with these many adults and children."""
    if adults == 0:
        return HouseholdType.MINORS_ONLY
    if children:
        return HouseholdType.ADULTS_WITH_CHILDREN
    return HouseholdType.SINGLE_ADULTS


def threshold_lead(days_before: int) -> timedelta:
    """How long before a stay's end date a threshold of `days_before` days is reached.

    Thresholds count back from the last night, the night before the end date: a 60-night
    stay's 14-day flag comes on day 46 ("day 46 of 60; plan the move by day 60").
    """
    return timedelta(days=days_before + 1)


def threshold_day(ends_on: date, days_before: int) -> date:
    """The day a stay reaches a threshold (and, for the first one, planning starts)."""
    return ends_on - threshold_lead(days_before)
