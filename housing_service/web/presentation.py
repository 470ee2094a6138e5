"""How things read on a page: plain-language labels, dates and times, freshness, stay bars.

Presentation only: no rule of the programme lives here. Numbers come from the services
(`placements.progress`, `availability.freshness_hours`); this module words them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import Flask, current_app
from flask_login import current_user

# Dates and times in the reader's language and the coalition's time zone; the pages import
# them from here.
from ..i18n import age_text, day_text, language_name, moment_text, time_text  # noqa: F401
from ..models import Hold, Placement, Role
from ..request_context import acting
from ..services import placements
from ..services.access import knows_who_is_arriving
from ..services.availability import freshness_hours
from ..signing_in import second_factor_standing
from ..vocabulary import (
    DESTINATION_NEEDING_SUBSIDY_TYPE,
    DESTINATION_NEEDING_TEXT,
    EXIT_DESTINATIONS,
    RENTAL_SUBSIDY_TYPES,
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

TIER_LABELS = {
    Tier.EMERGENCY: "Emergency shelter",
    Tier.TRANSITIONAL: "Transitional housing",
    Tier.LONG_TERM: "Long-term housing",
}
GENDER_LABELS = {Gender.WOMAN: "Woman", Gender.MAN: "Man", Gender.NONBINARY: "Non-binary"}
AGE_GROUP_LABELS = {
    AgeGroup.MINOR: "Minor (under 18)",
    AgeGroup.YOUTH: "Youth (18 to 24)",
    AgeGroup.ADULT: "Adult (25 and over)",
}
HOUSEHOLD_LABELS = {
    HouseholdType.SINGLE_ADULTS: "Adults without children",
    HouseholdType.ADULTS_WITH_CHILDREN: "Adults with children",
    HouseholdType.MINORS_ONLY: "Minors on their own",
}
FEATURE_LABELS = {
    SpaceFeature.WHEELCHAIR_ACCESSIBLE: "Wheelchair accessible",
    SpaceFeature.GROUND_FLOOR: "Ground floor",
    SpaceFeature.CRIB: "Crib",
}
# What a survivor may need of a bed (a crib is a site's offer, not a survivor's need).
ACCESSIBILITY_NEEDS = (SpaceFeature.WHEELCHAIR_ACCESSIBLE, SpaceFeature.GROUND_FLOOR)
KIND_LABELS = {SpaceKind.BED: "Bed", SpaceKind.UNIT: "Unit"}
POLICY_LABELS = {
    SubstanceUsePolicy.HARM_REDUCTION: "Harm reduction",
    SubstanceUsePolicy.SOBRIETY_REQUIRED: "Sobriety required",
}
PHASE_LABELS = {
    CasePhase.CRISIS: "Crisis",
    CasePhase.STABILISATION: "Stabilisation",
    CasePhase.SUSTAINABILITY: "Sustainability",
}
CHILD_AGE_LABELS = {
    ChildAgeBracket.INFANT: "aged 0 to 2",
    ChildAgeBracket.YOUNG_CHILD: "aged 3 to 5",
    ChildAgeBracket.CHILD: "aged 6 to 12",
    ChildAgeBracket.TEEN: "aged 13 to 17",
}
ROLE_LABELS = {
    Role.ADMIN: "Admin",
    Role.ADVOCATE: "Housing advocate",
    Role.CASE_MANAGER: "Case manager",
    Role.PARTNER: "Shelter partner",
}


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


# Freshness of a site's availability -------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    text: str
    stale: bool


def freshness(confirmed_at: datetime | None, now: datetime) -> Freshness:
    """How recently the site confirmed its beds, and whether that is too long ago to trust."""
    hours = freshness_hours(confirmed_at, now)
    if confirmed_at is None or hours is None:
        return Freshness("Never confirmed: call the site before sending anyone", True)
    ago = age_text(now - confirmed_at)
    if hours > current_app.config["STALE_AVAILABILITY_HOURS"]:
        return Freshness(f"Out of date: confirmed {ago}; call the site to check", True)
    return Freshness(f"Confirmed {ago}", False)


# A stay against its limit -----------------------------------------------------------------


@dataclass(frozen=True)
class StayBar:
    """A stay's days used against its limit: the numbers for a <meter> and the words."""

    day: int
    limit: int | None
    text: str
    past_end: bool

    @property
    def meter_value(self) -> int:
        return min(self.day, self.limit or self.day)


