"""Every sentence the matcher produces: plain, person-first words that never judge anyone.

Written in the reader's language: each function takes the `Words` of the person who will
read it (English when not given); the matcher passes on what its caller gave it. Whole
sentences are marked, with named values, so that a translation may order them its own way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from babel.lists import format_list

from housing_service.languages import language_name
from housing_service.plain_words import age_text, day_text
from housing_service.translation import ENGLISH, Words
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


def tier_name(tier: Tier, words: Words = ENGLISH) -> str:
    """A tier as people say it, inside a sentence."""
    match tier:
        case Tier.EMERGENCY:
            return words.gettext("emergency shelter")
        case Tier.TRANSITIONAL:
            return words.gettext("transitional housing")
        case Tier.LONG_TERM:
            return words.gettext("long-term housing")
    raise AssertionError(tier)


def _households(household: HouseholdType, words: Words) -> str:
    match household:
        case HouseholdType.SINGLE_ADULTS:
            return words.gettext("single adults")
        case HouseholdType.ADULTS_WITH_CHILDREN:
            return words.gettext("families")
        case HouseholdType.MINORS_ONLY:
            return words.gettext("unaccompanied minors")
    raise AssertionError(household)


def _programme(policy: SubstanceUsePolicy, words: Words) -> str:
    if policy is SubstanceUsePolicy.HARM_REDUCTION:
        return words.gettext("Harm-reduction programme")
    return words.gettext("Sobriety-required programme")


def _preferred(policy: SubstanceUsePolicy, words: Words) -> str:
    if policy is SubstanceUsePolicy.HARM_REDUCTION:
        return words.gettext("harm reduction")
    return words.gettext("a sobriety-required programme")


def reason(
    preference: Preference,
    level: int | None,
    site: SiteOption,
    profile: SurvivorProfile,
    now: datetime,
    words: Words = ENGLISH,
) -> str:
    """How a site meets (at `level`, 0 best) or misses (None) one of the survivor's preferences."""
    met = level is not None
    match preference:
        case Preference.LANGUAGE:
            return _language(level, site, profile.languages, words)
        case Preference.PREFERRED_AREA:
            if met:
                return words.gettext("In an area the survivor prefers")
            return words.gettext("Not in an area the survivor prefers")
        case Preference.SUBSTANCE_USE:
            programme = _programme(site.substance_use_policy, words)
            if met or profile.substance_use_preference is None:
                return words.gettext("%(programme)s, as the survivor prefers", programme=programme)
            return words.gettext(
                "%(programme)s; the survivor prefers %(preferred)s",
                programme=programme,
                preferred=_preferred(profile.substance_use_preference, words),
            )
        case Preference.FRESHNESS:
            confirmed_at = site.availability_confirmed_at
            if confirmed_at is None:
                return words.gettext("Availability not confirmed yet; check with the site before reserving")
            ago = age_text(now - confirmed_at, words)
            if met:
                return words.gettext("Availability confirmed %(ago)s", ago=ago)
            return words.gettext(
                "Availability last confirmed %(ago)s; check with the site before reserving", ago=ago
            )
        case Preference.INTAKE_HOURS:
            if met:
                return words.gettext("Intake 24 hours a day")
            if site.intake_hours:
                return words.gettext("Intake at set hours: %(hours)s", hours=site.intake_hours)
            return words.gettext("Intake at set hours; ask the site when")
    raise AssertionError(preference)


def _language(level: int | None, site: SiteOption, languages: Sequence[str], words: Words) -> str:
    first = language_name(languages[0], words.code)
    if level == 0:
        return words.gettext("Staff speak %(language)s, the survivor's first language", language=first)
    if level == 1:
        spoken = next(language_name(code, words.code) for code in languages[1:] if code in site.languages)
        return words.gettext(
            "Staff speak %(spoken)s, though not %(first)s, the survivor's first language",
            spoken=spoken,
            first=first,
        )
    names = [language_name(code, words.code) for code in languages]
    return words.gettext(
        "Staff do not speak %(languages)s",
        languages=format_list(names, style="or", locale=words.locale),
    )


