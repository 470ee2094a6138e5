"""Stays: check-in, walk-ins, extensions, exits, and the path from one tier to the next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..db import lock_for_change
from ..errors import Conflict, Forbidden, InvalidInput, InvalidTransition, NotFound
from ..extensions import db
from ..models import Client, Extension, Hold, HoldStatus, Placement, Role, Site, Space, StayEpisode
from ..vocabulary import (
    DESTINATION_NEEDING_SUBSIDY_TYPE,
    DESTINATION_NEEDING_TEXT,
    EXIT_DESTINATIONS,
    RENTAL_SUBSIDY_TYPES,
    Tier,
)
from . import audit, clients, episodes
from .access import clients_visible_to, manages_site, works_case
from .actor import Actor
from .flags import resolve_hold_flags, resolve_stale_stay_flags
from .holds import book, check_fit, flush_booking, require_current, require_no_overdue_stay, stay_end

# When a stay ends because the survivor moves into the coalition's next place, the exit
# destination follows from where they go (HUD 3.12, and 3.12.A for subsidised rentals).
_TRANSITION_DESTINATION = {0: (101, None), 1: (101, None), 2: (302, None)}
_PERMANENT_SUBSIDY_BY_PROJECT_TYPE = {3: 439, 9: 440, 10: 440, 13: 431}


# A typo such as 2099 must not turn a 60-night shelter stay into decades; a year is far more
# than any one extension a coalition approves.
MOST_ONE_EXTENSION_ADDS = timedelta(days=365)


def transition_destination(next_site: Site) -> tuple[int, int | None]:
    """The HUD destination (and subsidy type) of a stay that ends by moving to `next_site`."""
    if next_site.hud_project_type in _PERMANENT_SUBSIDY_BY_PROJECT_TYPE:
        return 435, _PERMANENT_SUBSIDY_BY_PROJECT_TYPE[next_site.hud_project_type]
    return _TRANSITION_DESTINATION[next_site.hud_project_type]


def may_see_placement(actor: Actor, placement: Placement) -> bool:
    if actor.is_partner:
        return placement.site.organisation_id == actor.organisation_id
    return works_case(actor, placement.client)


def get_placement(actor: Actor, placement_id: int) -> Placement:
    placement = db.session.get(Placement, placement_id)
    if placement is None or not may_see_placement(actor, placement):
        raise NotFound(gettext("No stay you may see has this id."))
    audit.record_reads(actor, [placement.client_id], "placement")
    return placement


def list_placements(
    actor: Actor,
    *,
    current: bool | None,
    client_id: int | None,
    site_id: int | None,
    page: int,
    per_page: int,
) -> tuple[list[Placement], int]:
    query = select(Placement).options(selectinload(Placement.extensions))
    if actor.is_partner:
        query = query.join(Site, Site.id == Placement.site_id).where(
            Site.organisation_id == actor.organisation_id
        )
    elif not actor.is_admin:
        query = query.join(Client, Client.id == Placement.client_id).where(clients_visible_to(actor))
    if current is not None:
        query = query.where(Placement.exited_on.is_(None) if current else Placement.exited_on.is_not(None))
    if client_id is not None:
        query = query.where(Placement.client_id == client_id)
    if site_id is not None:
        query = query.where(Placement.site_id == site_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(
        db.session.scalars(
            query.order_by(Placement.starts_on.desc(), Placement.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    audit.record_reads(actor, [placement.client_id for placement in rows], "placements")
    return rows, total


def start_placement(
    actor: Actor,
    client: Client,
    space: Space,
    booking: Any,
    hold: Hold | None,
    now: datetime,
    today: date,
    *,
    move_reason: str | None = None,
) -> Placement:
    """A stay from the booking's first night: it continues the survivor's episode in the tier if
    there is one to continue (a move, a transfer, an early return), and ends the current stay."""
    site = space.site
    previous = db.session.scalar(
        select(Placement).where(Placement.client_id == client.id, Placement.exited_on.is_(None))
    )
    if previous is not None and previous.space_id == space.id:
        raise Conflict(gettext("This survivor is already staying in this bed or unit."))
    continued = episodes.stay_to_continue(client.id, Tier(site.tier), booking.starts_on)
    if continued is not None:
        episode, limit_days = continued.episode, continued.stay_limit_days
        episode_end = continued.expected_end_on
        if episode_end is not None and booking.ends_on is not None and episode_end < booking.ends_on:
            # The tier's clock keeps running; the site's own limit may end the stay sooner still.
            booking.ends_on = episode_end
            flush_booking()
    else:
        episode = StayEpisode(
            client_id=client.id, tier=site.tier, starts_on=booking.starts_on, created_at=now
        )
        limit_days = site.stay_limit_days
    if previous is not None:
        destination, subsidy = transition_destination(site)
        record_exit(actor, previous, today, destination, subsidy, None)
    placement = Placement(
        booking=booking,
        client_id=client.id,
        space_id=space.id,
        site_id=site.id,
        hold_id=hold.id if hold else None,
        previous_placement_id=previous.id if previous else None,
        episode=episode,
        tier=site.tier,
        stay_limit_days=limit_days,  # the episode's limit: days used count against it
        starts_on=booking.starts_on,
        expected_end_on=booking.ends_on,
        placed_by_id=actor.signed_in_user.id,
        move_reason=move_reason,
        created_at=now,
    )
    db.session.add(placement)
    db.session.flush()
    if previous is not None:
        if continued is not None and previous.episode_id == placement.episode_id:
            episodes.carry_over(previous, placement)
        resolve_stale_stay_flags(now, [previous.id])
    return placement


def check_in(actor: Actor, hold: Hold, now: datetime, today: date) -> Placement:
    """The survivor has arrived: the hold becomes a stay starting tonight."""
    if not manages_site(actor, hold.site):
        raise Forbidden(gettext("Only the site's own staff check survivors in."))
    lock_for_change(hold)
    require_current(hold, now)
    if today < hold.starts_on:
        raise InvalidTransition(
            gettext("This hold starts on %(day)s; check in on or after that date.", day=hold.starts_on)
        )
    require_no_overdue_stay(hold.space, today)
    booking = hold.booking
    planned_nights = None if booking.ends_on is None else (booking.ends_on - booking.starts_on).days
    booking.starts_on = today
    booking.ends_on = None if planned_nights is None else today + timedelta(days=planned_nights)
    flush_booking()
    hold.status = HoldStatus.PLACED
    hold.ended_at = now
    hold.ended_by_id = actor.user_id
    placement = start_placement(actor, hold.client, hold.space, booking, hold, now, today)
    resolve_hold_flags(now, [hold.id])
    audit.record(actor, "placement.check_in", "placement", placement.id, {"hold_id": hold.id}, now=now)
    return placement


def place_walk_in(
    actor: Actor,
    *,
    space_id: int,
    client_id: int | None,
    new_client: dict[str, Any] | None,
    ends_on: date | None,
    now: datetime,
    today: date,
) -> Placement:
    """Someone arrived without a hold: the site's staff place them directly, from tonight."""
    space = db.session.get(Space, space_id)
    if space is None:
        raise InvalidInput.field("space_id", gettext("No bed or unit has this id."))
    if not manages_site(actor, space.site):
        raise Forbidden(gettext("Only the site's own staff place walk-ins."))
    if (client_id is None) == (new_client is None):
        raise InvalidInput.field(
            "client", gettext("Give either client_id or a new client's household and needs.")
        )
    if new_client is not None:
        client = clients.create_client(actor, new_client, now)
    else:
        client = db.session.get(Client, client_id)
        if client is None or not works_case(actor, client):
            raise InvalidInput.field("client_id", gettext("No survivor on your caseload has this id."))
    if ends_on is not None and ends_on <= today:
        raise InvalidInput.field(
            "ends_on", gettext("The last night must come after the first: end after tonight.")
        )
    check_fit(client, space)
    require_no_overdue_stay(space, today)
    booking = book(space, client, today, stay_end(space.site, today, ends_on))
    placement = start_placement(actor, client, space, booking, None, now, today)
    audit.record(actor, "placement.walk_in", "placement", placement.id, {"client_id": client.id}, now=now)
    return placement


