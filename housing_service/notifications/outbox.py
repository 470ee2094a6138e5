"""The outbox: messages written in the same transaction as what they tell about.

`notify` is the one call a producer makes. It writes, for each recipient and each channel
they chose, one row keyed by (what, person, channel): a job that runs twice, or two
processes at once, write it once; a rollback takes it away with the flag it was about.
Delivery happens later (delivery.py), after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..db import count_inserted, insert_ignoring_duplicates
from ..extensions import db
from ..i18n import words_of
from ..models import CaseTeamMember, Client, Flag, FlagKind, Hold, Referral, Role, Site, User
from . import channels, messages, preferences
from .kinds import FLAG_KINDS, URGENT_KINDS, Channel, DeliveryStatus, NotificationKind, kinds_for
from .messages import Message
from .models import NotificationSettings, OutboxMessage

Compose = Message | Callable[[User], Message | None]


def notify(
    kind: NotificationKind, recipient_ids: Iterable[int], compose: Compose, *, key: str, now: datetime
) -> int:
    """Tell these people about one thing, by the channels each chose; return the rows written.

    `compose` is the message, or a function giving each recipient theirs (a client code
    only to those who may see it). `key` names the thing (e.g. "flag:42"): the same key
    never makes a second message to the same person by the same channel.
    """
    ids = sorted(set(recipient_ids))
    if not ids:
        return 0
    people = list(db.session.scalars(select(User).where(User.id.in_(ids), User.active)))
    chosen = preferences.choices_of(people)
    settings = {
        s.user_id: s
        for s in db.session.scalars(select(NotificationSettings).where(NotificationSettings.user_id.in_(ids)))
    }
    zone = current_app.config["COALITION_TIMEZONE"]
    rows = []
    for person in people:
        if kind not in kinds_for(person.role):
            continue
        message = compose(person) if callable(compose) else compose
        if message is None:
            continue
        for channel in sorted(chosen[person.id][kind]):
            if not channels.can_reach(person, settings.get(person.id), channel):
                continue
            quiet_end = None
            if channel != Channel.IN_APP and kind not in URGENT_KINDS:
                quiet_end = preferences.quiet_hours_end(settings.get(person.id), now, zone)
            in_app = channel == Channel.IN_APP
            rows.append(
                {
                    "key": f"{key}:user:{person.id}:{channel.value}",
                    "kind": kind,
                    "channel": channel,
                    "user_id": person.id,
                    "subject": message.subject,
                    "body": message.for_channel(channel),
                    "link": message.link,
                    "created_at": now,
                    # An in-app note is delivered by being stored.
                    "status": DeliveryStatus.SENT if in_app else DeliveryStatus.PENDING,
                    "sent_at": now if in_app else None,
                    "attempts": 0,
                    "next_attempt_at": quiet_end or now,
                }
            )
    if not rows:
        return 0
    return count_inserted(
        db.session, insert_ignoring_duplicates(db.session, OutboxMessage.__table__).values(rows)
    )


def notify_flags_raised(run_id: int | None, now: datetime) -> int:
    """Tell the right people about the flags a job run raised, in the run's own transaction."""
    if run_id is None:
        return 0
    flags = list(
        db.session.scalars(
            select(Flag)
            .where(Flag.job_run_id == run_id)
            .options(selectinload(Flag.hold), selectinload(Flag.site), selectinload(Flag.placement))
            .order_by(Flag.id)
        )
    )
    zone = current_app.config["COALITION_TIMEZONE"]
    written = 0
    for flag in flags:
        recipients, code_readers = _recipients(flag)
        code = (
            db.session.scalar(select(Client.code).where(Client.id == flag.client_id))
            if flag.client_id
            else None
        )

        def compose(
            person: User, flag: Flag = flag, code: str | None = code, readers: set[int] = code_readers
        ) -> Message | None:
            return messages.about_flag(flag, person, code if person.id in readers else None, zone)

        written += notify(FLAG_KINDS[flag.kind], recipients, compose, key=f"flag:{flag.id}", now=now)
    return written


def _recipients(flag: Flag) -> tuple[set[int], set[int]]:
    """Who is told about a flag, and which of them may read the survivor's client code."""
    if flag.kind in (FlagKind.HOLD_EXPIRING, FlagKind.HOLD_EXPIRED) and flag.hold_id is not None:
        holder = db.session.scalar(select(Hold.held_by_id).where(Hold.id == flag.hold_id))
        told = {holder} if holder else set()
        if flag.kind == FlagKind.HOLD_EXPIRED and flag.site_id is not None:
            told |= _site_staff(flag.site_id)
        return told, {holder} if holder else set()
    if flag.kind == FlagKind.STALE_AVAILABILITY and flag.site_id is not None:
        return _site_staff(flag.site_id), set()
    if flag.kind == FlagKind.REFERRAL_WAITING and flag.site_id is not None:
        return _site_staff(flag.site_id), set()
    if flag.kind == FlagKind.REFERRAL_UNANSWERED and flag.referral_id is not None:
        sender = db.session.scalar(select(Referral.requested_by_id).where(Referral.id == flag.referral_id))
        admins = set(db.session.scalars(select(User.id).where(User.role == Role.ADMIN, User.active)))
        return admins | _site_staff(flag.site_id) | ({sender} if sender else set()), set()
    if flag.client_id is None:
        return set(), set()
    case_manager = db.session.scalar(select(Client.case_manager_id).where(Client.id == flag.client_id))
    team = set(
        db.session.scalars(select(CaseTeamMember.user_id).where(CaseTeamMember.client_id == flag.client_id))
    )
    case_team = ({case_manager} if case_manager else set()) | team
    if flag.kind in (FlagKind.PLAN_STEP_OVERDUE, FlagKind.MOVE_WITHOUT_CHOICE):
        return ({case_manager} if case_manager else set()), case_team
    return case_team, case_team


def notify_referral_sent(referral_id: int, site_id: int, now: datetime) -> int:
    """The site's staff are told at once: a household may be waiting in a car."""
    link = messages.REFERRAL_PAGE.format(id=referral_id)
    return notify(
        NotificationKind.REFERRAL,
        _site_staff(site_id),
        lambda person: messages.referral(answered=False, link=link, words=words_of(person)),
        key=f"referral:{referral_id}:sent",
        now=now,
    )


def notify_referral_answered(referral_id: int, sender_id: int, now: datetime) -> int:
    """The advocate who sent it learns the answer (what it is, on the page)."""
    link = messages.REFERRAL_PAGE.format(id=referral_id)
    return notify(
        NotificationKind.REFERRAL,
        {sender_id},
        lambda person: messages.referral(answered=True, link=link, words=words_of(person)),
        key=f"referral:{referral_id}:answered",
        now=now,
    )


def _site_staff(site_id: int) -> set[int]:
    organisation = select(Site.organisation_id).where(Site.id == site_id).scalar_subquery()
    return set(
        db.session.scalars(
            select(User.id).where(
                User.role == Role.PARTNER, User.active, User.organisation_id == organisation
            )
        )
    )
