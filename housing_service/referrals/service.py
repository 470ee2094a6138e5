"""Screened referrals: ask, screen, answer, call back. The service never sends the address.

request (advocate or case manager, for a survivor on their caseload)
  → the site's staff see the household and its needs, never who the survivor is
  → accept (choosing the bed or unit: that makes the hold, held for the advocate)
    or decline with a reason, before the response deadline
  → the site calls the advocate back on the number given.

Unanswered referrals are flagged to the site's staff half way to the deadline, and to
admins when it passes (`watch_referrals`, run by the scheduler). A finished referral keeps
only counts, outcome and times once a day has passed (`scrub_finished`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext
from sqlalchemy import String, and_, cast, exists, literal, or_, select, update

from ..db import UTCDateTime, count_inserted, insert_ignoring_duplicates, lock_for_change
from ..errors import Conflict, Forbidden, InvalidInput, InvalidTransition, NotFound
from ..extensions import db
from ..models import Client, Flag, FlagKind, Hold, HoldStatus, Referral, ReferralStatus, Role, Site, Space
from ..services import audit, holds
from ..services.access import clients_visible_to, manages_site, require_role, works_case
from ..services.actor import Actor
from ..services.availability import Household, check_dates, fits_household, space_is_free
from ..vocabulary import ReferralUrgency

# What the advocate gives, besides the survivor's household (taken from the record).
PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{5,38}$")
# How long after it is finished a referral's details stay readable (the advocate reads the
# outcome, the site calls back); then only counts, outcome and times remain.
KEPT_AFTER_FINISH = timedelta(hours=24)


@dataclass(frozen=True)
class ReferralRequest:
    site_id: int
    client_id: int
    starts_on: date
    ends_on: date | None
    urgency: ReferralUrgency
    callback_phone: str


def send_referral(actor: Actor, request: ReferralRequest, now: datetime, today: date) -> Referral:
    """Ask a screened site for a place for a survivor on the actor's caseload."""
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    client = db.session.get(Client, request.client_id)
    if client is None or not works_case(actor, client):
        raise InvalidInput.field("client_id", gettext("No survivor on your caseload has this id."))
    site = db.session.get(Site, request.site_id)
    if site is None or not site.active:
        raise InvalidInput.field("site_id", gettext("No open site has this id."))
    if not site.screened:
        raise Conflict(
            gettext("%(site)s takes holds directly: hold a bed from the bed board instead.", site=site.name),
            {"site_id": [gettext("This site takes holds, not referrals.")]},
        )
    phone = request.callback_phone.strip()
    if not PHONE.match(phone):
        raise InvalidInput.field(
            "callback_phone", gettext("Give a number the site can call, e.g. +1 408 555 0100.")
        )
    holds.check_start(request.starts_on, today)
    check_dates(request.starts_on, request.ends_on, today)
    holds.stay_end(site, request.starts_on, request.ends_on)  # within the site's stay limit
    if client.erased_at is not None:
        raise Conflict(holds.ERASED_RECORD, {"client_id": [gettext("Details erased.")]})
    # The safety plan is checked here, so that a referral never reaches a site to avoid.
    if site.id in client.avoid_site_ids or site.area_id in client.avoid_area_ids:
        raise Conflict(
            gettext("This site is one the survivor's safety plan says to avoid."),
            {"site_id": [gettext("Safety plan.")]},
        )
    referral = Referral(
        site=site,
        requested_by_id=actor.user_id,
        client_id=client.id,
        urgency=request.urgency,
        starts_on=request.starts_on,
        ends_on=request.ends_on,
        adults=client.adults,
        children_count=len(client.children),
        children=list(client.children),
        accessibility_needs=client.accessibility_needs,
        languages=list(client.languages),
        has_pets=client.has_pets,
        callback_phone=phone,
        created_at=now,
        respond_by=now + timedelta(minutes=site.referral_response_minutes),
    )
    db.session.add(referral)
    client.referrals_sent += 1
    db.session.flush()
    audit.record(actor, "referral.create", "referral", referral.id, {"site_id": site.id}, now=now)
    return referral


def may_see(actor: Actor, referral: Referral) -> bool:
    """The person who sent it (and the survivor's case team), the site's staff, admins."""
    if manages_site(actor, referral.site) or referral.requested_by_id == actor.user_id:
        return True
    return referral.client is not None and works_case(actor, referral.client)


