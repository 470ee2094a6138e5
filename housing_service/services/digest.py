"""The daily email to each case manager: new flags about their clients, by client code only.

No names, aliases or addresses ever go into an email: it may be read on a shared phone
or forwarded. Each case manager's digest is sent, then marked sent and committed, so a
failure leaves the flags for the next day's digest (sent at least once, never lost).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..i18n import words_of
from ..models import Client, Flag, Role, User
from ..plain_words import day_text
from . import mail
from .flags import describe

log = logging.getLogger(__name__)


def compose(
    manager: User, entries: list[tuple[str, Flag]], stale_after_hours: int, zone: str
) -> EmailMessage:
    words = words_of(manager)
    lines = [
        words.gettext("Hello %(name)s,", name=manager.display_name),
        "",
        words.gettext("New since your last digest:"),
        "",
    ]
    for code, flag in entries:
        title = describe(flag, stale_after_hours, zone, words).title
        if flag.act_by:
            item = words.gettext("%(title)s (act by %(day)s)", title=title, day=day_text(flag.act_by, words))
        else:
            item = title
        lines.append(f"- {code}: {item}")
    lines += ["", words.gettext("Open housing_service to see the details and acknowledge them.")]
    subject = words.ngettext(
        "housing_service: %(num)s new item for your caseload",
        "housing_service: %(num)s new items for your caseload",
        len(entries),
    )
    return mail.new_message(manager.email, subject, "\n".join(lines))


def send_daily_digests(now: datetime, skip_user_ids: Collection[int] = ()) -> int:
    """Send each case manager their new, unacknowledged flags; return how many emails went out.

    `skip_user_ids`: case managers who chose not to get the digest (their flags stay unsent).
    """
    config = current_app.config
    if not mail.enabled():
        return 0
    rows = db.session.execute(
        select(Flag, Client.code, User)
        .join(Client, Client.id == Flag.client_id)
        .join(User, User.id == Client.case_manager_id)
        .where(
            Flag.resolved_at.is_(None),
            Flag.acknowledged_at.is_(None),
            Flag.emailed_at.is_(None),
            User.role == Role.CASE_MANAGER,
            User.active,
        )
        .order_by(User.id, Flag.act_by, Flag.id)
    ).all()
    digests: dict[int, tuple[User, list[tuple[str, Flag]]]] = {}
    for flag, code, manager in rows:
        if manager.id in skip_user_ids:
            continue
        digests.setdefault(manager.id, (manager, []))[1].append((code, flag))
    sent = 0
    for manager, entries in digests.values():
        message = compose(manager, entries, config["STALE_AVAILABILITY_HOURS"], config["COALITION_TIMEZONE"])
        mail.deliver(message)
        db.session.execute(
            update(Flag).where(Flag.id.in_([flag.id for _, flag in entries])).values(emailed_at=now),
            execution_options={"synchronize_session": False},
        )
        db.session.commit()
        sent += 1
    return sent
