"""Next-tier suggestions: gather plain values from the database, let `matching` rank them.

The matching module suggests; a person chooses with the survivor. This service only reads
and translates: sites with their free spaces, the survivor's needs and preferences, and the
places the survivor declined recently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from .. import shared_cache
from ..errors import Conflict
from ..extensions import db
from ..i18n import current_words
from ..matching import (
    CurrentStay,
    Household,
    Matcher,
    MatchingPolicy,
    PlacementRequest,
    Readiness,
    SiteOption,
    Suggestion,
    SurvivorProfile,
)
from ..matching import (
    Space as SpaceOption,
)
from ..matching.next_step import plan_next_step
from ..models import Booking, Client, Decision, Placement, Role, Site, SiteLanguage, Space, SuggestionDecision
from ..vocabulary import (
    AgeGroup,
    ChildAgeBracket,
    Gender,
    HouseholdType,
    SpaceFeature,
    SpaceKind,
    SubstanceUsePolicy,
    Tier,
)
from . import audit, revision
from .access import clients_visible_to, require_case_worker, require_role
from .actor import Actor


def policy() -> MatchingPolicy:
    config = current_app.config
    thresholds = {Tier(tier): days for tier, days in config["STAY_REVIEW_THRESHOLDS"].items()}
    return MatchingPolicy(
        planning_thresholds=thresholds, stale_after_hours=config["STALE_AVAILABILITY_HOURS"]
    )


def current_stay(placement: Placement) -> CurrentStay:
    """The stay as the matcher sees it: its clock starts at the episode's first night."""
    return CurrentStay(
        placement_id=placement.id,
        site_id=placement.site_id,
        tier=Tier(placement.tier),
        starts_on=placement.episode_starts_on,
        ends_on=placement.expected_end_on,
    )


def survivor_profile(client: Client) -> SurvivorProfile:
    return SurvivorProfile(
        household=Household(client.adults, tuple(ChildAgeBracket(c) for c in client.children)),
        age_group=client.age_group,
        age_years=client.age_years,
        case_phase=client.case_phase,
        gender=client.gender,
        languages=tuple(client.languages),
        accessibility_needs=frozenset(client.accessibility_needs),
        has_pets=client.has_pets,
        avoid_area_ids=frozenset(client.avoid_area_ids),
        avoid_site_ids=frozenset(client.avoid_site_ids),
        preferred_area_ids=frozenset(client.preferred_area_ids),
        substance_use_preference=client.substance_use_preference,
        readiness=Readiness(
            has_income=client.has_income,
            has_identity_documents=client.has_identity_documents,
            legal_status=client.legal_status,
            says_ready=client.says_ready_to_move,
        ),
    )


def declined_recently(client_ids: Iterable[int], now: datetime) -> dict[int, frozenset[int]]:
    """Per survivor, the sites they declined within the cool-down, whichever stay it was in."""
    since = now - timedelta(days=current_app.config["DECLINE_COOLDOWN_DAYS"])
    rows = db.session.execute(
        select(SuggestionDecision.client_id, SuggestionDecision.site_id).where(
            SuggestionDecision.client_id.in_(list(client_ids)),
            SuggestionDecision.decision == Decision.DECLINED,
            SuggestionDecision.recorded_at >= since,
        )
    )
    declined: dict[int, set[int]] = defaultdict(set)
    for client_id, site_id in rows:
        declined[client_id].add(site_id)
    return {client_id: frozenset(sites) for client_id, sites in declined.items()}


def site_options(tiers: Iterable[Tier], today: date) -> list[SiteOption]:
    """Every active site of these tiers with its in-service spaces and their future bookings."""
    tiers = list(tiers)
    sites = db.session.execute(select(Site).where(Site.active, Site.tier.in_(tiers))).scalars().all()
    languages: dict[int, set[str]] = defaultdict(set)
    for site_id, code in db.session.execute(
        select(SiteLanguage.site_id, SiteLanguage.code).join(Site).where(Site.active, Site.tier.in_(tiers))
    ):
        languages[site_id].add(code)
    in_service = select(Space.id).join(Site).where(Space.in_service, Site.active, Site.tier.in_(tiers))
    booked: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for space_id, starts_on, ends_on in db.session.execute(
        select(Booking.space_id, Booking.starts_on, Booking.ends_on).where(
            Booking.active,
            Booking.space_id.in_(in_service),
            or_(Booking.ends_on.is_(None), Booking.ends_on > today),
        )
    ):
        booked[space_id].append((starts_on, ends_on))
    # A stay past its end with no exit recorded still occupies its space, from today on.
    for (space_id,) in db.session.execute(
        select(Placement.space_id).where(
            Placement.exited_on.is_(None),
            Placement.expected_end_on <= today,
            Placement.space_id.in_(in_service),
        )
    ):
        booked[space_id].append((today, None))
    spaces: dict[int, list[SpaceOption]] = defaultdict(list)
    for space_id, site_id, label, kind, capacity, features in db.session.execute(
        select(Space.id, Space.site_id, Space.label, Space.kind, Space.capacity, Space.features).where(
            Space.id.in_(in_service)
        )
    ):
        spaces[site_id].append(
            SpaceOption(space_id, label, kind, capacity, frozenset(features), tuple(sorted(booked[space_id])))
        )
    return [
        SiteOption(
            site_id=site.id,
            name=site.name,
            tier=Tier(site.tier),
            area_id=site.area_id,
            households_served=site.households_served,
            genders_served=site.genders_served,
            age_groups_served=site.age_groups_served,
            min_age=site.min_age,
            max_age=site.max_age,
            confidential=site.confidential,
            substance_use_policy=site.substance_use_policy,
            stay_limit_days=site.stay_limit_days,
            languages=frozenset(languages[site.id]),
            pets_allowed=site.pets_allowed,
            intake_24_hours=site.intake_24_hours,
            intake_hours=site.intake_hours,
            availability_confirmed_at=site.availability_confirmed_at,
            spaces=tuple(spaces[site.id]),
        )
        for site in sites
    ]