def _require_stay_manager(actor: Actor, placement: Placement) -> None:
    """The site's staff, the survivor's case team and admins manage a stay."""
    if not (manages_site(actor, placement.site) or works_case(actor, placement.client)):
        raise Forbidden(gettext("Only the site's staff or the survivor's case team may change this stay."))


def extend(
    actor: Actor, placement: Placement, *, new_end_on: date, reason: str, approved_by: str, now: datetime
) -> Extension:
    """Move a stay's end date later, with the reason and who approved it; kept as history."""
    _require_stay_manager(actor, placement)
    lock_for_change(placement)
    if placement.exited_on is not None:
        raise InvalidTransition(gettext("This stay has ended; it can't be extended."))
    if placement.expected_end_on is None:
        raise InvalidTransition(gettext("Long-term housing has no end date to extend."))
    if new_end_on <= placement.expected_end_on:
        raise InvalidInput.field(
            "new_end_on",
            gettext("Choose a date after the current end, %(day)s.", day=placement.expected_end_on),
        )
    if new_end_on > placement.expected_end_on + MOST_ONE_EXTENSION_ADDS:
        raise InvalidInput.field(
            "new_end_on",
            gettext(
                "An extension adds at most %(days)s days; record another one later if the stay must go on.",
                days=MOST_ONE_EXTENSION_ADDS.days,
            ),
        )
    reason, approved_by = reason.strip(), approved_by.strip()
    if not reason:
        raise InvalidInput.field("reason", gettext("Say why the stay is extended."))
    if not approved_by:
        raise InvalidInput.field("approved_by", gettext("Say who approved the extension."))
    tier_limit = Tier(placement.tier).default_stay_limit_days or 0
    extension = Extension(
        placement_id=placement.id,
        previous_end_on=placement.expected_end_on,
        new_end_on=new_end_on,
        reason=reason,
        approved_by=approved_by,
        recorded_by_id=actor.signed_in_user.id,
        beyond_tier_limit=(new_end_on - placement.episode_starts_on).days > tier_limit,
        recorded_at=now,
    )
    placement.expected_end_on = new_end_on
    placement.booking.ends_on = new_end_on
    flush_booking()
    db.session.add(extension)
    db.session.flush()
    resolve_stale_stay_flags(now, [placement.id])
    audit.record(
        actor,
        "placement.extend",
        "placement",
        placement.id,
        {"beyond_tier_limit": extension.beyond_tier_limit},
        now=now,
    )
    return extension


