"""Texts: confirming a person's phone number by a code, and partners updating beds by text.

Commands (case does not matter): `BEDS 3` sets tonight's free beds at the partner's one
site; `BEDS <site code> 3` at one of several (the code is the site's number, shown on its
page); `CONFIRM` (or `CONFIRM <site code>`) says the board is right as it is; `HELP`.
A count is carried out by taking beds out of service (or back in) so that exactly that many
are free tonight; beds someone holds or occupies are never touched, and a count that would
need one of them is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, not_, select
from sqlalchemy.exc import IntegrityError

from ..db import savepoint
from ..errors import Conflict, DomainError, InvalidInput
from ..extensions import db
from ..models import Role, Site, Space, User
from ..services import audit, inventory
from ..services.actor import Actor
from ..services.availability import space_is_free
from ..vocabulary import SpaceKind
from . import channels
from .models import InboundText, NotificationSettings
from .preferences import settings_for_change, settings_of

CODE_LIFETIME = timedelta(minutes=10)
CODE_TRIES = 5
OUT_OF_SERVICE_BY_TEXT = "Not free tonight (set by text)"
PHONE = re.compile(r"^\+[1-9][0-9]{7,14}$")

HELP = (
    "Text BEDS and the number of beds free tonight (BEDS 3), or BEDS, your site's code and the number "
    "(BEDS 12 3) if you have several sites. Text CONFIRM if nothing changed."
)
NEUTRAL = "Sorry, this number is not set up for this service."
NOT_UNDERSTOOD = "Sorry, that was not understood. Text HELP for what you can send."


def normalise_phone(raw: str) -> str:
    """A phone number in E.164 form (+15551234567), or InvalidInput."""
    phone = re.sub(r"[\s().-]", "", raw or "")
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    if not PHONE.match(phone):
        raise InvalidInput.field(
            "phone", gettext("Give the number with its country code, e.g. +1 555 123 4567.")
        )
    return phone


def sender_hash(phone: str) -> str:
    """A keyed hash of a sender's number: enough to throttle it, not to know it."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"sms-sender:{phone}".encode(), hashlib.sha256).hexdigest()


