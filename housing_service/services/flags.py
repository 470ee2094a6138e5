"""Flags: what needs someone's attention, why, and by when. Raised by the scheduler's jobs.

Reading a flag answers three questions in plain words: what (the title), why (the
reason, with the numbers), and the date by which to act.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.orm import selectinload

from ..errors import Forbidden, NotFound
from ..extensions import db
from ..i18n import current_words
from ..models import Client, Flag, FlagKind, Hold, HoldStatus, Placement, PlanStep, Role, Site, TransitionPlan
from ..plain_words import day_text, moment_text
from ..translation import Words
from ..vocabulary import Tier
from . import audit
from .access import clients_visible_to
from .actor import Actor

STAY_FLAG_KINDS = (FlagKind.NEARING_LIMIT, FlagKind.OVER_LIMIT)
# What a site's staff act on: stays past their end (an exit or an extension to record) and
# holds at their sites, and their availability. Planning the move before a stay ends
# ("nearing its end"), and a survivor's transition plan, are the case team's alone: a site's
# "I'm on it" there would tell the case manager that someone else is planning the move.
SITE_STAFF_FLAG_KINDS = (
    FlagKind.OVER_LIMIT,
    FlagKind.HOLD_EXPIRING,
    FlagKind.HOLD_EXPIRED,
    FlagKind.STALE_AVAILABILITY,
    FlagKind.REFERRAL_WAITING,
    FlagKind.REFERRAL_UNANSWERED,
)


def visible_to(actor: Actor) -> ColumnElement[bool]:
    """SQL filter on Flag: case teams see their clients' flags, partners their sites'."""
    if actor.is_admin:
        return Flag.id.is_not(None)
    if actor.is_partner:
        own_sites = select(Site.id).where(Site.organisation_id == actor.organisation_id)
        return Flag.site_id.in_(own_sites) & Flag.kind.in_(SITE_STAFF_FLAG_KINDS)
    own_clients = Flag.client_id.in_(select(Client.id).where(clients_visible_to(actor)))
    if actor.role == Role.ADVOCATE:
        own_holds = Flag.hold_id.in_(select(Hold.id).where(Hold.held_by_id == actor.user_id))
        return or_(own_clients, own_holds)
    return own_clients


def list_flags(
    actor: Actor, *, open_only: bool, kind: FlagKind | None, page: int, per_page: int
) -> tuple[list[Flag], int]:
    if actor.role is None:
        raise Forbidden(gettext("Sign in first."))
    query = select(Flag).where(visible_to(actor))
    if open_only:
        query = query.where(Flag.resolved_at.is_(None))
    if kind is not None:
        query = query.where(Flag.kind == kind)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    flags = list(
        db.session.scalars(
            query.order_by(Flag.act_by.is_(None), Flag.act_by, Flag.raised_at.desc(), Flag.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    audit.record_reads(actor, [c for c in map(client_id_of, flags) if c is not None], "flags")
    return flags, total


def open_flags_of_clients(actor: Actor, client_ids: list[int]) -> dict[int, list[Flag]]:
    """The open flags this person may see about each of these survivors, soonest 'act by' first."""
    if not client_ids:
        return {}
    found: dict[int, list[Flag]] = {}
    for flag in db.session.scalars(
        select(Flag)
        .where(Flag.client_id.in_(client_ids), Flag.resolved_at.is_(None), visible_to(actor))
        .order_by(Flag.act_by.is_(None), Flag.act_by, Flag.raised_at.desc(), Flag.id)
        .options(selectinload(Flag.acknowledged_by))
    ):
        found.setdefault(flag.client_id, []).append(flag)  # type: ignore[arg-type]
    audit.record_reads(actor, list(found), "flags")
    return found


def client_id_of(flag: Flag) -> int | None:
    """The survivor a flag is about (through its stay or hold), if any."""
    if flag.client_id is not None:
        return flag.client_id
    if flag.placement is not None:
        return flag.placement.client_id
    return flag.hold.client_id if flag.hold is not None else None


def get_flag(actor: Actor, flag_id: int) -> Flag:
    flag = db.session.scalar(select(Flag).where(Flag.id == flag_id, visible_to(actor)))
    if flag is None:
        raise NotFound(gettext("No flag you may see has this id."))
    return flag


def acknowledge(actor: Actor, flag: Flag, note: str | None, now: datetime) -> Flag:
    """Say that someone is on it. The flag stays open until its cause is dealt with.

    The person already on it may add or change their note: they keep the time they took it on.
    """
    person = actor.signed_in_user.id
    if flag.acknowledged_at is None or flag.acknowledged_by_id != person:
        flag.acknowledged_at = now
        flag.acknowledged_by_id = person
    flag.acknowledgement_note = (note or "").strip() or None
    db.session.flush()
    audit.record(actor, "flag.acknowledge", "flag", flag.id, now=now)
    return flag


# Resolving: a flag closes itself when what it warned about is no longer true ---------------


def _resolve(now: datetime, *conditions: ColumnElement[bool]) -> int:
    statement = update(Flag).where(Flag.resolved_at.is_(None), *conditions).values(resolved_at=now)
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount or 0


def _only(column: ColumnElement[int | None], ids: Iterable[int] | None) -> list[ColumnElement[bool]]:
    return [] if ids is None else [column.in_(list(ids))]


def resolve_stale_stay_flags(now: datetime, placement_ids: Iterable[int] | None = None) -> int:
    """Close stay flags whose stay ended, or whose end date moved (extended past them)."""
    no_longer_true = exists().where(
        Placement.id == Flag.placement_id,
        or_(Placement.exited_on.is_not(None), Placement.expected_end_on.is_distinct_from(Flag.subject_on)),
    )
    return _resolve(
        now, Flag.kind.in_(STAY_FLAG_KINDS), no_longer_true, *_only(Flag.placement_id, placement_ids)
    )


def resolve_planned_moves(now: datetime, placement_ids: Iterable[int] | None = None) -> int:
    """Close 'stay nearing its end' flags once the survivor chose their next place and it is held:
    the move they asked for is planned. (Past its end, the stay is flagged again all the same.)"""
    place_held = exists().where(
        TransitionPlan.placement_id == Flag.placement_id,
        TransitionPlan.chosen_site_id.is_not(None),
        Hold.id == TransitionPlan.hold_id,
        Hold.status == HoldStatus.HELD,
    )
    return _resolve(
        now, Flag.kind == FlagKind.NEARING_LIMIT, place_held, *_only(Flag.placement_id, placement_ids)
    )


def resolve_hold_flags(now: datetime, hold_ids: Iterable[int] | None = None) -> int:
    """Close 'hold ends soon' flags of holds that were checked in, released or expired."""
    ended = exists().where(Hold.id == Flag.hold_id, Hold.status != "held")
    return _resolve(now, Flag.kind == FlagKind.HOLD_EXPIRING, ended, *_only(Flag.hold_id, hold_ids))


def resolve_freshness_flags(now: datetime, site_ids: Iterable[int] | None = None) -> int:
    """Close 'confirm availability' flags of sites confirmed since the flag was raised, or closed."""
    confirmed_since = and_(
        Site.availability_confirmed_at.is_not(None), Site.availability_confirmed_at > Flag.raised_at
    )
    confirmed_or_closed = exists().where(Site.id == Flag.site_id, or_(~Site.active, confirmed_since))
    return _resolve(
        now, Flag.kind == FlagKind.STALE_AVAILABILITY, confirmed_or_closed, *_only(Flag.site_id, site_ids)
    )


def resolve_plan_flags(now: datetime) -> int:
    """Close plan flags once the step is done (or its date moved), or an option was chosen."""
    stay_ended = exists().where(Placement.id == Flag.placement_id, Placement.exited_on.is_not(None))
    step_settled = exists().where(
        PlanStep.id == Flag.plan_step_id,
        or_(PlanStep.status.in_(["done", "not_needed"]), PlanStep.due_on.is_distinct_from(Flag.subject_on)),
    )
    choice_made = exists().where(
        TransitionPlan.placement_id == Flag.placement_id,
        or_(
            TransitionPlan.chosen_site_id.is_not(None),
            TransitionPlan.move_by.is_distinct_from(Flag.subject_on),
        ),
    )
    return _resolve(now, Flag.kind == FlagKind.PLAN_STEP_OVERDUE, or_(step_settled, stay_ended)) + _resolve(
        now, Flag.kind == FlagKind.MOVE_WITHOUT_CHOICE, or_(choice_made, stay_ended)
    )


# How a flag reads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagText:
    title: str
    reason: str


def describe(flag: Flag, stale_after_hours: int, zone: str, words: Words | None = None) -> FlagText:
    """What the flag is about and why, in plain words that stay true as the days pass.

    In `words`' language: the reader's (this request's, when not given).
    """
    words = words or current_words()
    if flag.kind in STAY_FLAG_KINDS and flag.placement is not None and flag.subject_on is not None:
        stay = flag.placement
        # Counted from the episode's first night: a bed move does not restart the clock.
        nights = (flag.subject_on - stay.episode_starts_on).days
        if flag.kind == FlagKind.OVER_LIMIT:
            return FlagText(
                words.gettext("Stay past its planned end"),
                words.gettext(
                    "The end of the %(nights)s-night stay at %(site)s was %(day)s."
                    " Record the exit, or an extension with its reason.",
                    nights=nights,
                    site=stay.site.name,
                    day=day_text(flag.subject_on, words),
                ),
            )
        next_place = {
            Tier.EMERGENCY: words.gettext("transitional housing"),
            Tier.TRANSITIONAL: words.gettext("long-term housing"),
        }.get(Tier(stay.tier), words.gettext("the next place"))
        return FlagText(
            words.gettext("Stay nearing its end"),
            words.gettext(
                "Flagged on day %(day)s of %(nights)s at %(site)s: plan the move to %(next_place)s by day"
                " %(nights)s, the last night (%(last_night)s).",
                day=nights - (flag.days_before or 0),
                nights=nights,
                site=stay.site.name,
                next_place=next_place,
                last_night=day_text(flag.subject_on - timedelta(days=1), words),
            ),
        )
    if flag.kind in (FlagKind.HOLD_EXPIRING, FlagKind.HOLD_EXPIRED) and flag.hold is not None:
        hold = flag.hold
        values = {
            "space": hold.space.label,
            "site": hold.site.name,
            "ends": moment_text(hold.expires_at, zone, words=words),
        }
        if flag.kind == FlagKind.HOLD_EXPIRED:
            return FlagText(
                words.gettext("Hold ended"),
                words.gettext(
                    "The hold on %(space)s at %(site)s ended at %(ends)s without a check-in; the bed is free"
                    " again.",
                    **values,
                ),
            )
        return FlagText(
            words.gettext("Hold ends soon"),
            words.gettext(
                "The hold on %(space)s at %(site)s ends at %(ends)s: check the survivor in, or release it.",
                **values,
            ),
        )
    if flag.kind == FlagKind.STALE_AVAILABILITY and flag.site is not None:
        return FlagText(
            words.gettext("Availability needs confirming"),
            words.ngettext(
                "%(site)s's beds were not confirmed in the last hour; confirm them so advocates can rely"
                " on the board.",
                "%(site)s's beds were not confirmed in the last %(num)s hours; confirm them so advocates"
                " can rely on the board.",
                stale_after_hours,
                site=flag.site.name,
            ),
        )
    if flag.kind == FlagKind.PLAN_STEP_OVERDUE:
        step = db.session.get(PlanStep, flag.plan_step_id) if flag.plan_step_id else None
        what = step.description if step else words.gettext("A step")
        due = (
            words.gettext("'%(step)s' was due on %(day)s.", step=what, day=day_text(flag.subject_on, words))
            if flag.subject_on
            else what
        )
        return FlagText(words.gettext("Plan step past its date"), due)
    if flag.kind in (FlagKind.REFERRAL_WAITING, FlagKind.REFERRAL_UNANSWERED) and flag.referral is not None:
        referral = flag.referral
        values = {
            "site": referral.site.name,
            "household": words.ngettext("one person", "%(num)s-person household", referral.household_size),
            "when": moment_text(referral.respond_by, zone, words=words),
        }
        if flag.kind == FlagKind.REFERRAL_UNANSWERED:
            return FlagText(
                words.gettext("Referral not answered in time"),
                words.gettext(
                    "A referral to %(site)s for %(household)s was not answered by %(when)s; the advocate"
                    " was told to look elsewhere.",
                    **values,
                ),
            )
        return FlagText(
            words.gettext("Referral waiting for an answer"),
            words.gettext("A referral to %(site)s for %(household)s needs an answer by %(when)s.", **values),
        )
    if flag.kind == FlagKind.ADDRESS_REVEALS_PAUSED and flag.user is not None:
        return FlagText(
            words.gettext("Confidential addresses paused for a staff member"),
            words.gettext(
                "%(person)s was shown the addresses of several confidential sites in a short time, and"
                " asked for another. Review the requests: resume addresses, or deactivate the account.",
                person=flag.user.display_name,
            ),
        )
    if flag.kind == FlagKind.MOVE_WITHOUT_CHOICE and flag.subject_on is not None:
        return FlagText(
            words.gettext("Move-by date near, no place chosen"),
            words.gettext(
                "The move is planned for %(day)s; the survivor has not chosen a place yet.",
                day=day_text(flag.subject_on, words),
            ),
        )
    return FlagText(flag.kind.value.replace("_", " ").capitalize(), "")