def check_destination(destination: int, subsidy_type: int | None, text: str | None) -> None:
    if destination not in EXIT_DESTINATIONS:
        raise InvalidInput.field("destination", gettext("Not a HUD exit destination code (3.12)."))
    if destination == DESTINATION_NEEDING_SUBSIDY_TYPE:
        if subsidy_type not in RENTAL_SUBSIDY_TYPES:
            raise InvalidInput.field(
                "subsidy_type",
                gettext(
                    "Say which kind of ongoing subsidy helps pay the rent (HUD 3.12.A, for destination 435)."
                ),
            )
    elif subsidy_type is not None:
        raise InvalidInput.field("subsidy_type", gettext("Only destination 435 takes a subsidy type."))
    if destination == DESTINATION_NEEDING_TEXT and not (text or "").strip():
        raise InvalidInput.field(
            "destination_text", gettext("Say where (e.g. 'repatriated to home country').")
        )


def exit_stay(
    actor: Actor,
    placement: Placement,
    *,
    exited_on: date,
    destination: int,
    subsidy_type: int | None,
    destination_text: str | None,
    now: datetime,
    today: date,
) -> Placement:
    """Record the end of a stay: the bed is free from the exit date on. Nothing is deleted."""
    _require_stay_manager(actor, placement)
    lock_for_change(placement)
    if placement.exited_on is not None:
        raise InvalidTransition(gettext("This stay already ended on %(day)s.", day=placement.exited_on))
    if exited_on < placement.starts_on:
        raise InvalidInput.field(
            "exited_on",
            gettext("The stay began on %(day)s; the exit can't be earlier.", day=placement.starts_on),
        )
    if exited_on > today:
        raise InvalidInput.field(
            "exited_on", gettext("Record an exit once it has happened (today or earlier).")
        )
    check_destination(destination, subsidy_type, destination_text)
    record_exit(actor, placement, exited_on, destination, subsidy_type, destination_text)
    resolve_stale_stay_flags(now, [placement.id])
    audit.record(actor, "placement.exit", "placement", placement.id, {"destination": destination}, now=now)
    return placement


def record_exit(
    actor: Actor,
    placement: Placement,
    exited_on: date,
    destination: int,
    subsidy: int | None,
    text: str | None,
) -> None:
    placement.exited_on = exited_on
    placement.destination = destination
    placement.subsidy_type = subsidy
    placement.destination_text = (text or "").strip() or None
    placement.exit_recorded_by_id = actor.user_id
    booking = placement.booking
    booking.ends_on = exited_on
    # A stay that ended the day it began used no night; it no longer claims the space.
    booking.active = exited_on > booking.starts_on
    flush_booking()


@dataclass(frozen=True)
class StayProgress:
    """Where a stay stands against its limit (day 1 is the first night)."""

    day: int
    limit_days: int | None
    days_left: int | None
    ends_on: date | None


def progress(placement: Placement, today: date) -> StayProgress:
    """Days used and left, counted from the first night of the episode (moves keep the clock)."""
    first_night = placement.episode_starts_on
    last_day = placement.exited_on or today
    day = max((last_day - first_night).days + (0 if placement.exited_on else 1), 0)
    if placement.expected_end_on is None:
        return StayProgress(day, None, None, None)
    total = (placement.expected_end_on - first_night).days
    days_left = None if placement.exited_on else (placement.expected_end_on - today).days
    return StayProgress(day, total, days_left, placement.expected_end_on)


def arrivals(actor: Actor, site: Site, today: date, days: int) -> list[Hold]:
    """Holds at the site whose arrival is due within `days` days (the site's staff)."""
    if not manages_site(actor, site):
        raise Forbidden(gettext("Only the site's own staff see who is coming."))
    expected = list(
        db.session.scalars(
            select(Hold)
            .where(
                Hold.site_id == site.id,
                Hold.status == HoldStatus.HELD,
                Hold.starts_on <= today + timedelta(days=days),
            )
            .order_by(Hold.starts_on, Hold.expires_at)
        )
    )
    audit.record_reads(actor, [hold.client_id for hold in expected], "arrivals")
    return expected


def extensions_beyond_limit(actor: Actor) -> list[Extension]:
    """Extensions past the tier's limit, for reporting (admins; case managers for their clients)."""
    query = select(Extension).where(Extension.beyond_tier_limit).order_by(Extension.recorded_at.desc())
    if not actor.is_admin:
        if actor.role != Role.CASE_MANAGER:
            raise Forbidden(gettext("Reports are for admins and case managers."))
        query = (
            query.join(Placement)
            .join(Client, Client.id == Placement.client_id)
            .where(clients_visible_to(actor))
        )
    return list(db.session.scalars(query.limit(1000)))
