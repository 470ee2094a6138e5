"""Reserving a bed or unit for a survivor: now (arrival within the window) or from a future date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..db import lock_for_change, savepoint, violated_constraint
from ..errors import Conflict, Forbidden, InvalidInput, InvalidTransition, NotFound
from ..extensions import db
from ..models import Booking, Client, Hold, HoldStatus, Placement, Role, Site, Space, User
from ..models.bookings import OVERLAP_CONSTRAINT
from ..vocabulary import SpaceFeature, SpaceKind, Tier, household_type
from . import audit
from .access import clients_visible_to, require_role, works_case
from .actor import Actor
from .availability import check_dates
from .flags import resolve_hold_flags

ONE_HOLD_PER_DAY_INDEX = "uq_holds_one_active_per_client_day"


ERASED_RECORD = (
    "This record's details were erased after the retention period, its safety plan with them. "
    "Open a new record with the survivor's current needs and safety plan."
)


def check_fit(client: Client, space: Space) -> None:
    """Refuse a space the survivor can't or must not use: eligibility, needs and safety plan."""
    if client.erased_at is not None:
        raise Conflict(ERASED_RECORD, {"client_id": [gettext("Details erased.")]})
    site = space.site
    size = client.household_size
    kind = household_type(client.adults, len(client.children))
    if client.id is not None and (site.id in client.avoid_site_ids or site.area_id in client.avoid_area_ids):
        raise Conflict(
            gettext("This site is one the survivor's safety plan says to avoid."),
            {"space_id": [gettext("Safety plan.")]},
        )
    if not space.in_service:
        raise Conflict(
            gettext(
                "%(space)s is out of service: %(reason)s.",
                space=space.label,
                reason=space.out_of_service_reason,
            ),
            {"space_id": [gettext("Out of service.")]},
        )
    if not site.active:
        raise Conflict(gettext("This site is closed."), {"space_id": [gettext("Site closed.")]})
    if kind not in site.households_served:
        raise Conflict(
            gettext(
                "%(site)s does not serve this household (%(household)s).",
                site=site.name,
                household=kind.value.replace("_", " "),
            ),
            {"space_id": [gettext("Household not served.")]},
        )
    if size > 1 and (space.kind != SpaceKind.UNIT or space.capacity < size):
        raise Conflict(
            gettext(
                "A household of %(size)s needs a unit for at least %(size)s; %(space)s is not one.",
                size=size,
                space=space.label,
            ),
            {"space_id": [gettext("Too small for the household.")]},
        )
    if client.gender is not None and client.gender not in site.genders_served:
        raise Conflict(
            gettext("%(site)s does not serve this survivor's gender.", site=site.name),
            {"space_id": [gettext("Gender not served.")]},
        )
    if client.age_group not in site.age_groups_served:
        raise Conflict(
            gettext("%(site)s does not serve this age group.", site=site.name),
            {"space_id": [gettext("Age group not served.")]},
        )
    if client.has_pets and not site.pets_allowed:
        raise Conflict(
            gettext("%(site)s does not allow pets.", site=site.name), {"space_id": [gettext("No pets.")]}
        )
    if missing := sorted(set(client.accessibility_needs) - set(space.features)):
        names = ", ".join(SpaceFeature(m).value.replace("_", " ") for m in missing)
        raise Conflict(
            gettext("%(space)s is not %(features)s.", space=space.label, features=names),
            {"space_id": [gettext("Missing needed features.")]},
        )


def stay_end(site: Site, starts_on: date, ends_on: date | None) -> date | None:
    """The first night after a stay at `site` starting `starts_on` (None: open-ended)."""
    if site.tier == Tier.LONG_TERM:
        if ends_on is not None:
            raise InvalidInput.field("ends_on", gettext("Long-term housing has no end date."))
        return None
    limit_end = starts_on + timedelta(days=site.stay_limit_days or 0)
    if ends_on is None:
        return limit_end
    if ends_on > limit_end:
        raise InvalidInput.field(
            "ends_on",
            gettext(
                "The site's stay limit is %(days)s days: end by %(day)s, then extend.",
                days=site.stay_limit_days,
                day=limit_end,
            ),
        )
    return ends_on


def overdue_stay_exists(space_id: Any, today: date) -> Any:
    """SQL: a stay in the space passed its end date with no exit recorded."""
    return (
        select(Placement.id)
        .where(
            Placement.space_id == space_id, Placement.exited_on.is_(None), Placement.expected_end_on <= today
        )
        .exists()
    )


