"""Every sentence the matcher produces: plain, person-first words that never judge anyone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from housing_service.languages import language_name
from housing_service.plain_words import age_text, day_text
from housing_service.vocabulary import (
    AgeGroup,
    HouseholdType,
    SpaceFeature,
    SpaceKind,
    SubstanceUsePolicy,
    Tier,
)

from .model import SiteOption, SurvivorProfile
from .result import Candidate, Exclusion, Preference, Reason

TIER_NAMES = {
    Tier.EMERGENCY: "emergency shelter",
    Tier.TRANSITIONAL: "transitional housing",
    Tier.LONG_TERM: "long-term housing",
}

_HOUSEHOLDS = {
    HouseholdType.SINGLE_ADULTS: "single adults",
    HouseholdType.ADULTS_WITH_CHILDREN: "families",
    HouseholdType.MINORS_ONLY: "unaccompanied minors",
}

_POLICIES = {
    SubstanceUsePolicy.HARM_REDUCTION: ("Harm-reduction programme", "harm reduction"),
    SubstanceUsePolicy.SOBRIETY_REQUIRED: ("Sobriety-required programme", "a sobriety-required programme"),
}

_CHECK_WITH_SITE = "check with the site before reserving"


def tier_name(tier: Tier) -> str:
    """A tier as people say it."""
    return TIER_NAMES[tier]


def reason(
    preference: Preference, level: int | None, site: SiteOption, profile: SurvivorProfile, now: datetime
) -> str:
    """How a site meets (at `level`, 0 best) or misses (None) one of the survivor's preferences."""
    met = level is not None
    match preference:
        case Preference.LANGUAGE:
            return _language(level, site, profile.languages)
        case Preference.PREFERRED_AREA:
            return "In an area the survivor prefers" if met else "Not in an area the survivor prefers"
        case Preference.SUBSTANCE_USE:
            programme = _POLICIES[site.substance_use_policy][0]
            if met or profile.substance_use_preference is None:
                return f"{programme}, as the survivor prefers"
            return f"{programme}; the survivor prefers {_POLICIES[profile.substance_use_preference][1]}"
        case Preference.FRESHNESS:
            confirmed_at = site.availability_confirmed_at
            if confirmed_at is None:
                return f"Availability not confirmed yet; {_CHECK_WITH_SITE}"
            if met:
                return f"Availability confirmed {age_text(now - confirmed_at)}"
            return f"Availability last confirmed {age_text(now - confirmed_at)}; {_CHECK_WITH_SITE}"
        case Preference.INTAKE_HOURS:
            if met:
                return "Intake 24 hours a day"
            if site.intake_hours:
                return f"Intake at set hours: {site.intake_hours}"
            return "Intake at set hours; ask the site when"
    raise AssertionError(preference)


def _language(level: int | None, site: SiteOption, languages: Sequence[str]) -> str:
    first = language_name(languages[0])
    if level == 0:
        return f"Staff speak {first}, the survivor's first language"
    if level == 1:
        spoken = next(language_name(code) for code in languages[1:] if code in site.languages)
        return f"Staff speak {spoken}, though not {first}, the survivor's first language"
    return f"Staff do not speak {_either([language_name(code) for code in languages])}"


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def exclusion_summary(excluded: Mapping[Exclusion, int], profile: SurvivorProfile) -> str:
    """E.g. "7 full, 3 in areas to avoid, 2 do not serve families": largest count first."""
    # sorted() is stable, so equal counts keep the order of Exclusion.
    ordered = sorted(excluded.items(), key=lambda item: -item[1])
    return ", ".join(_exclusion(exclusion, count, profile) for exclusion, count in ordered)


def _exclusion(exclusion: Exclusion, n: int, profile: SurvivorProfile) -> str:
    does, serves = ("does", "serves") if n == 1 else ("do", "serve")
    match exclusion:
        case Exclusion.SITE_TO_AVOID:
            return f"{n} on the survivor's list of sites to avoid"
        case Exclusion.AREA_TO_AVOID:
            return f"{n} in areas to avoid"
        case Exclusion.HOUSEHOLD:
            return f"{n} {does} not serve {_HOUSEHOLDS[profile.household.type]}"
        case Exclusion.GENDER:
            return f"{n} {serves} other genders"
        case Exclusion.AGE_GROUP:
            if profile.age_years is not None:
                return f"{n} {serves} other ages"
            if profile.age_group is AgeGroup.MINOR:
                return f"{n} not licensed to house minors"
            return f"{n} {serves} other age groups"
        case Exclusion.PETS:
            return f"{n} {does} not accept pets"
        case Exclusion.ACCESSIBILITY:
            return f"{n} without a {_features(profile.accessibility_needs)} space"
        case Exclusion.NO_FITTING_SPACE:
            return f"{n} with no {_space_for(profile)}"
        case Exclusion.DECLINED_RECENTLY:
            return f"{n} declined recently"
        case Exclusion.FULL:
            return f"{n} full"
    raise AssertionError(exclusion)