def exclusion_summary(
    excluded: Mapping[Exclusion, int], profile: SurvivorProfile, words: Words = ENGLISH
) -> str:
    """E.g. "7 full, 3 in areas to avoid, 2 do not serve families": largest count first."""
    # sorted() is stable, so equal counts keep the order of Exclusion.
    ordered = sorted(excluded.items(), key=lambda item: -item[1])
    return ", ".join(_exclusion(exclusion, count, profile, words) for exclusion, count in ordered)


def _exclusion(exclusion: Exclusion, n: int, profile: SurvivorProfile, words: Words) -> str:
    match exclusion:
        case Exclusion.SITE_TO_AVOID:
            return words.ngettext(
                "%(num)s on the survivor's list of sites to avoid",
                "%(num)s on the survivor's list of sites to avoid",
                n,
            )
        case Exclusion.AREA_TO_AVOID:
            return words.ngettext("%(num)s in areas to avoid", "%(num)s in areas to avoid", n)
        case Exclusion.HOUSEHOLD:
            return words.ngettext(
                "%(num)s does not serve %(households)s",
                "%(num)s do not serve %(households)s",
                n,
                households=_households(profile.household.type, words),
            )
        case Exclusion.GENDER:
            return words.ngettext("%(num)s serves other genders", "%(num)s serve other genders", n)
        case Exclusion.AGE_GROUP:
            if profile.age_years is not None:
                return words.ngettext("%(num)s serves other ages", "%(num)s serve other ages", n)
            if profile.age_group is AgeGroup.MINOR:
                return words.ngettext(
                    "%(num)s not licensed to house minors", "%(num)s not licensed to house minors", n
                )
            return words.ngettext("%(num)s serves other age groups", "%(num)s serve other age groups", n)
        case Exclusion.PETS:
            return words.ngettext("%(num)s does not accept pets", "%(num)s do not accept pets", n)
        case Exclusion.ACCESSIBILITY:
            return words.ngettext(
                "%(num)s without a %(features)s space",
                "%(num)s without a %(features)s space",
                n,
                features=_features(profile.accessibility_needs, words),
            )
        case Exclusion.NO_FITTING_SPACE:
            return words.ngettext(
                "%(num)s with no %(space)s", "%(num)s with no %(space)s", n, space=_space_for(profile, words)
            )
        case Exclusion.DECLINED_RECENTLY:
            return words.ngettext("%(num)s declined recently", "%(num)s declined recently", n)
        case Exclusion.FULL:
            return words.ngettext("%(num)s full", "%(num)s full", n)
    raise AssertionError(exclusion)


def _space_for(profile: SurvivorProfile, words: Words) -> str:
    size = profile.household.size
    if profile.accessibility_needs:
        features = _features(profile.accessibility_needs, words)
        if size == 1:
            return words.gettext("%(features)s bed or unit that fits", features=features)
        return words.gettext("%(features)s unit for %(size)s", features=features, size=size)
    if size == 1:
        return words.gettext("bed or unit that fits")
    return words.gettext("unit for %(size)s", size=size)


def _features(features: frozenset[SpaceFeature], words: Words) -> str:
    wheelchair = SpaceFeature.WHEELCHAIR_ACCESSIBLE in features
    ground = SpaceFeature.GROUND_FLOOR in features
    if wheelchair and ground:
        return words.gettext("wheelchair-accessible ground-floor")
    if wheelchair:
        return words.gettext("wheelchair-accessible")
    if ground:
        return words.gettext("ground-floor")
    return ""


def no_move(words: Words = ENGLISH) -> str:
    """The explanation for a survivor already in long-term housing."""
    return words.gettext(
        "Already in long-term housing: no move to plan."
        " Follow up on how things are going in the sustainability phase."
    )


def not_yet(target: Tier, plan_from: date, move_by: date, words: Words = ENGLISH) -> str:
    """The explanation for a stay in the crisis phase, before planning starts."""
    return words.gettext(
        "Crisis phase, early in the stay: planning the move to %(tier)s starts on %(plan_from)s;"
        " the move is due by %(move_by)s.",
        tier=tier_name(target, words),
        plan_from=day_text(plan_from, words),
        move_by=day_text(move_by, words),
    )


def context(limit_passed: bool, chosen_for_readiness: bool, move_by: date, words: Words = ENGLISH) -> str:
    """Why the dates or the tier are what they are, where that is not the usual case."""
    parts = []
    if chosen_for_readiness:
        parts.append(
            words.gettext(
                "Income, identity documents and the survivor's own readiness point to long-term housing."
            )
        )
    if limit_passed:
        parts.append(
            words.gettext(
                "The stay's limit date has passed, so places are looked for from today, %(today)s.",
                today=day_text(move_by, words),
            )
        )
    return " ".join(parts)