def get_referral(actor: Actor, referral_id: int) -> Referral:
    referral = db.session.get(Referral, referral_id)
    if referral is None or actor.user is None or not may_see(actor, referral):
        raise NotFound(gettext("No referral you may see has this id."))
    return referral


def list_referrals(actor: Actor, status: ReferralStatus | None, site_id: int | None) -> list[Referral]:
    """Partners: referrals to their sites; advocates and case managers: theirs and their cases'."""
    query = select(Referral).order_by(Referral.created_at.desc(), Referral.id.desc())
    if actor.is_partner:
        own_sites = select(Site.id).where(Site.organisation_id == actor.organisation_id)
        query = query.where(Referral.site_id.in_(own_sites))
    elif not actor.is_admin:
        require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
        own_cases = Referral.client_id.in_(select(Client.id).where(clients_visible_to(actor)))
        query = query.where(or_(Referral.requested_by_id == actor.user_id, own_cases))
    if status is not None:
        query = query.where(Referral.status == status)
    if site_id is not None:
        query = query.where(Referral.site_id == site_id)
    return list(db.session.scalars(query.limit(500)))


def places_that_fit(referral: Referral, today: date) -> list[Space]:
    """The site's beds or units that fit the household and are free for the nights asked."""
    site = referral.site
    starts_on = max(referral.starts_on, today)
    ends_on = referral.ends_on
    if ends_on is None and site.stay_limit_days is not None:
        ends_on = starts_on + timedelta(days=site.stay_limit_days)
    household = Household(referral.adults, referral.children_count)
    return list(
        db.session.scalars(
            select(Space)
            .where(
                Space.site_id == site.id,
                fits_household(household, frozenset(referral.accessibility_needs)),
                space_is_free(starts_on, ends_on, today),
            )
            .order_by(Space.label)
        )
    )


def _require_answerable(actor: Actor, referral: Referral, now: datetime) -> None:
    if not manages_site(actor, referral.site):
        raise Forbidden(gettext("Only the site's own staff answer a referral."))
    lock_for_change(referral)
    if referral.status != ReferralStatus.WAITING:
        raise InvalidTransition(
            gettext(
                "This referral is %(status)s; only a waiting one can be answered.",
                status=referral.status.value,
            )
        )
    if now >= referral.respond_by:
        raise InvalidTransition(
            gettext(
                "The time to answer this referral has passed; the advocate has been told to look elsewhere."
            )
        )


def accept(actor: Actor, referral: Referral, space_id: int, now: datetime, today: date) -> Referral:
    """The site's staff take the household: the chosen bed or unit is held for the advocate."""
    _require_answerable(actor, referral, now)
    space = db.session.get(Space, space_id)
    if space is None or space.site_id != referral.site_id:
        raise InvalidInput.field("space_id", gettext("Choose a bed or unit at this site."))
    if referral.client is None:
        raise Conflict(gettext("This referral's record is no longer available."))
    referral.hold = holds.hold_space(
        actor,
        referral.requested_by,
        referral.client,
        space,
        starts_on=max(referral.starts_on, today),
        ends_on=referral.ends_on,
        # The advocate may hold another place that day while the site decides; accepting must
        # neither fail on that nor tell the site about it.
        override_reason=f"Accepted screened referral {referral.id}",
        now=now,
        today=today,
    )
    _finish(actor, referral, ReferralStatus.ACCEPTED, now)
    return referral