def stay_bar(placement: Placement, today: date) -> StayBar:
    progress = placements.progress(placement, today)
    if progress.limit_days is None or progress.days_left is None:
        return StayBar(progress.day, None, f"Day {progress.day}: long-term housing has no end date", False)
    head = f"Day {progress.day} of {progress.limit_days}"
    site_limit = placement.stay_limit_days
    if site_limit is not None and progress.limit_days > site_limit:
        head += f" (extended past the site's {site_limit}-night limit)"
    if progress.days_left > 0:
        return StayBar(
            progress.day, progress.limit_days, f"{head} — {plural(progress.days_left, 'day')} left", False
        )
    if progress.days_left == 0:
        text = f"{head} — the planned stay ends today; record the exit or an extension"
    else:
        late = plural(-progress.days_left, "day")
        text = f"{head} — {late} past the planned end; record the exit or an extension"
    return StayBar(progress.day, progress.limit_days, text, True)


# Exit destinations: plain-language choices mapped to HUD 3.12 codes -------------------------


@dataclass(frozen=True)
class ExitChoice:
    key: str
    label: str
    destination: int
    text: str | None = None  # the words stored with code 17, when the choice itself says where

    @property
    def asks_for_text(self) -> bool:
        return self.destination == DESTINATION_NEEDING_TEXT and self.text is None

    @property
    def asks_for_subsidy(self) -> bool:
        return self.destination == DESTINATION_NEEDING_SUBSIDY_TYPE


HOME_COUNTRY = "Returned to home country"

EXIT_CHOICE_GROUPS: tuple[tuple[str, tuple[ExitChoice, ...]], ...] = (
    (
        "A home of their own",
        (
            ExitChoice("410", "Renting their own place, no ongoing subsidy", 410),
            ExitChoice("435", "Renting their own place, with an ongoing subsidy", 435),
            ExitChoice("411", "A home they own, no ongoing subsidy", 411),
            ExitChoice("421", "A home they own, with an ongoing subsidy", 421),
            ExitChoice("426", "HOPWA permanent housing", 426),
        ),
    ),
    (
        "With family or friends",
        (
            ExitChoice("422", "Living with family, to stay", 422),
            ExitChoice("423", "Living with friends, to stay", 423),
            ExitChoice("312", "Staying with family for now", 312),
            ExitChoice("313", "Staying with friends for now", 313),
        ),
    ),
    (
        "Another programme or a temporary place",
        (
            ExitChoice("302", "Transitional housing", 302),
            ExitChoice(
                "101", "Another emergency shelter (or a shelter-paid hotel, or a host home shelter)", 101
            ),
            ExitChoice("118", "Safe haven", 118),
            ExitChoice("332", "Host home (not a crisis shelter)", 332),
            ExitChoice("314", "Hotel or motel they pay for", 314),
            ExitChoice("329", "Residential programme or halfway house", 329),
            ExitChoice("327", "HOPWA transitional housing", 327),
        ),
    ),
    (
        "Care, treatment or custody",
        (
            ExitChoice("206", "Hospital or other medical facility", 206),
            ExitChoice("204", "Psychiatric hospital or facility", 204),
            ExitChoice("205", "Substance use treatment or detox", 205),
            ExitChoice("225", "Long-term care or nursing home", 225),
            ExitChoice("215", "Foster care", 215),
            ExitChoice("207", "Jail, prison or juvenile detention", 207),
        ),
    ),
    (
        "Somewhere else",
        (
            ExitChoice("17-home-country", HOME_COUNTRY, 17, HOME_COUNTRY),
            ExitChoice("17", "Somewhere else (say where below)", 17),
            ExitChoice("116", "A place not meant for living in (street, car, empty building)", 116),
            ExitChoice("24", "Died", 24),
        ),
    ),
    (
        "Not known",
        (
            ExitChoice("8", "The survivor doesn't know", 8),
            ExitChoice("9", "The survivor prefers not to say", 9),
            ExitChoice("30", "Left before an exit conversation", 30),
            ExitChoice("99", "Not recorded", 99),
        ),
    ),
)
EXIT_CHOICES = {choice.key: choice for _, group in EXIT_CHOICE_GROUPS for choice in group}


def exit_choice_options() -> dict[str, list[tuple[str, str]]]:
    """The choices grouped for a <select> with <optgroup>s."""
    return {name: [(c.key, c.label) for c in group] for name, group in EXIT_CHOICE_GROUPS}