def suggest(target: Tier, move_by: date, fitting: int, shown: int, words: Words = ENGLISH) -> str:
    """The explanation that comes with candidates."""
    values = {"tier": tier_name(target, words), "day": day_text(move_by, words), "shown": shown}
    if shown == fitting:
        found = words.ngettext(
            "%(num)s site has a fitting place in %(tier)s free from %(day)s.",
            "%(num)s sites have a fitting place in %(tier)s free from %(day)s, listed best match first.",
            fitting,
            **values,
        )
    else:
        # Fewer shown than fit: two or more fit (a sentence of its own, so that it has its own plurals).
        found = words.ngettext(
            "%(num)s site has a fitting place in %(tier)s free from %(day)s; the %(shown)s that best"
            " match the survivor's wishes are listed.",
            "%(num)s sites have a fitting place in %(tier)s free from %(day)s; the %(shown)s that best"
            " match the survivor's wishes are listed.",
            fitting,
            **values,
        )
    return found + " " + words.gettext("These are suggestions to choose from with the survivor.")


def request_extension(
    target: Tier, move_by: date, transitional_alternatives: int, words: Words = ENGLISH
) -> str:
    """The explanation when fitting places exist in the target tier but none is free by the move-by date."""
    text = words.gettext(
        "No fitting place in %(tier)s is free by %(day)s. Consider requesting an extension of the"
        " current stay, with its reason: some places would fit once free.",
        tier=tier_name(target, words),
        day=day_text(move_by, words),
    )
    return text + _transitional_instead(transitional_alternatives, words)


def no_fitting_place(target: Tier, transitional_alternatives: int, words: Words = ENGLISH) -> str:
    """The explanation when no place of the target tier could ever house this household."""
    text = words.gettext(
        "No place in %(tier)s fits this household and its needs, so waiting or an extension would not"
        " help. Look with the survivor beyond the coalition's list, or ask a site whether it can adapt"
        " a space.",
        tier=tier_name(target, words),
    )
    return text + _transitional_instead(transitional_alternatives, words)


def second_option(transitional_alternatives: int, words: Words = ENGLISH) -> str:
    """For a survivor ready for long-term housing: the step in between, named as the second option."""
    if not transitional_alternatives:
        return words.gettext(
            "No transitional place fits by then, if the survivor would rather take that step first."
        )
    return words.ngettext(
        "As a second option, %(num)s site has a fitting transitional place free by then (listed below).",
        "As a second option, %(num)s sites have a fitting transitional place free by then (listed below).",
        transitional_alternatives,
    )


def _transitional_instead(transitional_alternatives: int, words: Words) -> str:
    if not transitional_alternatives:
        return ""
    return " " + words.ngettext(
        "Transitional housing has %(num)s site with a fitting place free by then (listed below),"
        " if the survivor would rather take that step first.",
        "Transitional housing has %(num)s sites with a fitting place free by then (listed below),"
        " if the survivor would rather take that step first.",
        transitional_alternatives,
    )


def fit_words(candidate: Candidate, best: bool, words: Words = ENGLISH) -> str:
    """A candidate in words, not points: e.g. "Best fit: staff speak Spanish; a unit for 3"."""
    parts = [_short(reason) for reason in candidate.met if reason.preference in _WORTH_SAYING]
    space = candidate.space
    if space.kind is SpaceKind.UNIT:
        if space.capacity > 1:
            parts.append(words.gettext("a unit for %(capacity)s", capacity=space.capacity))
        else:
            parts.append(words.gettext("a unit of its own"))
    else:
        parts.append(words.gettext("a bed"))
    if not best:
        return words.gettext("Also fits: %(reasons)s", reasons="; ".join(parts))
    return words.gettext("Best fit: %(reasons)s", reasons="; ".join(parts))


# Freshness and intake hours rank places but say little about how a place suits the survivor.
_WORTH_SAYING = (Preference.LANGUAGE, Preference.PREFERRED_AREA, Preference.SUBSTANCE_USE)


def _short(reason: Reason) -> str:
    text = reason.text
    return text[0].lower() + text[1:]
