"""Two-step sign-in: a code from an authenticator app (TOTP, RFC 6238) or a single-use recovery code.

A person enrols by scanning a QR code (made here, as SVG, by segno: no outside service sees
the secret) and typing the code their app shows; they get ten recovery codes, shown once and
stored hashed. Where the coalition requires two-step sign-in for a role
(services/sign_in_rules.py), password-only sign-in keeps working for TWO_FACTOR_GRACE_DAYS
from the account's creation (or an admin's reset) and then stops.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from flask_babel import gettext
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..models import RecoveryCode, User
from . import accounts, audit
from .access import require_admin
from .actor import Actor

ISSUER = "Housing coalition"
STEP_SECONDS = 30
# A code from the step before or after the current one is accepted too: phones' clocks drift.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# 10 characters from 32 (no 0/o, 1/l/i look-alikes): 50 random bits each.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_SIX_DIGITS = re.compile(r"\d{6}")


@dataclass(frozen=True)
class Standing:
    """Where a person stands with two-step sign-in, at one moment."""

    enabled: bool
    required: bool
    enrol_by: datetime | None  # when password-only sign-in stops, if required and not enabled
    overdue: bool  # required, not set up, and the grace period is over


def standing(user: User, required_roles: frozenset[str], grace_days: int, now: datetime) -> Standing:
    enabled = user.totp_enabled_at is not None
    required = user.role.value in required_roles
    enrol_by = None
    if required and not enabled:
        enrol_by = user.second_factor_grace_from + timedelta(days=grace_days)
    overdue = enrol_by is not None and enrol_by <= now
    return Standing(enabled=enabled, required=required, enrol_by=enrol_by, overdue=overdue)


def begin_enrolment(actor: Actor, now: datetime) -> str:
    """A new secret for the acting person, waiting for a typed code to confirm it."""
    user = actor.signed_in_user
    if user.totp_enabled_at is not None:
        raise Conflict(
            gettext("Two-step sign-in is already set up. An admin can reset it if your phone is lost.")
        )
    user.totp_secret = pyotp.random_base32()
    db.session.flush()
    audit.record(actor, "user.second_factor_enrolment_started", "user", user.id, now=now)
    return user.totp_secret


def setup_uri(user: User) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    if user.totp_secret is None:
        raise Conflict(gettext("Start setting up two-step sign-in first."))
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> str:
    """The QR code as a data: URI of an SVG image (allowed by the CSP's img-src; no inline style)."""
    return segno.make(uri, error="m").svg_data_uri(
        scale=5, border=2, title="QR code for your authenticator app"
    )


def confirm_enrolment(actor: Actor, code: str, now: datetime) -> list[str]:
    """The typed code matches the new secret: two-step sign-in is on. Returns the recovery codes."""
    user = actor.signed_in_user
    if user.totp_enabled_at is not None:
        raise Conflict(gettext("Two-step sign-in is already set up."))
    if user.totp_secret is None:
        raise Conflict(gettext("Start setting up two-step sign-in first."))
    step = _matching_step(user.totp_secret, code, now, after=None)
    if step is None:
        raise InvalidInput.field(
            "code",
            gettext(
                "This code does not match. Type the 6 digits your app shows now (they change every 30"
                " seconds)."
            ),
        )
    user.totp_enabled_at = now
    user.totp_last_step = step
    plain_codes = _new_recovery_codes(user, now)
    audit.record(actor, "user.second_factor_enabled", "user", user.id, now=now)
    return plain_codes


def verify(user: User, code: str, now: datetime) -> str | None:
    """Check a sign-in's second step; returns which kind of code passed ("app", "recovery") or None.

    An app code is good once: a code from a step already used (or an earlier one) is refused.
    A recovery code is spent by its use.
    """
    if user.totp_enabled_at is None or user.totp_secret is None:
        return None
    typed = code.strip().replace(" ", "")
    if _SIX_DIGITS.fullmatch(typed):
        step = _matching_step(user.totp_secret, typed, now, after=user.totp_last_step)
        return "app" if step is not None and _spend_step(user, step) else None
    # Spent in one statement: two sign-ins racing with one code can't both pass.
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_digest(typed),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return "recovery" if spent.rowcount == 1 else None


def _spend_step(user: User, step: int) -> bool:
    """Record `step` as used, unless it (or a later one) already was, by this or a racing sign-in."""
    spent = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)  # as the database now holds it
    return True


def recovery_codes_left(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ).all()
    )


def reset(actor: Actor, user: User, now: datetime) -> int:
    """An admin turns off someone's two-step sign-in (a lost phone); their sessions and tokens end.

    The grace period starts again, so that they can sign in with their password and enrol anew.
    Returns how many tokens were revoked.
    """
    require_admin(actor)
    revoked = turn_off(user, now)
    audit.record(actor, "user.second_factor_reset", "user", user.id, {"tokens_revoked": revoked}, now=now)
    return revoked


def turn_off(user: User, now: datetime) -> int:
    """Forget the person's second factor, end their sessions and tokens, restart their grace period.

    Returns how many tokens were revoked. The caller audits (an admin's reset, the demo's reseed).
    """
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.second_factor_grace_from = now
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    return accounts.end_access(user, now)


def _matching_step(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    typed = code.strip().replace(" ", "")
    if not _SIX_DIGITS.fullmatch(typed):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), typed):
            return step
    return None


def _recovery_digest(code: str) -> str:
    # 50 random bits, throttled like passwords: a plain hash is enough and lets us look it up.
    return hashlib.sha256(code.lower().replace("-", "").encode()).hexdigest()


def _new_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    plain_codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        plain_codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_digest(raw), created_at=now))
    db.session.flush()
    return plain_codes