def decline(actor: Actor, referral: Referral, reason: str, now: datetime) -> Referral:
    """The site can't take the household; the reason helps the advocate look elsewhere."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", gettext("Say why, so the advocate can look elsewhere."))
    _require_answerable(actor, referral, now)
    referral.decline_reason = reason
    _finish(actor, referral, ReferralStatus.DECLINED, now)
    return referral


def withdraw(actor: Actor, referral: Referral, now: datetime) -> Referral:
    """The advocate no longer needs the place (found one elsewhere, plans changed)."""
    if not (referral.requested_by_id == actor.user_id or actor.is_admin):
        raise Forbidden(gettext("Only the person who sent a referral may withdraw it."))
    lock_for_change(referral)
    if referral.status != ReferralStatus.WAITING:
        raise InvalidTransition(
            gettext(
                "This referral is %(status)s; only a waiting one can be withdrawn.",
                status=referral.status.value,
            )
        )
    _finish(actor, referral, ReferralStatus.WITHDRAWN, now)
    return referral


def _finish(actor: Actor, referral: Referral, status: ReferralStatus, now: datetime) -> None:
    referral.status = status
    referral.answered_at = now
    referral.answered_by_id = actor.user_id
    db.session.flush()
    _resolve_flags(now, Flag.referral_id == referral.id)
    audit.record(actor, f"referral.{status.value}", "referral", referral.id, now=now)


# The scheduler's part ------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchResult:
    raised: int
    unanswered: int
    resolved: int
    scrubbed: int


def _referral_flags(kind: FlagKind, suffix: str, due: object, now: datetime, run_id: int | None) -> int:
    rows = select(
        literal("referral:") + cast(Referral.id, String) + literal(suffix),
        literal(kind.value),
        Referral.id,
        Referral.site_id,
        literal(now, UTCDateTime()),
        literal(run_id),
    ).where(due)
    insert = insert_ignoring_duplicates(db.session, Flag.__table__).from_select(
        ["key", "kind", "referral_id", "site_id", "raised_at", "job_run_id"], rows
    )
    return count_inserted(db.session, insert)


def _resolve_flags(now: datetime, *conditions: object) -> int:
    statement = (
        update(Flag)
        .where(Flag.resolved_at.is_(None), Flag.kind == FlagKind.REFERRAL_WAITING, *conditions)
        .values(resolved_at=now)
    )
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount or 0


def watch_referrals(now: datetime, run_id: int | None = None) -> WatchResult:
    """Flag referrals half way to their deadline (site's staff); past it, mark them unanswered
    and flag admins. Then clear the details of referrals finished more than a day ago."""
    waiting = Referral.status == ReferralStatus.WAITING
    # Half way: created_at + (respond_by - created_at) / 2 <= now, i.e. respond_by <= 2 now - created_at.
    half_way = [
        referral.id
        for referral in db.session.execute(
            select(Referral.id, Referral.created_at, Referral.respond_by).where(
                waiting, Referral.respond_by > now
            )
        )
        if referral.created_at + (referral.respond_by - referral.created_at) / 2 <= now
    ]
    raised = _referral_flags(FlagKind.REFERRAL_WAITING, ":waiting", Referral.id.in_(half_way), now, run_id)
    overdue = list(
        db.session.scalars(
            update(Referral)
            .where(waiting, Referral.respond_by <= now)
            .values(status=ReferralStatus.UNANSWERED, answered_at=now)
            .returning(Referral.id),
            execution_options={"synchronize_session": False},
        )
    )
    if overdue:
        raised += _referral_flags(
            FlagKind.REFERRAL_UNANSWERED, ":unanswered", Referral.id.in_(overdue), now, run_id
        )
        audit.record(Actor.scheduler(), "referral.unanswered", "referral", None, {"ids": overdue}, now=now)
    no_longer_waiting = exists().where(
        Referral.id == Flag.referral_id, Referral.status != ReferralStatus.WAITING
    )
    resolved = _resolve_flags(now, no_longer_waiting)
    return WatchResult(
        raised=raised, unanswered=len(overdue), resolved=resolved, scrubbed=scrub_finished(now)
    )


def scrub_finished(now: datetime) -> int:
    """Keep only what reports need of referrals finished a day ago (an accepted one: once its
    hold has ended too): site, urgency, household counts, outcome and times."""
    hold_still_held = exists().where(Hold.id == Referral.hold_id, Hold.status == HoldStatus.HELD)
    finished = and_(
        Referral.scrubbed_at.is_(None),
        Referral.status != ReferralStatus.WAITING,
        Referral.answered_at <= now - KEPT_AFTER_FINISH,
        ~hold_still_held,
    )
    statement = (
        update(Referral)
        .where(finished)
        .values(
            client_id=None,
            hold_id=None,
            callback_phone=None,
            children=[],
            accessibility_needs=frozenset(),
            languages=[],
            has_pets=False,
            decline_reason=None,
            scrubbed_at=now,
        )
    )
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount or 0
