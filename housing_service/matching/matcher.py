"""Answering placements: the next step, the places that fit, best first, and what was left out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from housing_service.vocabulary import Tier

from . import wording
from .constraints import screen
from .index import FitClass, TierIndex
from .model import CurrentStay, PlacementRequest, SiteOption, SurvivorProfile
from .next_step import plan_next_step
from .policy import MatchingPolicy
from .ranking import Criterion, best_sites, criteria_for, reasons_for
from .result import Action, Candidate, Suggestion


class Matcher:
    """Suggests places for many placements against one coalition; the site indexes are built once.

    It suggests and never assigns: a person chooses with the survivor. When long-term housing is
    the target because the survivor is ready and nothing fits, the answer stays request_extension
    (no silent step back to transitional housing); its explanation says how many transitional sites
    would fit, so the survivor can choose that step instead.
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
    ) -> Suggestion:
        """The next step for one placement, with ranked places where there are any."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        step = plan_next_step(stay, profile, self.policy, today)
        if step is None:
            return Suggestion(
                stay.placement_id, Action.NO_MOVE, stay.tier, None, None, None, wording.no_move()
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
                wording.not_yet(target, step.wait_until, move_by),
            )

        index = self._tiers[target]
        day = move_by.toordinal()
        screening = screen(index, profile, declined_site_ids, day)
        context = wording.context(step.limit_passed, step.chosen_for_readiness, move_by)
        summary = wording.exclusion_summary(screening.excluded, profile)
        if not screening.fitting:
            alternatives = 0
            if step.chosen_for_readiness:
                transitional = screen(self._tiers[Tier.TRANSITIONAL], profile, declined_site_ids, day)
                alternatives = transitional.fitting.bit_count()
            explanation = _sentences(context, wording.request_extension(target, move_by, alternatives))
            return Suggestion(
                stay.placement_id,
                Action.REQUEST_EXTENSION,
                stay.tier,
                target,
                move_by,
                step.plan_from,
                explanation,
                excluded=screening.excluded,
                excluded_text=summary,
            )

        fresh_since = now - timedelta(hours=self.policy.stale_after_hours)
        criteria = criteria_for(index, profile, self.policy.weights, fresh_since)
        best = best_sites(screening.fitting, criteria, self.policy.max_candidates)
        candidates = tuple(
            _candidate(index, screening.fit_class, site_index, score, criteria, profile, day, now)
            for site_index, score in best
        )
        explanation = _sentences(
            context, wording.suggest(target, move_by, screening.fitting.bit_count(), len(candidates))
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
        )

    def suggest_many(
        self, requests: Iterable[PlacementRequest], today: date, now: datetime
    ) -> list[Suggestion]:
        """The next step for each placement, in the order given."""
        return [
            self.suggest(request.stay, request.profile, request.declined_site_ids, today, now)
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
) -> Candidate:
    site = index.sites[site_index]
    fit = fit_class.sites[site_index]
    free = fit.free.on(day)
    chosen = fit.spaces[(free & -free).bit_length() - 1]  # the lowest position is the best fit
    met, missed = reasons_for(site, site_index, criteria, profile, now)
    return Candidate(site.site_id, site.name, chosen, free.bit_count(), score, met, missed)


def _sentences(*parts: str) -> str:
    return " ".join(part for part in parts if part)