# HUD 3.12.A's subsidy types in words a front desk uses; the acronyms people know stay.
SUBSIDY_LABELS: dict[int, str] = {
    419: "Veterans' housing voucher (HUD-VASH)",
    420: "Another ongoing rent subsidy",
    428: "Veterans' transition-in-place subsidy (GPD TIP)",
    431: "Rapid re-housing (RRH) or similar",
    433: "Housing Choice Voucher (Section 8)",
    434: "A public housing unit",
    436: "Housing Stability Voucher",
    437: "Family Unification Program voucher (FUP)",
    438: "Foster Youth to Independence voucher (FYI)",
    439: "Permanent supportive housing",
    440: "Other permanent housing for people who were homeless",
}


def subsidy_options() -> list[tuple[str, str]]:
    # Every code HUD lists, each in words (a code without words fails the exit page's tests).
    labelled = [(str(code), SUBSIDY_LABELS[code]) for code in RENTAL_SUBSIDY_TYPES]
    return [("", "Choose the kind of subsidy"), *labelled]


def destination_label(placement: Placement) -> str:
    """How a recorded exit reads: the plain-language choice, or HUD's words."""
    if placement.destination is None:
        return ""
    if placement.destination == DESTINATION_NEEDING_TEXT:
        return placement.destination_text or EXIT_DESTINATIONS[DESTINATION_NEEDING_TEXT]
    choice = EXIT_CHOICES.get(str(placement.destination))
    return (
        choice.label if choice else EXIT_DESTINATIONS.get(placement.destination, str(placement.destination))
    )


# Navigation ---------------------------------------------------------------------------------

_NAVIGATION = {
    Role.ADVOCATE: (
        ("web.bed_board", "Bed board"),
        ("web.caseload", "My clients"),
        ("web.referrals", "Referrals"),
    ),
    Role.CASE_MANAGER: (
        ("web.caseload", "Caseload"),
        ("web.bed_board", "Bed board"),
        ("web.referrals", "Referrals"),
        ("report_pages.index", "Reports"),
    ),
    Role.PARTNER: (("web.my_sites", "My sites"), ("web.referrals", "Referrals")),
    Role.ADMIN: (
        ("web.admin_index", "Admin"),
        ("web.bed_board", "Bed board"),
        ("web.my_sites", "Sites"),
        ("web.caseload", "Clients"),
        ("report_pages.index", "Reports"),
    ),
}
MAIN_PAGE = {role: links[0][0] for role, links in _NAVIGATION.items()}


def navigation() -> tuple[tuple[str, str], ...]:
    if not current_user.is_authenticated:
        return ()
    return _NAVIGATION.get(current_user.role, ())


# Transition plans: the steps toward the move, in words --------------------------------------

STEP_KIND_LABELS = {
    "identity_documents": "Identity documents",
    "income": "Income or a job offer",
    "legal_status": "A legal status step",
    "school_enrolment": "School enrolment for the children",
    "housing_voucher": "A housing voucher application",
    "other": "Something else",
}
STEP_STATUS_LABELS = {
    "to_do": "To do",
    "in_progress": "Under way",
    "done": "Done",
    "not_needed": "Not needed after all",
}


def arriving(hold: Hold) -> str:
    """Who a hold is for, as the person reading may know it (a screened site: the household)."""
    return hold.client.code if knows_who_is_arriving(acting(), hold) else "the referred household"


def two_step_due() -> datetime | None:
    """When the signed-in person must have set up two-step sign-in by, while they still haven't."""
    if not current_user.is_authenticated:
        return None
    return second_factor_standing(current_user).enrol_by


def install(app: Flask) -> None:
    """Filters and globals the templates use."""
    app.jinja_env.filters.update(
        tier=lambda value: TIER_LABELS.get(value, value),
        gender=lambda value: GENDER_LABELS.get(value, "Not said") if value else "Not said",
        age_group=lambda value: AGE_GROUP_LABELS.get(value, value),
        feature=lambda value: FEATURE_LABELS.get(value, value),
        kind=lambda value: KIND_LABELS.get(value, value),
        policy=lambda value: POLICY_LABELS.get(value, value),
        phase=lambda value: PHASE_LABELS.get(value, value),
        role=lambda value: ROLE_LABELS.get(value, value),
        household=lambda value: HOUSEHOLD_LABELS.get(value, value),
        child_age=lambda value: CHILD_AGE_LABELS.get(ChildAgeBracket(value), value),
        step_kind=lambda value: STEP_KIND_LABELS.get(value, value),
        step_status=lambda value: STEP_STATUS_LABELS.get(value, value),
        plural=plural,
    )
    app.jinja_env.globals.update(navigation=navigation, arriving=arriving, two_step_due=two_step_due)
