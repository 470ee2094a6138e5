"""Stay episodes: a survivor's continuous time in one tier, and the one clock it keeps.

A bed move, a transfer to another site of the same tier, and a return before the episode's
end date all continue the episode: the tier's limit and the move-by date count from its first
night. Only a real break (a return once the episode's end date has passed) starts a new one on
its own; earlier, a case manager may start one, with a recorded reason that is reported.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext
from sqlalchemy import select, update

from ..db import lock_for_change
from ..errors import Conflict, Forbidden, InvalidInput, InvalidTransition
from ..extensions import db
from ..models import Client, Flag, Placement, Role, StayEpisode, TransitionPlan
from ..vocabulary import Tier
from . import audit
from .access import clients_visible_to, works_case
from .actor import Actor
from .flags import resolve_stale_stay_flags
from .holds import flush_booking


def stay_to_continue(client_id: int, tier: Tier, first_night: date) -> Placement | None:
    """The survivor's latest stay in `tier` whose episode a stay from `first_night` continues.

    A current stay, or one whose end date is still ahead of the first night (a return before
    the clock ran out), passes on its episode, its end date and its limit.
    """
    latest = db.session.scalar(
        select(Placement)
        .where(Placement.client_id == client_id, Placement.tier == tier, Placement.starts_on <= first_night)
        .order_by(Placement.starts_on.desc(), Placement.id.desc())
        .limit(1)
    )
    if latest is None:
        return None
    if tier == Tier.LONG_TERM:
        return latest if latest.exited_on is None else None
    if latest.expected_end_on is not None and latest.expected_end_on > first_night:
        return latest
    if latest.exited_on is None:
        # Past its end with no exit: the clock has run out; the move is the case team's to settle.
        raise InvalidTransition(
            gettext(
                "This survivor's time in %(tier)s housing ended on %(day)s (first night %(first)s); record"
                " an extension of the current stay, or a case manager starts a new episode with its reason,"
                " before the survivor changes place.",
                tier=tier.value.replace("_", " "),
                day=latest.expected_end_on,
                first=latest.episode.starts_on,
            ),
            {"placement_id": [gettext("Stay %(stay)s is past its end date.", stay=latest.id)]},
        )
    return None


def carry_over(previous: Placement, following: Placement) -> None:
    """The survivor's open flags and transition plan follow them to their next bed in the episode."""
    db.session.execute(
        update(Flag)
        .where(Flag.placement_id == previous.id, Flag.resolved_at.is_(None))
        .values(placement_id=following.id, site_id=following.site_id),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        update(TransitionPlan)
        .where(TransitionPlan.placement_id == previous.id)
        .values(placement_id=following.id),
        execution_options={"synchronize_session": False},
    )


def start_new_episode(actor: Actor, placement: Placement, reason: str, now: datetime) -> StayEpisode:
    """The case manager starts the clock again from this stay's first night, with the reason."""
    if not (actor.is_admin or (actor.role == Role.CASE_MANAGER and works_case(actor, placement.client))):
        raise Forbidden(gettext("Only the survivor's case manager or an admin starts a new episode."))
    lock_for_change(placement)
    reason = reason.strip()
    if not reason:
        raise InvalidInput.field(
            "reason", gettext("Say why a new episode starts (e.g. a return after own housing).")
        )
    if placement.exited_on is not None:
        raise InvalidTransition(
            gettext(
                "This stay ended on %(day)s; a new episode starts with a current stay.",
                day=placement.exited_on,
            )
        )
    if placement.tier == Tier.LONG_TERM:
        raise InvalidTransition(gettext("Long-term housing has no limit; there is no clock to start again."))
    previous = placement.episode
    if previous.starts_on >= placement.starts_on:
        raise Conflict(
            gettext(
                "This stay's episode already begins with its first night (%(day)s).", day=placement.starts_on
            ),
            {"placement_id": [gettext("Already a new episode.")]},
        )
    episode = StayEpisode(
        client_id=placement.client_id,
        tier=placement.tier,
        starts_on=placement.starts_on,
        restart_reason=reason,
        restarted_by_id=actor.signed_in_user.id,
        previous_episode_id=previous.id,
        created_at=now,
    )
    db.session.add(episode)
    placement.episode = episode
    new_end = placement.starts_on + timedelta(days=placement.site.stay_limit_days or 0)
    placement.stay_limit_days = placement.site.stay_limit_days
    placement.expected_end_on = new_end
    placement.booking.ends_on = new_end
    flush_booking()
    resolve_stale_stay_flags(now, [placement.id])
    audit.record(
        actor, "placement.new_episode", "placement", placement.id, {"episode_id": episode.id}, now=now
    )
    return episode


def restarted_episodes(actor: Actor) -> list[StayEpisode]:
    """Episodes a case manager started again with a reason, for reporting (like extensions)."""
    query = (
        select(StayEpisode)
        .where(StayEpisode.restart_reason.is_not(None))
        .order_by(StayEpisode.created_at.desc(), StayEpisode.id.desc())
    )
    if not actor.is_admin:
        if actor.role != Role.CASE_MANAGER:
            raise Forbidden(gettext("Reports are for admins and case managers."))
        query = query.join(Client, Client.id == StayEpisode.client_id).where(clients_visible_to(actor))
    return list(db.session.scalars(query.limit(1000)))