# A matcher is built from every bed of a tier (a load that takes a while at city scale) and
# answers a placement in a fraction of a millisecond: keep it while the coalition is unchanged.
# Its inputs (sites, spaces, booked nights: no survivor, no address) are read once for every
# worker and host where there is a shared cache; each worker builds its indexes from them.
_matchers: revision.KeptWhileCurrent[Matcher] = revision.KeptWhileCurrent(size=4)
_inputs: revision.KeptWhileCurrent[list[SiteOption]] = revision.KeptWhileCurrent(
    size=4, shared_as="matcher-inputs", shared_seconds=600
)
shared_cache.register(
    SiteOption, SpaceOption, Tier, HouseholdType, Gender, AgeGroup, SpaceFeature, SpaceKind,
    SubstanceUsePolicy,
)


def matcher_for(tiers: set[Tier], today: date) -> Matcher:
    """A matcher over the sites of these tiers, reused while the coalition's revision holds."""
    rules = policy()
    settings = (tuple(sorted(rules.planning_thresholds.items())), rules.stale_after_hours)
    chosen = frozenset(tiers)
    return _matchers.get(
        (chosen, today, settings),
        lambda: Matcher(_inputs.get((chosen, today), lambda: site_options(chosen, today)), rules),
    )


def _tiers_needed(
    stays_and_profiles: Iterable[tuple[CurrentStay, SurvivorProfile]], today: date
) -> set[Tier]:
    rules = policy()
    tiers: set[Tier] = set()
    for stay, profile in stays_and_profiles:
        step = plan_next_step(stay, profile, rules, today)
        if step is not None and step.wait_until is None:
            tiers.add(step.target_tier)
            if step.chosen_for_readiness:
                tiers.add(Tier.TRANSITIONAL)  # to say how many transitional places would fit
    return tiers


def require_current(placement: Placement) -> None:
    """Suggestions are for the stay the survivor is in: an ended one names the stay after it."""
    if placement.exited_on is None:
        return
    following = placement.next_placement
    ended = gettext("This stay ended on %(day)s; there is no move to plan from it.", day=placement.exited_on)
    if following is not None:
        ended += " " + gettext(
            "The survivor's next stay is stay %(stay)s, at %(site)s; plan from there.",
            stay=following.id,
            site=following.site.name,
        )
    raise Conflict(
        ended,
        {"placement_id": [gettext("Stay ended.")]},
    )


def suggest_for_placement(
    actor: Actor, placement: Placement, today: date, now: datetime, *, name_exclusions: bool = False
) -> Suggestion:
    """The next step for one stay, with the places that fit, best first, and their reasons."""
    require_case_worker(actor, placement.client)
    require_current(placement)
    stay, profile = current_stay(placement), survivor_profile(placement.client)
    matcher = matcher_for(_tiers_needed([(stay, profile)], today), today)
    declined = declined_recently([placement.client_id], now).get(placement.client_id, frozenset())
    return matcher.suggest(
        stay, profile, declined, today, now, name_exclusions=name_exclusions, words=current_words()
    )


def suggest_for_caseload(
    actor: Actor, today: date, now: datetime, page: int, per_page: int
) -> tuple[list[tuple[Placement, Suggestion]], int]:
    """Suggestions for every current stay of the survivors the actor works with, one page at a time."""
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    visible = (
        select(Placement)
        .join(Client, Client.id == Placement.client_id)
        .where(Placement.exited_on.is_(None), clients_visible_to(actor))
    )
    total = db.session.scalar(select(func.count()).select_from(visible.subquery())) or 0
    placements = list(
        db.session.scalars(
            visible.options(selectinload(Placement.episode))
            .order_by(Placement.expected_end_on.is_(None), Placement.expected_end_on, Placement.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    if not placements:
        return [], total
    audit.record_reads(actor, [p.client_id for p in placements], "suggestions")
    declined = declined_recently([p.client_id for p in placements], now)
    requests = [
        PlacementRequest(current_stay(p), survivor_profile(p.client), declined.get(p.client_id, frozenset()))
        for p in placements
    ]
    tiers = _tiers_needed(((r.stay, r.profile) for r in requests), today)
    matcher = matcher_for(tiers, today)
    return list(
        zip(placements, matcher.suggest_many(requests, today, now, current_words()), strict=True)
    ), total
