"""Changing a survivor's bed or unit within a tier, and taking back a mistaken check-in.

A move keeps the stay episode: days used, the tier's limit and the move-by date go on from the
first night in the tier, while the receiving site's own limit still bounds the nights there.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext
from sqlalchemy import delete, exists, select

from ..db import lock_for_change
from ..errors import Conflict, Forbidden, InvalidInput, InvalidTransition
from ..extensions import db
from ..models import (
    Extension,
    Flag,
    HoldStatus,
    Placement,
    Site,
    Space,
    SuggestionDecision,
    TransitionPlan,
)
from ..vocabulary import Tier
from . import audit, episodes
from .access import manages_site, works_case
from .actor import Actor
from .holds import book, check_fit, flush_booking, require_no_overdue_stay
from .placements import start_placement

# Long enough to notice a check-in made for the wrong survivor or bed, short enough that
# nothing has been built on the stay yet.
UNDO_CHECK_IN_WITHIN = timedelta(minutes=15)


def move(
    actor: Actor, placement: Placement, *, space_id: int, reason: str, now: datetime, today: date
) -> Placement:
    """Move the survivor to another bed or unit of the same tier from tonight; the episode goes on."""
    if not (manages_site(actor, placement.site) or works_case(actor, placement.client)):
        raise Forbidden(gettext("Only the site's staff or the survivor's case team may move this stay."))
    lock_for_change(placement)
    if placement.exited_on is not None:
        raise InvalidTransition(
            gettext("This stay ended on %(day)s; only a current stay can move.", day=placement.exited_on),
            {"placement_id": [gettext("Stay ended.")]},
        )
    reason = reason.strip()
    if not reason:
        raise InvalidInput.field("reason", gettext("Say why the survivor changes bed or unit."))
    space = db.session.get(Space, space_id)
    if space is None:
        raise InvalidInput.field("space_id", gettext("No bed or unit has this id."))
    if space.id == placement.space_id:
        raise Conflict(
            gettext("The survivor already stays in this bed or unit."),
            {"space_id": [gettext("Current bed.")]},
        )
    site = space.site
    if site.tier != placement.tier:
        raise InvalidInput.field(
            "space_id",
            gettext(
                "A move stays in %(tier)s housing; to move on to %(other)s housing, hold a place there.",
                tier=Tier(placement.tier).value.replace("_", " "),
                other=Tier(site.tier).value.replace("_", " "),
            ),
        )
    if site.id != placement.site_id and not manages_site(actor, site):
        # The receiving site takes the survivor in: its staff decide (a confidential site screens
        # who comes). The case team holds a place there instead, and the site checks them in.
        raise Forbidden(
            gettext("A move to another site is made by that site's own staff; hold a place there instead.")
        )
    if placement.expected_end_on is not None and placement.expected_end_on <= today:
        raise InvalidTransition(
            gettext(
                "This stay passed its end date (%(day)s); record an extension or the exit first.",
                day=placement.expected_end_on,
            ),
            {"placement_id": [gettext("Past its end date.")]},
        )
    check_fit(placement.client, space)
    require_no_overdue_stay(space, today)
    ends_on = None
    if placement.expected_end_on is not None:
        ends_on = placement.expected_end_on
        if site.id != placement.site_id and site.stay_limit_days:
            ends_on = min(ends_on, today + timedelta(days=site.stay_limit_days))
    booking = book(space, placement.client, today, ends_on)
    moved = start_placement(actor, placement.client, space, booking, None, now, today, move_reason=reason)
    audit.record(actor, "placement.move", "placement", moved.id, {"from_placement_id": placement.id}, now=now)
    return moved


def move_options(actor: Actor, placement: Placement) -> list[Space]:
    """Beds and units this person could move the survivor to: in service, at the stay's site, or
    (for a site's staff) at another site of the same tier of their own organisation."""
    sites = [placement.site_id]
    if actor.is_partner:
        sites_of_organisation = select(Site.id).where(
            Site.organisation_id == actor.organisation_id, Site.tier == placement.tier, Site.active
        )
        sites.extend(db.session.scalars(sites_of_organisation))
    return list(
        db.session.scalars(
            select(Space)
            .join(Site, Site.id == Space.site_id)
            .where(Space.site_id.in_(sites), Space.in_service, Space.id != placement.space_id)
            .order_by(Site.id != placement.site_id, Site.name, Space.label)
        )
    )


def undo_check_in(actor: Actor, placement: Placement, now: datetime) -> None:
    """Take back a check-in made by mistake: the hold is held again and the stay is gone."""
    if not manages_site(actor, placement.site):
        raise Forbidden(gettext("Only the site's own staff undo a check-in."))
    lock_for_change(placement)
    hold = placement.hold
    if hold is None:
        raise Conflict(
            gettext("This stay did not begin with a check-in; record its exit instead."),
            {"placement_id": [gettext("Not a check-in.")]},
        )
    if now - placement.created_at > UNDO_CHECK_IN_WITHIN:
        raise Conflict(
            gettext(
                "A check-in can be undone within %(minutes)s minutes; record the exit instead.",
                minutes=UNDO_CHECK_IN_WITHIN.seconds // 60,
            ),
            {"placement_id": [gettext("Too late to undo.")]},
        )
    if placement.exited_on is not None:
        raise InvalidTransition(gettext("This stay already ended on %(day)s.", day=placement.exited_on))
    built_on = (
        exists().where(Extension.placement_id == placement.id),
        exists().where(SuggestionDecision.placement_id == placement.id),
        exists().where(Placement.previous_placement_id == placement.id),
    )
    previous = placement.previous_placement
    same_episode = previous is not None and previous.episode_id == placement.episode_id
    if not same_episode:
        # A plan carried over from the stay before goes back with it; one made since blocks the undo.
        built_on += (exists().where(TransitionPlan.placement_id == placement.id),)
    if any(db.session.scalar(select(condition)) for condition in built_on):
        raise Conflict(
            gettext("Something was recorded on this stay since the check-in; record its exit instead."),
            {"placement_id": [gettext("Stay in use.")]},
        )
    if previous is not None:
        # The check-in ended the survivor's stay before: it goes on as if nothing happened.
        previous.booking.ends_on = previous.expected_end_on
        previous.booking.active = True
        flush_booking()  # a bed taken since: 409, nothing changes
        if same_episode:
            episodes.carry_over(placement, previous)
    db.session.execute(delete(Flag).where(Flag.placement_id == placement.id))
    hold.status = HoldStatus.HELD
    hold.ended_at = None
    hold.ended_by_id = None
    episode, placement_id = placement.episode, placement.id
    db.session.delete(placement)
    db.session.flush()
    if previous is not None:
        previous.exited_on = None
        previous.destination = None
        previous.subsidy_type = None
        previous.destination_text = None
        previous.exit_recorded_by_id = None
    if not db.session.scalar(select(exists().where(Placement.episode_id == episode.id))):
        db.session.delete(episode)
    db.session.flush()
    audit.record(actor, "placement.undo_check_in", "placement", placement_id, {"hold_id": hold.id}, now=now)
