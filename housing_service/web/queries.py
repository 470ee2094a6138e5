"""Read-only queries the pages need and the services don't offer. No writes, no rules.

Callers decide who may see what (with `services.access`) before calling these.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Booking,
    Hold,
    HoldStatus,
    Placement,
    Site,
    Space,
    TransitionPlan,
    User,
)


class SpaceState(StrEnum):
    FREE = "free"
    HELD = "held"
    OCCUPIED = "occupied"
    OUT_OF_SERVICE = "out_of_service"


STATE_LABELS = {
    SpaceState.FREE: _l("Free"),
    SpaceState.HELD: _l("Held"),
    SpaceState.OCCUPIED: _l("Occupied"),
    SpaceState.OUT_OF_SERVICE: _l("Out of service"),
}


@dataclass(frozen=True)
class SpaceRow:
    """A bed or unit tonight: who is in it or coming to it, and the next hold if any."""

    space: Space
    state: SpaceState
    stay: Placement | None
    hold: Hold | None  # a hold covering tonight
    next_hold: Hold | None  # the first hold from a later date

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def space_rows(site: Site, today: date) -> list[SpaceRow]:
    """Each of the site's beds and units, with its state tonight, derived from holds and stays."""
    stays = {
        stay.space_id: stay
        for stay in db.session.scalars(
            select(Placement)
            .where(Placement.site_id == site.id, Placement.exited_on.is_(None))
            .options(selectinload(Placement.client))
        )
    }
    tonight: dict[int, Hold] = {}
    later: dict[int, Hold] = {}
    for hold in db.session.scalars(
        select(Hold)
        .join(Booking, Booking.id == Hold.booking_id)
        .where(Hold.site_id == site.id, Hold.status == HoldStatus.HELD, Booking.active)
        .order_by(Hold.starts_on, Hold.id)
        .options(selectinload(Hold.client))
    ):
        target = tonight if hold.starts_on <= today else later
        target.setdefault(hold.space_id, hold)
    rows = []
    for space in site.spaces:
        stay, hold = stays.get(space.id), tonight.get(space.id)
        if stay is not None:
            state = SpaceState.OCCUPIED
        elif hold is not None:
            state = SpaceState.HELD
        elif not space.in_service:
            state = SpaceState.OUT_OF_SERVICE
        else:
            state = SpaceState.FREE
        rows.append(SpaceRow(space, state, stay, hold, later.get(space.id)))
    return rows


def state_counts(rows: list[SpaceRow]) -> list[tuple[str, int]]:
    """('Free', 3), ('Held', 1) ... in a fixed order, leaving out states with none."""
    counts = Counter(row.state for row in rows)
    return [(STATE_LABELS[state], counts[state]) for state in SpaceState if counts[state]]


def current_stays(client_ids: list[int]) -> dict[int, Placement]:
    """The current stay of each of these survivors who has one."""
    if not client_ids:
        return {}
    rows = db.session.scalars(
        select(Placement)
        .where(Placement.client_id.in_(client_ids), Placement.exited_on.is_(None))
        .options(selectinload(Placement.site), selectinload(Placement.space))
    )
    return {stay.client_id: stay for stay in rows}


def current_holds(client_ids: list[int]) -> dict[int, list[Hold]]:
    """The holds still in force for each of these survivors, soonest first."""
    holds: dict[int, list[Hold]] = {}
    if not client_ids:
        return holds
    for hold in db.session.scalars(
        select(Hold)
        .where(Hold.client_id.in_(client_ids), Hold.status == HoldStatus.HELD)
        .order_by(Hold.starts_on, Hold.id)
        .options(selectinload(Hold.site), selectinload(Hold.space))
    ):
        holds.setdefault(hold.client_id, []).append(hold)
    return holds


def plans_of(stay_ids: list[int]) -> dict[int, TransitionPlan]:
    """The transition plan of each of these stays that has one, with its chosen place and hold."""
    if not stay_ids:
        return {}
    rows = db.session.scalars(
        select(TransitionPlan)
        .where(TransitionPlan.placement_id.in_(stay_ids))
        .options(selectinload(TransitionPlan.chosen_site), selectinload(TransitionPlan.hold))
    )
    return {plan.placement_id: plan for plan in rows}


def all_accounts() -> list[User]:
    """Every account, for the admins' list (active first, then by name)."""
    return list(
        db.session.scalars(
            select(User)
            .options(selectinload(User.organisation))
            .order_by(User.active.desc(), User.display_name)
        )
    )
