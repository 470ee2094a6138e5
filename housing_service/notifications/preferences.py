"""Each person's choice of channels per kind, their quiet hours, and their role's defaults."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import delete, select

from ..errors import InvalidInput
from ..extensions import db
from ..models import Role, User
from ..services import audit
from ..services.actor import Actor
from .kinds import CHANNELS_OF, ROLE_DEFAULTS, Channel, NotificationKind, kinds_for
from .models import NotificationChoice, NotificationSettings


def settings_of(user_id: int) -> NotificationSettings | None:
    return db.session.get(NotificationSettings, user_id)


def settings_for_change(user_id: int) -> NotificationSettings:
    """The person's settings row, created on first use."""
    settings = settings_of(user_id)
    if settings is None:
        settings = NotificationSettings(user_id=user_id, pending_code_attempts=0)
        db.session.add(settings)
    return settings


def role_default(role: Role, kind: NotificationKind) -> frozenset[Channel]:
    return ROLE_DEFAULTS[role][kind]


def choices_of(users: Iterable[User]) -> dict[int, dict[NotificationKind, frozenset[Channel]]]:
    """Every kind's channels for each person: their own choice, else their role's default."""
    people = list(users)
    chosen: dict[int, dict[NotificationKind, frozenset[Channel]]] = {
        user.id: dict(ROLE_DEFAULTS[user.role]) for user in people
    }
    if people:
        for row in db.session.scalars(
            select(NotificationChoice).where(NotificationChoice.user_id.in_([u.id for u in people]))
        ):
            chosen[row.user_id][row.kind] = row.channels & CHANNELS_OF[row.kind]
    return chosen


def choose(
    actor: Actor, choices: Mapping[NotificationKind, Iterable[Channel]], now: datetime
) -> dict[NotificationKind, frozenset[Channel]]:
    """Keep the person's choices; a kind left out keeps what it was."""
    user = actor.signed_in_user
    for kind, channels in choices.items():
        if kind not in kinds_for(user.role):
            raise InvalidInput.field(f"choices.{kind.value}", gettext("This kind is for admins only."))
        wanted = frozenset(channels)
        if refused := wanted - CHANNELS_OF[kind]:
            names = ", ".join(sorted(c.value for c in refused))
            raise InvalidInput.field(
                f"choices.{kind.value}", gettext("This kind can't be sent by %(channels)s.", channels=names)
            )
    for kind, channels in choices.items():
        db.session.execute(
            delete(NotificationChoice).where(
                NotificationChoice.user_id == user.id, NotificationChoice.kind == kind
            )
        )
        db.session.add(NotificationChoice(user_id=user.id, kind=kind, channels=frozenset(channels)))
    db.session.flush()
    audit.record(actor, "notifications.choose", "user", user.id, {"kinds": sorted(choices)}, now=now)
    return choices_of([user])[user.id]


def set_quiet_hours(actor: Actor, quiet_from: time | None, quiet_until: time | None, now: datetime) -> None:
    """Hours (in the coalition's time zone) when e-mails and texts wait, except urgent ones."""
    if (quiet_from is None) != (quiet_until is None):
        missing = "quiet_until" if quiet_until is None else "quiet_from"
        raise InvalidInput.field(
            missing, gettext("Give both the start and the end of your quiet hours, or neither.")
        )
    if quiet_from is not None and quiet_from == quiet_until:
        raise InvalidInput.field(
            "quiet_until", gettext("Quiet hours must end at another time than they start.")
        )
    settings = settings_for_change(actor.signed_in_user.id)
    settings.quiet_from, settings.quiet_until = quiet_from, quiet_until
    db.session.flush()
    audit.record(actor, "notifications.quiet_hours", "user", actor.user_id, now=now)


def quiet_hours_end(settings: NotificationSettings | None, now: datetime, zone: str) -> datetime | None:
    """When the person's quiet hours end, if `now` falls in them (they may span midnight)."""
    if settings is None or settings.quiet_from is None or settings.quiet_until is None:
        return None
    local = now.astimezone(ZoneInfo(zone))
    start, end, moment = settings.quiet_from, settings.quiet_until, local.time()
    inside = start <= moment < end if start < end else moment >= start or moment < end
    if not inside:
        return None
    ends = datetime.combine(local.date(), end, tzinfo=local.tzinfo)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.astimezone(now.tzinfo)
