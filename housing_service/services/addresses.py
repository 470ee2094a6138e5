"""Whether a person may be shown a site's address, and the record each time a confidential one is.

A confidential site's address is the promise survivors' safety rests on. Assume any one
staff account may be hostile (stolen, or an insider): so

- the site's own staff always see it (they work there), and no one else sees it on a list;
- a screened site's address is never sent by the service: its staff call the advocate back;
- at a direct site, the person holding a bed sees it on that hold only while the hold is
  current and its first night has come (today, or tomorrow before noon): a hold far in the
  future reveals nothing;
- every reveal to anyone but the site's staff is recorded (`address.revealed`), and a person
  shown the addresses of more distinct confidential sites than `ADDRESS_REVEAL_LIMIT` within
  `ADDRESS_REVEAL_WINDOW_DAYS` is paused: no further address until an admin has reviewed,
  and admins get a flag at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select

from ..db import count_inserted, insert_ignoring_duplicates, lock_for_change
from ..errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from ..extensions import db
from ..models import AddressReveal, AddressRevealPause, Flag, FlagKind, Hold, Site, User
from . import audit
from .access import manages_site, require_admin
from .actor import Actor

# A hold for tomorrow shows the address from this hour today: time to plan the journey.
TOMORROW_FROM = time(12, 0)

WITHHELD_SCREENED = "This site screens referrals: its staff call you back with directions."
WITHHELD_NOT_YET = "The address shows here from the day of the first night (from noon the day before)."
WITHHELD_PAUSED = (
    "Addresses are paused for your account until an admin has reviewed your recent requests. "
    "Call the site on the number above for directions."
)


@dataclass(frozen=True)
class AddressAnswer:
    """The address to show (None: not shown) and, when withheld, why in plain words."""

    address: str | None
    withheld_because: str | None = None


def on_lists(actor: Actor, site: Site) -> str | None:
    """The address on a list or a site's page: confidential ones only for the site's own staff."""
    if not site.confidential:
        return site.address if actor.user is not None else None
    return site.address if manages_site(actor, site) else None


def first_night_has_come(hold: Hold, now: datetime) -> bool:
    """Today's hold, or tomorrow's once it is past noon today, in the coalition's time zone."""
    local = now.astimezone(ZoneInfo(current_app.config["COALITION_TIMEZONE"]))
    reveal_through = local.date() + timedelta(days=1 if local.time() >= TOMORROW_FROM else 0)
    return hold.starts_on <= reveal_through


def for_hold(actor: Actor, hold: Hold, now: datetime) -> AddressAnswer:
    """The address on a hold's page or answer, recorded when it is a confidential one."""
    site = hold.site
    if not site.confidential:
        return AddressAnswer(on_lists(actor, site))
    if manages_site(actor, site) and not actor.is_admin:
        return AddressAnswer(site.address)
    if actor.is_admin:
        _record(actor, site, hold, now)
        return AddressAnswer(site.address)
    if hold.held_by_id != actor.user_id or not hold.is_current(now):
        return AddressAnswer(None)
    if site.screened:
        return AddressAnswer(None, WITHHELD_SCREENED)
    if not first_night_has_come(hold, now):
        return AddressAnswer(None, WITHHELD_NOT_YET)
    if not _may_have_another(actor, site, now):
        return AddressAnswer(None, WITHHELD_PAUSED)
    _record(actor, site, hold, now)
    return AddressAnswer(site.address)


def _record(actor: Actor, site: Site, hold: Hold | None, now: datetime) -> None:
    reveal = AddressReveal(
        user_id=actor.user_id, site_id=site.id, hold_id=hold.id if hold else None, revealed_at=now
    )
    db.session.add(reveal)
    audit.record(actor, "address.revealed", "site", site.id, {"hold_id": hold.id if hold else None}, now=now)