def require_no_overdue_stay(space: Space, today: date, *, known: bool | None = None) -> None:
    """Someone whose stay passed its end without an exit is presumably still in this bed.

    `known`: the answer, when the caller read it with the space (one statement fewer).
    """
    if known is None:
        known = bool(db.session.scalar(select(overdue_stay_exists(space.id, today))))
    if known:
        raise Conflict(
            gettext(
                "%(space)s still has a stay past its end date with no exit recorded; the site must record"
                " the exit or an extension first.",
                space=space.label,
            ),
            {"space_id": [gettext("Occupied.")]},
        )


def book(space: Space, client: Client, starts_on: date, ends_on: date | None) -> Booking:
    """Claim the nights; the database refuses them if anyone holds or occupies any of them."""
    booking = Booking(space=space, client_id=client.id, starts_on=starts_on, ends_on=ends_on)
    flush_booking(booking)
    return booking


def flush_booking(*new_records: object) -> None:
    """Write booking changes (and `new_records`) in a savepoint; an overlap becomes a 409.

    New records are added inside the savepoint, so that a refused one leaves nothing
    pending behind and the session stays usable for the error page.
    """
    try:
        with savepoint(db.session):
            db.session.add_all(new_records)
            db.session.flush()
    except IntegrityError as error:
        if OVERLAP_CONSTRAINT in violated_constraint(error):
            raise Conflict(
                gettext("This bed or unit is already held or occupied for some of those nights."),
                {"space_id": [gettext("Already booked for those nights.")]},
            ) from error
        raise


def hold_expiry(site: Site, starts_on: date, today: date, now: datetime) -> datetime:
    """Now: the site's window from now. Future: the end of the start date, plus the window."""
    window = timedelta(hours=site.hold_window_hours)
    if starts_on == today:
        return now + window
    end_of_start_day = clock.start_of_day(
        starts_on + timedelta(days=1), current_app.config["COALITION_TIMEZONE"]
    )
    return end_of_start_day + window


def create_hold(
    actor: Actor,
    *,
    client_id: int,
    space_id: int,
    starts_on: date | None,
    ends_on: date | None,
    override_reason: str | None,
    now: datetime,
    today: date,
) -> Hold:
    """Hold a specific bed or unit for a survivor whose case the actor works."""
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    client = db.session.get(Client, client_id, options=[joinedload(Client.team)])
    if client is None or not works_case(actor, client):
        raise InvalidInput.field("client_id", gettext("No survivor on your caseload has this id."))
    # The space, its site and whether a stay there is overdue: one statement.
    found = db.session.execute(
        select(Space, overdue_stay_exists(Space.id, today))
        .options(joinedload(Space.site))
        .where(Space.id == space_id)
    ).one_or_none()
    if found is None:
        raise InvalidInput.field("space_id", gettext("No bed or unit has this id."))
    space, overdue = found
    if space.site.screened:
        raise Conflict(
            gettext(
                "%(site)s screens referrals: send a referral, and its staff call you back.",
                site=space.site.name,
            ),
            {"space_id": [gettext("This site takes screened referrals, not holds.")]},
        )
    hold = hold_space(
        actor,
        actor.signed_in_user,
        client,
        space,
        starts_on=starts_on or today,
        ends_on=ends_on,
        override_reason=override_reason,
        now=now,
        today=today,
        overdue_stay=overdue,
    )
    # Made directly, so it answers no screened referral: nothing to load to say so.
    set_committed_value(hold, "referral", None)
    return hold


def check_start(starts_on: date, today: date) -> None:
    """Today or later, and no further ahead than a planned move needs (`HOLD_MAX_DAYS_AHEAD`)."""
    latest = today + timedelta(days=current_app.config["HOLD_MAX_DAYS_AHEAD"])
    if starts_on > latest:
        raise InvalidInput.field(
            "starts_on",
            gettext(
                "A place can be held at most %(days)s days ahead (first night by %(day)s).",
                days=current_app.config["HOLD_MAX_DAYS_AHEAD"],
                day=latest.isoformat(),
            ),
        )


