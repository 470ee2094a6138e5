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


def child_age_bracket(age_years: int) -> ChildAgeBracket:
    """The bracket a child's age in years falls in (0 to 17)."""
    if not 0 <= age_years < ADULT_AGE:
        raise ValueError("a child is 0 to 17 years old")
    if age_years <= 2:
        return ChildAgeBracket.INFANT
    if age_years <= 5:
        return ChildAgeBracket.YOUNG_CHILD
    if age_years <= 12:
        return ChildAgeBracket.CHILD
    return ChildAgeBracket.TEEN


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
    436: "Emergency Housing Voucher",
    437: "Family Unification Program Voucher (FUP)",
    438: "Foster Youth to Independence Initiative (FYI)",
    439: "Permanent Supportive Housing",
    440: "Other permanent housing dedicated for formerly homeless persons",
}


# HUD HMIS project descriptor codes (FY2026), as HUD lists them for the HIC and the LSA.
GEOGRAPHY_TYPES: dict[int, str] = {1: "Urban", 2: "Suburban", 3: "Rural", 99: "Unknown / data not collected"}
HOUSING_TYPES: dict[int, str] = {
    1: "Site-based, single site",
    2: "Site-based, clustered or multiple sites",
    3: "Tenant-based, scattered site",
}
# Emergency shelter only (Inventory.csv Availability and ESBedType).
BED_AVAILABILITY: dict[int, str] = {1: "Year-round", 2: "Seasonal", 3: "Overflow"}
ES_BED_TYPES: dict[int, str] = {1: "Facility-based", 2: "Voucher", 3: "Other"}
TARGET_POPULATIONS: dict[int, str] = {
    1: "Domestic violence victims",
    3: "People with HIV/AIDS",
    4: "Not applicable",
}
HMIS_PARTICIPATION_TYPES: dict[int, str] = {
    0: "Not participating",
    1: "HMIS participating",
    2: "Comparable database participating",
}
HMIS_PARTICIPATING = 1  # client-level data in the community HMIS: never for a victim service provider
COMPARABLE_DATABASE = 2
FUNDERS: dict[int, str] = {
    1: "HUD: CoC – Homelessness Prevention (High Performing Comm. Only)",
    2: "HUD: CoC – Permanent Supportive Housing",
    3: "HUD: CoC – Rapid Re-Housing",
    4: "HUD: CoC – Supportive Services Only",
    5: "HUD: CoC – Transitional Housing",
    6: "HUD: CoC – Safe Haven",
    7: "HUD: CoC – Single Room Occupancy (SRO)",
    8: "HUD: ESG – Emergency Shelter (operating and/or essential services)",
    9: "HUD: ESG – Homelessness Prevention",
    10: "HUD: ESG – Rapid Rehousing",
    11: "HUD: ESG – Street Outreach",
    13: "HUD: HOPWA – Hotel/Motel Vouchers",
    14: "HUD: HOPWA – Housing Information",
    15: "HUD: HOPWA – Permanent Housing (facility based or TBRA)",
    16: "HUD: HOPWA – Permanent Housing Placement",
    17: "HUD: HOPWA – Short-Term Rent, Mortgage, Utility assistance",
    18: "HUD: HOPWA – Short-Term Supportive Facility",
    19: "HUD: HOPWA – Transitional Housing (facility based or TBRA)",
    20: "HUD: HUD/VASH",
    21: "HHS: PATH – Street Outreach & Supportive Services Only",
    22: "HHS: RHY – Basic Center Program (prevention and shelter)",
    23: "HHS: RHY – Maternity Group Home for Pregnant and Parenting Youth",
    24: "HHS: RHY – Transitional Living Program",
    25: "HHS: RHY – Street Outreach Project",
    26: "HHS: RHY – Demonstration Project",
    27: "VA: CRS Contract Residential Services",
    29: "VA: Domiciliary Care",
    30: "VA: Community Contract Safe Haven Program",
    33: "VA: Supportive Services for Veteran Families",
    34: "Not applicable",
    35: "HUD: Pay for Success",
    36: "HUD: Public and Indian Housing (PIH) Programs",
    37: "VA: Grant Per Diem – Bridge Housing",
    38: "VA: Grant Per Diem – Low Demand",
    39: "VA: Grant Per Diem – Hospital to Housing",
    40: "VA: Grant Per Diem – Clinical Treatment",
    41: "VA: Grant Per Diem – Service Intensive Transitional Housing",
    42: "VA: Grant Per Diem – Transition in Place",
    43: "HUD: CoC Youth Demonstration Program (YHDP)",
    44: "HUD: CoC Joint Component TH/RRH",
    45: "VA: Grant Per Diem – Case Management/Housing Retention",
    46: "Local or Other Funding Source",
    47: "HUD: ESG-CV",
    48: "HUD: HOPWA-CV",
    50: "HUD: HOME",
    51: "HUD: HOME (ARP)",
    52: "HUD: PIH (Emergency Housing Voucher)",
    53: "HUD: ESG-RUSH",
    54: "HUD: Unsheltered Special NOFO",
    55: "HUD: Rural Special NOFO",
    56: "HUD: CoC Builds",
}
FUNDER_NEEDING_TEXT = 46  # "Local or Other Funding Source": name it (CalOES, OVC…)


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
