"""How things read on a page: plain-language labels, dates and times, freshness, stay bars.

Presentation only: no rule of the programme lives here. Numbers come from the services
(`placements.progress`, `availability.freshness_hours`); this module words them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from urllib.parse import quote_plus

from flask import Flask, current_app
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

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
    Tier.EMERGENCY: _l("Emergency shelter"),
    Tier.TRANSITIONAL: _l("Transitional housing"),
    Tier.LONG_TERM: _l("Long-term housing"),
}
GENDER_LABELS = {Gender.WOMAN: _l("Woman"), Gender.MAN: _l("Man"), Gender.NONBINARY: _l("Non-binary")}
AGE_GROUP_LABELS = {
    AgeGroup.MINOR: _l("Minor (under 18)"),
    AgeGroup.YOUTH: _l("Youth (18 to 24)"),
    AgeGroup.ADULT: _l("Adult (25 and over)"),
}
HOUSEHOLD_LABELS = {
    HouseholdType.SINGLE_ADULTS: _l("Adults without children"),
    HouseholdType.ADULTS_WITH_CHILDREN: _l("Adults with children"),
    HouseholdType.MINORS_ONLY: _l("Minors on their own"),
}
FEATURE_LABELS = {
    SpaceFeature.WHEELCHAIR_ACCESSIBLE: _l("Wheelchair accessible"),
    SpaceFeature.GROUND_FLOOR: _l("Ground floor"),
    SpaceFeature.CRIB: _l("Crib"),
}
# What a survivor may need of a bed (a crib is a site's offer, not a survivor's need).
ACCESSIBILITY_NEEDS = (SpaceFeature.WHEELCHAIR_ACCESSIBLE, SpaceFeature.GROUND_FLOOR)
KIND_LABELS = {SpaceKind.BED: _l("Bed"), SpaceKind.UNIT: _l("Unit")}
POLICY_LABELS = {
    SubstanceUsePolicy.HARM_REDUCTION: _l("Harm reduction"),
    SubstanceUsePolicy.SOBRIETY_REQUIRED: _l("Sobriety required"),
}
PHASE_LABELS = {
    CasePhase.CRISIS: _l("Crisis"),
    CasePhase.STABILISATION: _l("Stabilisation"),
    CasePhase.SUSTAINABILITY: _l("Sustainability"),
}
CHILD_AGE_LABELS = {
    ChildAgeBracket.INFANT: _l("aged 0 to 2"),
    ChildAgeBracket.YOUNG_CHILD: _l("aged 3 to 5"),
    ChildAgeBracket.CHILD: _l("aged 6 to 12"),
    ChildAgeBracket.TEEN: _l("aged 13 to 17"),
}
ROLE_LABELS = {
    Role.ADMIN: _l("Admin"),
    Role.ADVOCATE: _l("Housing advocate"),
    Role.CASE_MANAGER: _l("Case manager"),
    Role.PARTNER: _l("Shelter partner"),
}


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """English only: a page marked for translation uses {% trans count=n %}…{% pluralize %} instead."""
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
        return Freshness(gettext("Never confirmed: call the site before sending anyone"), True)
    ago = age_text(now - confirmed_at)
    if hours > current_app.config["STALE_AVAILABILITY_HOURS"]:
        return Freshness(gettext("Out of date: confirmed %(ago)s; call the site to check", ago=ago), True)
    return Freshness(gettext("Confirmed %(ago)s", ago=ago), False)


# A stay against its limit -----------------------------------------------------------------


class Urgency(StrEnum):
    """How soon a stay's end calls for action: said in words beside the bar, never by colour alone."""

    PAST_END = "past_end"
    URGENT = "urgent"
    SOON = "soon"
    ON_TRACK = "on_track"

    @property
    def label(self) -> str:
        return URGENCY_LABELS[self]


URGENCY_LABELS = {
    Urgency.PAST_END: _l("Act now"),
    Urgency.URGENT: _l("Urgent"),
    Urgency.SOON: _l("Plan soon"),
    Urgency.ON_TRACK: _l("On track"),
}
# Days left at which a stay turns urgent, and at which its move should be planned: a week
# is about the least time a move can be arranged in, two weeks the stay review's usual flag.
URGENT_DAYS_LEFT = 7
SOON_DAYS_LEFT = 14


def urgency(days_left: int) -> Urgency:
    if days_left <= 0:
        return Urgency.PAST_END
    if days_left <= URGENT_DAYS_LEFT:
        return Urgency.URGENT
    if days_left <= SOON_DAYS_LEFT:
        return Urgency.SOON
    return Urgency.ON_TRACK


@dataclass(frozen=True)
class StayBar:
    """A stay's days used against its limit: the numbers for a <meter>, the words, the urgency."""

    day: int
    limit: int | None
    text: str
    urgency: Urgency | None  # None: no end date

    @property
    def past_end(self) -> bool:
        return self.urgency == Urgency.PAST_END

    @property
    def meter_value(self) -> int:
        return min(self.day, self.limit or self.day)