def _code_hash(user_id: int, phone: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"phone-code:{user_id}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


# Confirming a number ------------------------------------------------------------------------


def start_phone_confirmation(actor: Actor, raw_phone: str, now: datetime) -> None:
    """Send a code to the number; the number is used once the person types the code back."""
    user = actor.signed_in_user
    phone = normalise_phone(raw_phone)
    if not channels.sms_is_on():
        raise Conflict(gettext("Texting is not set up in this coalition, so a number can't be added yet."))
    taken = db.session.scalar(
        select(NotificationSettings.user_id).where(
            NotificationSettings.phone == phone, NotificationSettings.user_id != user.id
        )
    )
    if taken is not None:
        raise InvalidInput.field("phone", gettext("This number belongs to another account."))
    code = f"{secrets.randbelow(1_000_000):06d}"
    settings = settings_for_change(user.id)
    settings.pending_phone = phone
    settings.pending_code_hash = _code_hash(user.id, phone, code)
    settings.pending_code_expires_at = now + CODE_LIFETIME
    settings.pending_code_attempts = 0
    db.session.flush()
    audit.record(actor, "notifications.phone_code_sent", "user", user.id, now=now)
    try:
        channels.send_text(phone, f"housing_service: your code is {code}. It works for 10 minutes.")
    except channels.NotDelivered:
        raise Conflict(
            gettext("The code could not be sent to this number. Check it and try again.")
        ) from None


def confirm_phone(actor: Actor, code: str, now: datetime) -> str:
    """Check the code typed back; a wrong one counts (5 tries), and is kept as counted."""
    user = actor.signed_in_user
    settings = settings_of(user.id)
    if settings is None or settings.pending_phone is None or settings.pending_code_hash is None:
        raise InvalidInput.field("code", gettext("Ask for a code first."))
    if settings.pending_code_expires_at is None or settings.pending_code_expires_at <= now:
        raise InvalidInput.field("code", gettext("This code has run out. Ask for a new one."))
    if settings.pending_code_attempts >= CODE_TRIES:
        raise InvalidInput.field("code", gettext("Too many wrong codes. Ask for a new one."))
    expected = settings.pending_code_hash
    if not hmac.compare_digest(expected, _code_hash(user.id, settings.pending_phone, (code or "").strip())):
        settings.pending_code_attempts += 1
        db.session.flush()
        raise InvalidInput.field(
            "code", gettext("This code is not the one we sent. Check the text and try again.")
        )
    phone = settings.pending_phone
    settings.phone, settings.phone_confirmed_at = phone, now
    settings.pending_phone = settings.pending_code_hash = settings.pending_code_expires_at = None
    settings.pending_code_attempts = 0
    try:
        with savepoint(db.session):
            db.session.flush()
    except IntegrityError:
        raise InvalidInput.field("phone", gettext("This number belongs to another account.")) from None
    audit.record(actor, "notifications.phone_confirmed", "user", user.id, now=now)
    return phone


def remove_phone(actor: Actor, now: datetime) -> None:
    settings = settings_of(actor.signed_in_user.id)
    if settings is not None:
        settings.phone = settings.phone_confirmed_at = None
        settings.pending_phone = settings.pending_code_hash = settings.pending_code_expires_at = None
        db.session.flush()
    audit.record(actor, "notifications.phone_removed", "user", actor.user_id, now=now)


# Texts received -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    word: str  # BEDS, CONFIRM, HELP or "" (not understood)
    site_code: int | None = None
    count: int | None = None
    problem: str = ""


def parse(text: str) -> Command:
    words = (text or "").strip().upper().split()
    if not words:
        return Command("", problem=NOT_UNDERSTOOD)
    word, rest = words[0], words[1:]
    if word == "HELP" and not rest:
        return Command("HELP")
    if word == "CONFIRM" and len(rest) <= 1:
        if rest and not rest[0].isdigit():
            return Command("", problem="Text CONFIRM, or CONFIRM and your site's code (e.g. CONFIRM 12).")
        return Command("CONFIRM", site_code=int(rest[0]) if rest else None)
    if word == "BEDS" and len(rest) in (1, 2):
        *code, count = rest
        if code and not code[0].isdigit():
            return Command("", problem="The site's code is its number, e.g. BEDS 12 3.")
        if not re.fullmatch(r"[0-9]{1,4}", count):
            return Command("", problem="The count must be a whole number of 0 or more, e.g. BEDS 3.")
        return Command("BEDS", site_code=int(code[0]) if code else None, count=int(count))
    return Command("", problem=NOT_UNDERSTOOD)


class TextRefused(DomainError):
    """A command that can't be carried out; its message is the plain answer texted back."""


def _partner_site(user: User, site_code: int | None) -> Site:
    sites = list(
        db.session.scalars(
            select(Site).where(Site.organisation_id == user.organisation_id, Site.active).order_by(Site.id)
        )
    )
    if site_code is not None:
        for site in sites:
            if site.id == site_code:
                return site
        raise TextRefused(f"None of your sites has the code {site_code}. " + _codes(sites))
    if len(sites) == 1:
        return sites[0]
    if not sites:
        raise TextRefused("Your organisation has no open site.")
    raise TextRefused("You have several sites: add the site's code. " + _codes(sites))


def _codes(sites: list[Site]) -> str:
    return "Codes: " + ", ".join(f"{site.id} {site.name}" for site in sites[:8]) + "."


def set_free_beds(actor: Actor, site: Site, count: int, tonight: date, now: datetime) -> int:
    """Make exactly `count` beds free tonight (never touching a held or occupied bed); confirm."""
    beds = list(
        db.session.scalars(
            select(Space).where(Space.site_id == site.id, Space.kind == SpaceKind.BED).order_by(Space.label)
        )
    )
    if count > len(beds):
        raise TextRefused(f"This site has {len(beds)} beds, so {count} can't be free. Nothing was changed.")
    taken = set(
        db.session.scalars(
            select(Space.id).where(
                Space.site_id == site.id,
                Space.kind == SpaceKind.BED,
                not_(space_is_free(tonight, tonight + timedelta(days=1), tonight)),
            )
        )
    )
    open_to_set = [bed for bed in beds if bed.id not in taken]
    if count > len(open_to_set):
        raise TextRefused(
            f"{len(taken)} of the {len(beds)} beds are held or occupied tonight, so at most "
            f"{len(open_to_set)} can be free. Nothing was changed."
        )
    # Beds already in service stay so first: the fewest changes reach the count.
    ordered = sorted(open_to_set, key=lambda bed: (not bed.in_service, bed.label))
    changes = [inventory.ServiceChange(bed.id, True) for bed in ordered[:count] if not bed.in_service] + [
        inventory.ServiceChange(bed.id, False, OUT_OF_SERVICE_BY_TEXT)
        for bed in ordered[count:]
        if bed.in_service
    ]
    inventory.confirm_availability(actor, site, changes, now)
    audit.record(actor, "sms.beds", "site", site.id, {"free_beds": count, "changes": len(changes)}, now=now)
    return len(changes)


def texts_in_last_hour(sender: str, now: datetime) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                InboundText.sender_hash == sender, InboundText.received_at > now - timedelta(hours=1)
            )
        )
        or 0
    )


def answer(sender_phone: str, text: str, tonight: date, now: datetime) -> tuple[str, int | None, str, str]:
    """Carry out a text from `sender_phone`; return (reply, user id, command, outcome)."""
    user = db.session.scalar(
        select(User)
        .join(NotificationSettings, NotificationSettings.user_id == User.id)
        .where(NotificationSettings.phone == sender_phone, User.active)
    )
    if user is None:
        return NEUTRAL, None, "", "unregistered"
    command = parse(text)
    if not command.word:
        return command.problem, user.id, "", "not_understood"
    if command.word == "HELP":
        return HELP, user.id, "HELP", "help"
    if user.role != Role.PARTNER:
        return "Only shelter staff update beds by text. " + HELP, user.id, command.word, "not_partner"
    actor = Actor(user=user, address=None)
    try:
        with savepoint(db.session):
            site = _partner_site(user, command.site_code)
            if command.word == "CONFIRM":
                inventory.confirm_availability(actor, site, [], now)
                audit.record(actor, "sms.confirm", "site", site.id, now=now)
                return (
                    f"Thank you: availability at {site.name} is confirmed as it is.",
                    user.id,
                    "CONFIRM",
                    "done",
                )
            if command.count is None:  # parse gives every BEDS its count; never guess one
                raise TextRefused(NOT_UNDERSTOOD)
            set_free_beds(actor, site, command.count, tonight, now)
            return (
                f"Thank you: {site.name} shows {command.count} bed(s) free tonight.",
                user.id,
                "BEDS",
                "done",
            )
    except TextRefused as refusal:
        return refusal.message, user.id, command.word, "refused"
