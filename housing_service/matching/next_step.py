"""Where a placement goes next, by when, and from when to plan it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from housing_service.vocabulary import CasePhase, Tier, threshold_day

from .model import CurrentStay, SurvivorProfile
from .policy import MatchingPolicy


@dataclass(frozen=True, slots=True, kw_only=True)
class NextStep:
    """The plan for one placement before any site is looked at."""

    target_tier: Tier
    move_by: date
    plan_from: date | None  # None when the stay has no limit date
    wait_until: date | None  # plan_from, while it is still ahead in the crisis phase
    limit_passed: bool  # the limit date is behind us, so the move is due today
    chosen_for_readiness: bool  # long-term housing straight from emergency shelter


def plan_next_step(
    stay: CurrentStay, profile: SurvivorProfile, policy: MatchingPolicy, today: date
) -> NextStep | None:
    """The target tier and dates for a placement; None in long-term housing, where no move is planned."""
    if stay.tier is Tier.LONG_TERM:
        return None
    chosen_for_readiness = stay.tier is Tier.EMERGENCY and profile.readiness.ready_for_long_term
    # From transitional housing, and for a survivor ready for it, the next step is a home of one's own.
    target = Tier.TRANSITIONAL if stay.tier is Tier.EMERGENCY and not chosen_for_readiness else Tier.LONG_TERM
    if stay.ends_on is None:
        # A stay with no limit date (its site has none): look from today, there is no date to wait for.
        return NextStep(
            target_tier=target,
            move_by=today,
            plan_from=None,
            wait_until=None,
            limit_passed=False,
            chosen_for_readiness=chosen_for_readiness,
        )
    plan_from = threshold_day(stay.ends_on, policy.planning_lead_days(stay.tier))
    # Early in a stay the crisis phase is about safety; in later phases planning can start at once.
    too_early = profile.case_phase is CasePhase.CRISIS and today < plan_from
    return NextStep(
        target_tier=target,
        move_by=max(stay.ends_on, today),
        plan_from=plan_from,
        wait_until=plan_from if too_early else None,
        limit_passed=stay.ends_on < today,
        chosen_for_readiness=chosen_for_readiness,
    )