def stay_bar(placement: Placement, today: date) -> StayBar:
    progress = placements.progress(placement, today)
    if progress.limit_days is None or progress.days_left is None:
        text = gettext("Day %(day)s: long-term housing has no end date", day=progress.day)
        return StayBar(progress.day, None, text, None)
    head = gettext("Day %(day)s of %(limit)s", day=progress.day, limit=progress.limit_days)
    site_limit = placement.stay_limit_days
    if site_limit is not None and progress.limit_days > site_limit:
        head = gettext(
            "%(head)s (extended past the site's %(limit)s-night limit)", head=head, limit=site_limit
        )
    level = urgency(progress.days_left)
    if progress.days_left > 0:
        text = ngettext(
            "%(head)s — %(num)s day left", "%(head)s — %(num)s days left", progress.days_left, head=head
        )
        return StayBar(progress.day, progress.limit_days, text, level)
    if progress.days_left == 0:
        text = gettext("%(head)s — the planned stay ends today; record the exit or an extension", head=head)
    else:
        text = ngettext(
            "%(head)s — %(num)s day past the planned end; record the exit or an extension",
            "%(head)s — %(num)s days past the planned end; record the exit or an extension",
            -progress.days_left,
            head=head,
        )
    return StayBar(progress.day, progress.limit_days, text, level)


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


# Stored with code 17 as the survivor's destination: kept in English, shown translated.
HOME_COUNTRY = "Returned to home country"
HOME_COUNTRY_LABEL = _l("Returned to home country")

EXIT_CHOICE_GROUPS: tuple[tuple[str, tuple[ExitChoice, ...]], ...] = (
    (
        _l("A home of their own"),
        (
            ExitChoice("410", _l("Renting their own place, no ongoing subsidy"), 410),
            ExitChoice("435", _l("Renting their own place, with an ongoing subsidy"), 435),
            ExitChoice("411", _l("A home they own, no ongoing subsidy"), 411),
            ExitChoice("421", _l("A home they own, with an ongoing subsidy"), 421),
            ExitChoice("426", _l("HOPWA permanent housing"), 426),
        ),
    ),
    (
        _l("With family or friends"),
        (
            ExitChoice("422", _l("Living with family, to stay"), 422),
            ExitChoice("423", _l("Living with friends, to stay"), 423),
            ExitChoice("312", _l("Staying with family for now"), 312),
            ExitChoice("313", _l("Staying with friends for now"), 313),
        ),
    ),
    (
        _l("Another programme or a temporary place"),
        (
            ExitChoice("302", _l("Transitional housing"), 302),
            ExitChoice(
                "101", _l("Another emergency shelter (or a shelter-paid hotel, or a host home shelter)"), 101
            ),
            ExitChoice("118", _l("Safe haven"), 118),
            ExitChoice("332", _l("Host home (not a crisis shelter)"), 332),
            ExitChoice("314", _l("Hotel or motel they pay for"), 314),
            ExitChoice("329", _l("Residential programme or halfway house"), 329),
            ExitChoice("327", _l("HOPWA transitional housing"), 327),
        ),
    ),
    (
        _l("Care, treatment or custody"),
        (
            ExitChoice("206", _l("Hospital or other medical facility"), 206),
            ExitChoice("204", _l("Psychiatric hospital or facility"), 204),
            ExitChoice("205", _l("Substance use treatment or detox"), 205),
            ExitChoice("225", _l("Long-term care or nursing home"), 225),
            ExitChoice("215", _l("Foster care"), 215),
            ExitChoice("207", _l("Jail, prison or juvenile detention"), 207),
        ),
    ),
    (
        _l("Somewhere else"),
        (
            ExitChoice("17-home-country", HOME_COUNTRY_LABEL, 17, HOME_COUNTRY),
            ExitChoice("17", _l("Somewhere else (say where below)"), 17),
            ExitChoice("116", _l("A place not meant for living in (street, car, empty building)"), 116),
            ExitChoice("24", _l("Died"), 24),
        ),
    ),
    (
        _l("Not known"),
        (
            ExitChoice("8", _l("The survivor doesn't know"), 8),
            ExitChoice("9", _l("The survivor prefers not to say"), 9),
            ExitChoice("30", _l("Left before an exit conversation"), 30),
            ExitChoice("99", _l("Not recorded"), 99),
        ),
    ),
)
EXIT_CHOICES = {choice.key: choice for _, group in EXIT_CHOICE_GROUPS for choice in group}


def exit_choice_options() -> dict[str, list[tuple[str, str]]]:
    """The choices grouped for a <select> with <optgroup>s."""
    return {name: [(c.key, c.label) for c in group] for name, group in EXIT_CHOICE_GROUPS}


# HUD 3.12.A's subsidy types in words a front desk uses; the acronyms people know stay.
SUBSIDY_LABELS: dict[int, str] = {
    419: _l("Veterans' housing voucher (HUD-VASH)"),
    420: _l("Another ongoing rent subsidy"),
    428: _l("Veterans' transition-in-place subsidy (GPD TIP)"),
    431: _l("Rapid re-housing (RRH) or similar"),
    433: _l("Housing Choice Voucher (Section 8)"),
    434: _l("A public housing unit"),
    436: _l("Housing Stability Voucher"),
    437: _l("Family Unification Program voucher (FUP)"),
    438: _l("Foster Youth to Independence voucher (FYI)"),
    439: _l("Permanent supportive housing"),
    440: _l("Other permanent housing for people who were homeless"),
}