def hold_space(
    actor: Actor,
    holder: User,
    client: Client,
    space: Space,
    *,
    starts_on: date,
    ends_on: date | None,
    override_reason: str | None,
    now: datetime,
    today: date,
    overdue_stay: bool | None = None,
) -> Hold:
    """Hold `space` for `client` on behalf of `holder`: the rules every hold obeys, however made.

    `overdue_stay`: whether a stay in the space is overdue, when the caller read it already.
    """
    check_dates(starts_on, ends_on, today)
    check_start(starts_on, today)
    check_fit(client, space)
    require_no_overdue_stay(space, today, known=overdue_stay)
    nights_end = stay_end(space.site, starts_on, ends_on)
    override_reason = (override_reason or "").strip() or None

    # Linking the loaded records (not just their ids) keeps them in the session for the answer.
    hold = Hold(
        booking=Booking(space=space, client_id=client.id, starts_on=starts_on, ends_on=nights_end),
        client=client,
        space=space,
        site=space.site,
        starts_on=starts_on,
        expires_at=hold_expiry(space.site, starts_on, today, now),
        override_reason=override_reason,
        held_by=holder,
        created_at=now,
        placement=None,
    )
    try:
        flush_booking(hold)  # the nights and the hold, in one write
    except IntegrityError as error:
        if ONE_HOLD_PER_DAY_INDEX in violated_constraint(error) or "holds.client_id" in violated_constraint(
            error
        ):
            raise Conflict(
                gettext(
                    "This survivor already has a hold starting that day. To hold a second place, give a"
                    " reason."
                ),
                {"override_reason": [gettext("Needed for a second hold on the same day.")]},
            ) from error
        raise
    audit.record(
        actor, "hold.create", "hold", hold.id, {"client_id": client.id, "space_id": space.id}, now=now
    )
    return hold


def get_hold(actor: Actor, hold_id: int) -> Hold:
    hold = db.session.get(Hold, hold_id)
    if hold is None or not may_see_hold(actor, hold):
        raise NotFound(gettext("No hold you may see has this id."))
    audit.record_reads(actor, [hold.client_id], "hold")
    return hold


def may_see_hold(actor: Actor, hold: Hold) -> bool:
    if actor.is_admin or hold.held_by_id == actor.user_id:
        return True
    if actor.is_partner:
        return hold.site.organisation_id == actor.organisation_id
    return works_case(actor, hold.client)


def list_holds(actor: Actor, status: HoldStatus | None, site_id: int | None) -> list[Hold]:
    query = select(Hold).order_by(Hold.starts_on, Hold.id)
    if actor.is_partner:
        query = query.join(Site, Site.id == Hold.site_id).where(Site.organisation_id == actor.organisation_id)
    elif not actor.is_admin:
        query = query.join(Client, Client.id == Hold.client_id).where(
            or_(Hold.held_by_id == actor.user_id, clients_visible_to(actor))
        )
    if status is not None:
        query = query.where(Hold.status == status)
    if site_id is not None:
        query = query.where(Hold.site_id == site_id)
    found = list(db.session.scalars(query.limit(500)))
    audit.record_reads(actor, [hold.client_id for hold in found], "holds")
    return found


def release_hold(actor: Actor, hold: Hold, reason: str | None, now: datetime) -> Hold:
    """Cancel a hold; its nights are free again at once."""
    if not (hold.held_by_id == actor.user_id or works_case(actor, hold.client)):
        raise Forbidden(
            gettext("Only the person who made the hold, the case team or an admin may release it.")
        )
    lock_for_change(hold)
    if hold.status != HoldStatus.HELD:
        raise InvalidTransition(
            gettext("This hold is %(status)s; only a current hold can be released.", status=hold.status.value)
        )
    hold.status = HoldStatus.RELEASED
    hold.ended_at = now
    hold.ended_by_id = actor.user_id
    hold.release_reason = (reason or "").strip() or None
    hold.booking.active = False
    db.session.flush()
    resolve_hold_flags(now, [hold.id])
    audit.record(actor, "hold.release", "hold", hold.id, now=now)
    return hold


def require_current(hold: Hold, now: datetime) -> None:
    """A hold that is placed, released or past its window can't be used."""
    if hold.status != HoldStatus.HELD:
        raise InvalidTransition(
            gettext("This hold is %(status)s; check-in needs a current hold.", status=hold.status.value)
        )
    if not hold.is_current(now):
        raise InvalidTransition(
            gettext(
                "This hold expired at %(when)s; make a new hold if the bed is still free.",
                when=hold.expires_at.isoformat(timespec="minutes"),
            )
        )