def _space_for(profile: SurvivorProfile) -> str:
    needs = f"{_features(profile.accessibility_needs)} " if profile.accessibility_needs else ""
    size = profile.household.size
    if size == 1:
        return f"{needs}bed or unit that fits"
    return f"{needs}unit for {size}"


def _features(features: frozenset[SpaceFeature]) -> str:
    words = []
    if SpaceFeature.WHEELCHAIR_ACCESSIBLE in features:
        words.append("wheelchair-accessible")
    if SpaceFeature.GROUND_FLOOR in features:
        words.append("ground-floor")
    return " ".join(words)


def no_move() -> str:
    """The explanation for a survivor already in long-term housing."""
    return (
        "Already in long-term housing: no move to plan."
        " Follow up on how things are going in the sustainability phase."
    )


def not_yet(target: Tier, plan_from: date, move_by: date) -> str:
    """The explanation for a stay in the crisis phase, before planning starts."""
    return (
        f"Crisis phase, early in the stay: planning the move to {tier_name(target)} "
        f"starts on {day_text(plan_from)}; the move is due by {day_text(move_by)}."
    )


def context(limit_passed: bool, chosen_for_readiness: bool, move_by: date) -> str:
    """Why the dates or the tier are what they are, where that is not the usual case."""
    parts = []
    if chosen_for_readiness:
        parts.append(
            "Income, identity documents and the survivor's own readiness point to long-term housing."
        )
    if limit_passed:
        parts.append(
            f"The stay's limit date has passed, so places are looked for from today, {day_text(move_by)}."
        )
    return " ".join(parts)


def suggest(target: Tier, move_by: date, fitting: int, shown: int) -> str:
    """The explanation that comes with candidates."""
    place = f"a fitting place in {tier_name(target)} free from {day_text(move_by)}"
    if fitting == 1:
        found = f"1 site has {place}."
    elif shown == fitting:
        found = f"{fitting} sites have {place}, listed best match first."
    else:
        found = f"{fitting} sites have {place}; the {shown} that best match the survivor's wishes are listed."
    return f"{found} These are suggestions to choose from with the survivor."


def request_extension(target: Tier, move_by: date, transitional_alternatives: int) -> str:
    """The explanation when fitting places exist in the target tier but none is free by the move-by date."""
    text = (
        f"No fitting place in {tier_name(target)} is free by {day_text(move_by)}. "
        "Consider requesting an extension of the current stay, with its reason: "
        "some places would fit once free."
    )
    return text + _transitional_instead(transitional_alternatives)


def no_fitting_place(target: Tier, transitional_alternatives: int) -> str:
    """The explanation when no place of the target tier could ever house this household."""
    text = (
        f"No place in {tier_name(target)} fits this household and its needs, "
        "so waiting or an extension would not help. Look with the survivor beyond the coalition's "
        "list, or ask a site whether it can adapt a space."
    )
    return text + _transitional_instead(transitional_alternatives)


def second_option(transitional_alternatives: int) -> str:
    """For a survivor ready for long-term housing: the step in between, named as the second option."""
    if not transitional_alternatives:
        return "No transitional place fits by then, if the survivor would rather take that step first."
    sites = "1 site has" if transitional_alternatives == 1 else f"{transitional_alternatives} sites have"
    return f"As a second option, {sites} a fitting transitional place free by then (listed below)."


def _transitional_instead(transitional_alternatives: int) -> str:
    if not transitional_alternatives:
        return ""
    sites = "1 site" if transitional_alternatives == 1 else f"{transitional_alternatives} sites"
    return (
        f" Transitional housing has {sites} with a fitting place free by then (listed below),"
        " if the survivor would rather take that step first."
    )


def fit_words(candidate: Candidate, best: bool) -> str:
    """A candidate in words, not points: e.g. "Best fit: staff speak Spanish; a unit for 3"."""
    parts = [_short(reason) for reason in candidate.met if reason.preference in _WORTH_SAYING]
    space = candidate.space
    if space.kind is SpaceKind.UNIT:
        parts.append(f"a unit for {space.capacity}" if space.capacity > 1 else "a unit of its own")
    else:
        parts.append("a bed")
    if not best:
        return "Also fits: " + "; ".join(parts)
    return "Best fit: " + "; ".join(parts)


# Freshness and intake hours rank places but say little about how a place suits the survivor.
_WORTH_SAYING = (Preference.LANGUAGE, Preference.PREFERRED_AREA, Preference.SUBSTANCE_USE)


def _short(reason: Reason) -> str:
    text = reason.text
    return text[0].lower() + text[1:]