def subsidy_options() -> list[tuple[str, str]]:
    # Every code HUD lists, each in words (a code without words fails the exit page's tests).
    labelled = [(str(code), SUBSIDY_LABELS[code]) for code in RENTAL_SUBSIDY_TYPES]
    return [("", _l("Choose the kind of subsidy")), *labelled]


def destination_label(placement: Placement) -> str:
    """How a recorded exit reads: the plain-language choice, or HUD's words."""
    if placement.destination is None:
        return ""
    if placement.destination == DESTINATION_NEEDING_TEXT:
        if placement.destination_text == HOME_COUNTRY:
            return str(HOME_COUNTRY_LABEL)
        return placement.destination_text or EXIT_DESTINATIONS[DESTINATION_NEEDING_TEXT]
    choice = EXIT_CHOICES.get(str(placement.destination))
    return (
        choice.label if choice else EXIT_DESTINATIONS.get(placement.destination, str(placement.destination))
    )


# Navigation ---------------------------------------------------------------------------------

_NAVIGATION = {
    Role.ADVOCATE: (
        ("web.bed_board", _l("Bed board")),
        ("web.caseload", _l("My clients")),
        ("web.referrals", _l("Referrals")),
    ),
    Role.CASE_MANAGER: (
        ("web.caseload", _l("Caseload")),
        ("web.bed_board", _l("Bed board")),
        ("web.referrals", _l("Referrals")),
        ("report_pages.index", _l("Reports")),
    ),
    Role.PARTNER: (("web.my_sites", _l("My sites")), ("web.referrals", _l("Referrals"))),
    Role.ADMIN: (
        ("web.admin_index", _l("Admin")),
        ("web.bed_board", _l("Bed board")),
        ("web.my_sites", _l("Sites")),
        ("web.caseload", _l("Clients")),
        ("report_pages.index", _l("Reports")),
    ),
}
MAIN_PAGE = {role: links[0][0] for role, links in _NAVIGATION.items()}


def navigation() -> tuple[tuple[str, str], ...]:
    if not current_user.is_authenticated:
        return ()
    return _NAVIGATION.get(current_user.role, ())


# Transition plans: the steps toward the move, in words --------------------------------------

STEP_KIND_LABELS = {
    "identity_documents": _l("Identity documents"),
    "income": _l("Income or a job offer"),
    "legal_status": _l("A legal status step"),
    "school_enrolment": _l("School enrolment for the children"),
    "housing_voucher": _l("A housing voucher application"),
    "other": _l("Something else"),
}
STEP_STATUS_LABELS = {
    "to_do": _l("To do"),
    "in_progress": _l("Under way"),
    "done": _l("Done"),
    "not_needed": _l("Not needed after all"),
}


# Calling and finding a site ------------------------------------------------------------------

# A phone number inside a site's contact text: 7 or more digits, with the usual separators.
_PHONE_NUMBER = re.compile(r"\+?\(?\d[\d ().\-]{5,}\d")
OPENSTREETMAP_SEARCH = "https://www.openstreetmap.org/search?query="


def phone_links(contact: str | None) -> Markup:
    """The contact text with each phone number in it as a tap-to-call (tel:) link."""
    text = contact or ""
    parts: list[str] = []
    shown = 0
    for number in _PHONE_NUMBER.finditer(text):
        digits = re.sub(r"[^\d+]", "", number.group())
        if sum(c.isdigit() for c in digits) < 7:
            continue
        parts += [
            escape(text[shown : number.start()]),
            Markup('<a href="tel:{}">{}</a>').format(digits, number.group()),
        ]
        shown = number.end()
    parts.append(escape(text[shown:]))
    return Markup("").join(parts)


def map_link(address: str) -> str:
    """An OpenStreetMap search for an address, opened by the person (no map is embedded).

    Give it only an address `services.addresses` let this person see, and never a confidential
    one: the search would send it to a third party and keep it in the browser's history.
    """
    return OPENSTREETMAP_SEARCH + quote_plus(address)


def arriving(hold: Hold) -> str:
    """Who a hold is for, as the person reading may know it (a screened site: the household)."""
    return hold.client.code if knows_who_is_arriving(acting(), hold) else gettext("the referred household")


def two_step_due() -> datetime | None:
    """When the signed-in person must have set up two-step sign-in by, while they still haven't."""
    if not current_user.is_authenticated:
        return None
    return second_factor_standing(current_user).enrol_by


def install(app: Flask) -> None:
    """Filters and globals the templates use."""
    app.jinja_env.filters.update(
        tier=lambda value: TIER_LABELS.get(value, value),
        gender=lambda value: GENDER_LABELS.get(value, _l("Not said")) if value else _l("Not said"),
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
        phone_links=phone_links,
        map_link=map_link,
    )
    app.jinja_env.globals.update(navigation=navigation, arriving=arriving, two_step_due=two_step_due)
