"""The coalition's sign-in rules: which roles must sign in in two steps.

An admin sets the rule on Admin → Sign-in rules or with `PUT /api/v1/sign-in-rules`; it is
kept in the database (one row per role). Until an admin has set it, TWO_FACTOR_REQUIRED_ROLES
from the environment applies. Whoever a change newly requires, and who has not set up two-step
sign-in, gets a fresh grace period (TWO_FACTOR_GRACE_DAYS) from the change: nobody is locked
out by a rule they have not yet had time to follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict
from ..extensions import db
from ..models import Role, TwoStepRoleRule, User
from . import audit
from .access import require_admin
from .actor import Actor

# Kept for the length of one request (the session is removed after it): every page shows the
# reminder, and every account in an answer its standing, without asking the database each time.
_CACHE = "two_step_required_roles"


@dataclass(frozen=True)
class Rules:
    required_roles: frozenset[str]
    set_by_admin: bool  # False: the environment's TWO_FACTOR_REQUIRED_ROLES applies
    changed_at: datetime | None
    grace_days: int


@dataclass(frozen=True)
class Change:
    """What a new rule changes, shown to the admin before they confirm it."""

    required_roles: frozenset[str]
    newly_required: frozenset[str]
    no_longer_required: frozenset[str]
    people_newly_required: int  # in a newly required role, and without two-step sign-in yet
    enrol_by: datetime  # when their grace period ends, if the change is made now

    @property
    def changes_anything(self) -> bool:
        return bool(self.newly_required or self.no_longer_required)


def _environment_default() -> frozenset[str]:
    return frozenset(current_app.config["TWO_FACTOR_REQUIRED_ROLES"])


def _grace_days() -> int:
    return int(current_app.config["TWO_FACTOR_GRACE_DAYS"])


def current() -> Rules:
    rows = db.session.scalars(select(TwoStepRoleRule)).all()
    if not rows:
        return Rules(_environment_default(), False, None, _grace_days())
    return Rules(
        frozenset(row.role.value for row in rows if row.required),
        True,
        max(row.changed_at for row in rows),
        _grace_days(),
    )


def required_roles() -> frozenset[str]:
    """The roles that must sign in in two steps now (the admin's rule, else the environment's)."""
    cached = db.session.info.get(_CACHE)
    if cached is None:
        cached = db.session.info[_CACHE] = current().required_roles
    return cached


def preview(wanted: frozenset[str], now: datetime) -> Change:
    before = current().required_roles
    newly = wanted - before
    people = 0
    if newly:
        people = (
            db.session.scalar(
                select(func.count(User.id)).where(
                    User.role.in_([Role(name) for name in newly]),
                    User.totp_enabled_at.is_(None),
                    User.active.is_(True),
                )
            )
            or 0
        )
    return Change(
        required_roles=wanted,
        newly_required=newly,
        no_longer_required=before - wanted,
        people_newly_required=people,
        enrol_by=now + timedelta(days=_grace_days()),
    )


def set_required_roles(actor: Actor, wanted: frozenset[str], now: datetime) -> Change:
    """An admin sets which roles must sign in in two steps; audited.

    The newly required who have not set it up get their grace period from now on.
    """
    require_admin(actor)
    change = preview(wanted, now)
    try:
        with db.session.begin_nested():
            for role in Role:
                rule = db.session.get(TwoStepRoleRule, role)
                if rule is None:
                    rule = TwoStepRoleRule(role=role)
                    db.session.add(rule)
                rule.required = role.value in wanted
                rule.changed_at = now
                rule.changed_by_id = actor.signed_in_user.id
    except IntegrityError as error:  # another admin set the rule first, at the same moment
        raise Conflict(gettext("Another admin changed the sign-in rules just now. Look at them again.")) from error
    restarted = 0
    if change.newly_required:
        result = db.session.execute(
            update(User)
            .where(
                User.role.in_([Role(name) for name in change.newly_required]),
                User.totp_enabled_at.is_(None),
            )
            .values(second_factor_grace_from=now)
            .execution_options(synchronize_session="fetch")
        )
        restarted = result.rowcount or 0
    db.session.flush()
    db.session.info[_CACHE] = wanted
    audit.record(
        actor,
        "sign_in_rules.update",
        "sign_in_rules",
        None,
        {
            "two_step_required_roles": sorted(wanted),
            "newly_required": sorted(change.newly_required),
            "no_longer_required": sorted(change.no_longer_required),
            "grace_period_started_for": restarted,
        },
        now=now,
    )
    return change