def _may_have_another(actor: Actor, site: Site, now: datetime) -> bool:
    """Below the limit, or this site was already shown in the window; else pause the person."""
    user = actor.signed_in_user
    # One person's requests take turns here, so that two at once can't both pass the limit.
    # FOR NO KEY UPDATE: the hold just written holds a key-share lock on this row (its
    # held_by_id), which a plain FOR UPDATE would wait on, deadlocking two holds at once.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update(key_share=True))
    if open_pause(user.id) is not None:
        return False
    config = current_app.config
    since = now - timedelta(days=config["ADDRESS_REVEAL_WINDOW_DAYS"])
    last_review = db.session.scalar(
        select(func.max(AddressRevealPause.reviewed_at)).where(AddressRevealPause.user_id == user.id)
    )
    if last_review is not None:
        since = max(since, last_review)
    shown = set(
        db.session.scalars(
            select(AddressReveal.site_id)
            .join(Site, Site.id == AddressReveal.site_id)
            .where(AddressReveal.user_id == user.id, AddressReveal.revealed_at > since, Site.confidential)
            .distinct()
        )
    )
    if site.id in shown or len(shown) < config["ADDRESS_REVEAL_LIMIT"]:
        return True
    _pause(actor, site, now)
    return False


def _pause(actor: Actor, site: Site, now: datetime) -> None:
    pause = AddressRevealPause(user_id=actor.user_id, paused_at=now, asked_site_id=site.id)
    db.session.add(pause)
    db.session.flush()
    flag = insert_ignoring_duplicates(db.session, Flag.__table__).values(
        key=f"reveals-paused:{pause.id}",
        kind=FlagKind.ADDRESS_REVEALS_PAUSED.value,
        user_id=actor.user_id,
        site_id=None,
        raised_at=now,
    )
    count_inserted(db.session, flag)
    audit.record(actor, "address.reveals_paused", "user", actor.user_id, {"asked_site_id": site.id}, now=now)


def open_pause(user_id: int | None) -> AddressRevealPause | None:
    return db.session.scalar(
        select(AddressRevealPause).where(
            AddressRevealPause.user_id == user_id, AddressRevealPause.reviewed_at.is_(None)
        )
    )


def get_pause(actor: Actor, pause_id: int) -> AddressRevealPause:
    require_admin(actor)
    pause = db.session.get(AddressRevealPause, pause_id)
    if pause is None:
        raise NotFound(gettext("No pause has this id."))
    return pause


def list_pauses(actor: Actor, open_only: bool) -> list[AddressRevealPause]:
    require_admin(actor)
    query = select(AddressRevealPause).order_by(AddressRevealPause.paused_at.desc()).limit(200)
    if open_only:
        query = query.where(AddressRevealPause.reviewed_at.is_(None))
    return list(db.session.scalars(query))


def review_pause(actor: Actor, pause: AddressRevealPause, note: str, now: datetime) -> AddressRevealPause:
    """An admin has looked into it: addresses resume, counted afresh from now.

    If the requests were not genuine, the admin deactivates the account instead (or too).
    """
    require_admin(actor)
    note = note.strip()
    if not note:
        raise InvalidInput.field("note", gettext("Say what you found, e.g. who you spoke to."))
    lock_for_change(pause)
    if pause.reviewed_at is not None:
        raise InvalidTransition(gettext("This pause was already reviewed."))
    pause.reviewed_at = now
    pause.reviewed_by_id = actor.user_id
    pause.review_note = note
    db.session.execute(
        Flag.__table__.update()
        .where(Flag.key == f"reveals-paused:{pause.id}", Flag.resolved_at.is_(None))
        .values(resolved_at=now)
    )
    db.session.flush()
    audit.record(actor, "address.reveals_resumed", "user", pause.user_id, {"pause_id": pause.id}, now=now)
    return pause


def reveals_of_user(actor: Actor, user_id: int, since: datetime) -> list[AddressReveal]:
    """What an admin reviews: which confidential addresses this person was shown, and when."""
    require_admin(actor)
    return list(
        db.session.scalars(
            select(AddressReveal)
            .where(AddressReveal.user_id == user_id, AddressReveal.revealed_at >= since)
            .order_by(AddressReveal.revealed_at.desc())
            .limit(500)
        )
    )


def reveals_of_site(actor: Actor, site: Site, page: int, per_page: int) -> tuple[list[AddressReveal], int]:
    """Who was shown this site's address and when: for the site's own staff and admins."""
    if not manages_site(actor, site):
        raise Forbidden(gettext("Only the site's own staff and admins see who was shown its address."))
    query = select(AddressReveal).where(AddressReveal.site_id == site.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    found = db.session.scalars(
        query.order_by(AddressReveal.revealed_at.desc(), AddressReveal.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(found), total
