"""Answering placements: the next step, the places that fit, best first, and what was left out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from housing_service.translation import ENGLISH, Words
from housing_service.vocabulary import Tier

from . import wording
from .bitset import indexes_of
from .constraints import Screening, screen
from .index import FitClass, TierIndex
from .model import CurrentStay, PlacementRequest, SiteOption, SurvivorProfile
from .next_step import plan_next_step
from .policy import MatchingPolicy
from .ranking import Criterion, best_sites, criteria_for, reasons_for
from .result import Action, Candidate, ExcludedSite, Exclusion, Suggestion

# How many places of the second-best tier an answer names.
ALTERNATIVES_SHOWN = 3


class Matcher:
    """Suggests places for many placements against one coalition; the site indexes are built once.

    It suggests and never assigns: a person chooses with the survivor. When long-term housing is
    the target because the survivor is ready, the answer also names the best transitional places
    (`alternatives`), so the survivor can choose that step instead; there is no silent step back.
    An extension is advised only where waiting could help: some fitting place is full on the date.
    """

    def __init__(self, sites: Iterable[SiteOption], policy: MatchingPolicy | None = None) -> None:
        self.policy = policy if policy is not None else MatchingPolicy()
        sites = tuple(sites)
        if len({site.site_id for site in sites}) != len(sites):
            raise ValueError("each site must appear once")
        self._tiers = {tier: TierIndex(site for site in sites if site.tier is tier) for tier in Tier}

    def suggest(
        self,
        stay: CurrentStay,
        profile: SurvivorProfile,
        declined_site_ids: frozenset[int],
        today: date,
        now: datetime,
        *,
        name_exclusions: bool = False,
        words: Words = ENGLISH,
    ) -> Suggestion:
        """The next step for one placement, with ranked places where there are any.

        With `name_exclusions`, the sites left out are named too, except confidential ones.
        Its sentences are in `words`' language (the person who will read them).
        """
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        step = plan_next_step(stay, profile, self.policy, today)
        if step is None:
            return Suggestion(
                stay.placement_id, Action.NO_MOVE, stay.tier, None, None, None, wording.no_move(words)
            )
        target, move_by = step.target_tier, step.move_by
        if step.wait_until is not None:
            return Suggestion(
                stay.placement_id,
                Action.NOT_YET,
                stay.tier,
                target,
                move_by,
                step.plan_from,
                wording.not_yet(target, step.wait_until, move_by, words),
            )

        index = self._tiers[target]
        day = move_by.toordinal()
        screening = screen(index, profile, declined_site_ids, day)
        context = wording.context(step.limit_passed, step.chosen_for_readiness, move_by, words)
        summary = wording.exclusion_summary(screening.excluded, profile, words)
        named = _excluded_sites(index, screening) if name_exclusions else ()
        alternatives: tuple[Candidate, ...] = ()
        alternatives_fitting = 0
        if step.chosen_for_readiness:
            # The survivor may rather take the step in between: name its best places too.
            transitional = self._tiers[Tier.TRANSITIONAL]
            second = screen(transitional, profile, declined_site_ids, day)
            alternatives_fitting = second.fitting.bit_count()
            alternatives = self._ranked(transitional, second, profile, day, now, ALTERNATIVES_SHOWN, words)
        alternative_tier = Tier.TRANSITIONAL if step.chosen_for_readiness else None
        if not screening.fitting:
            # Waiting helps where a fitting place is taken on the date (or was declined for now);
            # where every site fails the household's own needs, no extension would change that.
            waiting_helps = not screening.excluded.keys().isdisjoint(
                {Exclusion.FULL, Exclusion.DECLINED_RECENTLY}
            )
            if waiting_helps:
                action = Action.REQUEST_EXTENSION
                advice = wording.request_extension(target, move_by, alternatives_fitting, words)
            else:
                action = Action.NO_FITTING_PLACE
                advice = wording.no_fitting_place(target, alternatives_fitting, words)
            return Suggestion(
                stay.placement_id,
                action,
                stay.tier,
                target,
                move_by,
                step.plan_from,
                _sentences(context, advice),
                excluded=screening.excluded,
                excluded_text=summary,
                alternative_tier=alternative_tier,
                alternatives=alternatives,
                excluded_sites=named,
            )

        candidates = self._ranked(index, screening, profile, day, now, self.policy.max_candidates, words)
        explanation = _sentences(
            context,
            wording.suggest(target, move_by, screening.fitting.bit_count(), len(candidates), words),
            wording.second_option(alternatives_fitting, words) if step.chosen_for_readiness else "",
        )
        return Suggestion(
            stay.placement_id,
            Action.SUGGEST,
            stay.tier,
            target,
            move_by,
            step.plan_from,
            explanation,
            candidates,
            screening.excluded,
            summary,
            alternative_tier,
            alternatives,
            named,
        )

    def _ranked(
        self,
        index: TierIndex,
        screening: Screening,
        profile: SurvivorProfile,
        day: int,
        now: datetime,
        limit: int,
        words: Words,
    ) -> tuple[Candidate, ...]:
        fresh_since = now - timedelta(hours=self.policy.stale_after_hours)
        criteria = criteria_for(index, profile, self.policy.weights, fresh_since)
        best = best_sites(screening.fitting, criteria, limit)
        return tuple(
            _candidate(index, screening.fit_class, site_index, score, criteria, profile, day, now, words)
            for site_index, score in best
        )

    def suggest_many(
        self, requests: Iterable[PlacementRequest], today: date, now: datetime, words: Words = ENGLISH
    ) -> list[Suggestion]:
        """The next step for each placement, in the order given."""
        return [
            self.suggest(request.stay, request.profile, request.declined_site_ids, today, now, words=words)
            for request in requests
        ]


def _candidate(
    index: TierIndex,
    fit_class: FitClass,
    site_index: int,
    score: int,
    criteria: tuple[Criterion, ...],
    profile: SurvivorProfile,
    day: int,
    now: datetime,
    words: Words,
) -> Candidate:
    site = index.sites[site_index]
    fit = fit_class.sites[site_index]
    free = fit.free.on(day)
    chosen = fit.spaces[(free & -free).bit_length() - 1]  # the lowest position is the best fit
    met, missed = reasons_for(site, site_index, criteria, profile, now, words)
    return Candidate(site.site_id, site.name, chosen, free.bit_count(), score, met, missed)


def _excluded_sites(index: TierIndex, screening: Screening) -> tuple[ExcludedSite, ...]:
    """The sites left out, by name, under their first reason; confidential ones stay counted only."""
    named = []
    for exclusion, sites in screening.excluded_sites.items():
        for site_index in indexes_of(sites & ~index.confidential):
            site = index.sites[site_index]
            named.append(ExcludedSite(site.site_id, site.name, exclusion))
    return tuple(named)


def _sentences(*parts: str) -> str:
    return " ".join(part for part in parts if part)
