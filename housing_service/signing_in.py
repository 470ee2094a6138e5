"""Signing a person in and out of a browser session; shared by the API and the pages.

Signing in takes one or two steps: the password, then (for those who set it up) a code from
an authenticator app or a recovery code. Every check, of a password or a code, goes through
the throttle (services/throttle.py), with this browser's device cookie (devices.py) when it
has one for the account; a success is recorded only when the whole sign-in succeeded, so a
right password never wipes out the failures of the codes guessed after it.
"""

from __future__ import annotations

from flask import current_app, g, session
from flask_babel import gettext
from flask_login import login_user, logout_user

from . import authentication, clock, devices
from .errors import Forbidden, InvalidInput, NotSignedIn
from .models import User
from .services import accounts, audit, passwords, sign_in_rules, throttle, two_factor
from .services.actor import Actor

# The password step, passed: the account waits here for its second step (pages only).
PENDING_SECOND_STEP = "pending_second_step"
PENDING_FOR_SECONDS = 5 * 60


class SecondStepRequired(NotSignedIn):
    """The password was right; the code from the authenticator app (or a recovery code) is needed."""

    def __init__(self) -> None:
        super().__init__(
            "Enter the 6-digit code from your authenticator app, or one of your recovery codes.",
            {"otp": ["Required: this account signs in in two steps."]},
        )


class SecondStepOverdue(Forbidden):
    """Two-step sign-in is required for this role, and the time to set it up has passed."""

    def __init__(self) -> None:
        super().__init__(
            "Your coalition asks everyone in your role to sign in in two steps, and the time to set "
            "it up has passed. Ask your coalition's admin to reopen it; then sign in and set it up "
            "on your account page."
        )


def _throttle(actor: Actor, email: str, device: str | None, action: str, user_id: int | None) -> None:
    """Refuse (429) while the throttle asks for a wait; the refusal is audited and kept."""
    now = clock.now()
    wait = throttle.wait_before_attempt(email, actor.address, now, device)
    if wait is None:
        return
    g.keep_changes_on_error = True
    g.retry_after = wait.seconds
    details = {"rule": wait.rule, "wait_seconds": wait.seconds}
    audit.record(actor, action, "user", user_id, details, now=now)
    raise throttle.SignInThrottled(wait.seconds)


def check_credentials(actor: Actor, email: str, password: str) -> User:
    """The account for these credentials; every attempt is audited, failed ones too.

    Raises `throttle.SignInThrottled` (a `NotSignedIn` with status 429 and `retry_after`)
    while too many recent failures ask for a wait; the password is not checked then, except
    from a known device (devices.py), which only its own failures can slow down. Raises
    `SecondStepOverdue` (403) where two-step sign-in is required and was never set up.
    """
    now = clock.now()
    device = devices.device_for(email)
    _throttle(actor, email, device, "session.sign_in_throttled", None)
    user = accounts.authenticate(email, password)
    if user is None:
        throttle.record_attempt(email, actor.address, succeeded=False, now=now, device=device)
        g.keep_changes_on_error = True
        audit.record(actor, "session.sign_in_refused", "user", None, now=now)
        raise NotSignedIn(gettext("That email and password don't match an active account."))
    if second_factor_standing(user).overdue:
        g.keep_changes_on_error = True
        as_them = Actor(user=user, address=actor.address)
        audit.record(as_them, "session.sign_in_second_step_overdue", "user", user.id, now=now)
        raise SecondStepOverdue()
    return user


def check_second_step(actor: Actor, user: User, code: str) -> None:
    """The code of a sign-in's second step, throttled and counted like a password."""
    now = clock.now()
    device = devices.device_for(user.email)
    _throttle(actor, user.email, device, "session.second_step_throttled", user.id)
    kind = two_factor.verify(user, code, now)
    if kind is None:
        throttle.record_attempt(user.email, actor.address, succeeded=False, now=now, device=device)
        g.keep_changes_on_error = True
        as_them = Actor(user=user, address=actor.address)
        audit.record(as_them, "session.second_step_refused", "user", user.id, now=now)
        problem = "This code does not match. Type the code your app shows now, or an unused recovery code."
        raise NotSignedIn(problem, {"otp": [problem]})
    if kind == "recovery":
        audit.record(
            Actor(user=user, address=actor.address), "user.recovery_code_used", "user", user.id, now=now
        )


def needs_second_step(user: User) -> bool:
    return user.totp_enabled_at is not None


def second_factor_standing(user: User) -> two_factor.Standing:
    return two_factor.standing(
        user, sign_in_rules.required_roles(), current_app.config["TWO_FACTOR_GRACE_DAYS"], clock.now()
    )


def complete_sign_in(actor: Actor, user: User) -> None:
    """Every step passed: the attempt counts as a success, this browser becomes known, a session starts."""
    now = clock.now()
    device = devices.remember_device(user.email)
    throttle.record_attempt(user.email, actor.address, succeeded=True, now=now, device=device)
    audit.record(Actor(user=user, address=actor.address), "session.sign_in", "user", user.id, now=now)
    start_session(user)


def confirm_password(actor: Actor, password: str) -> None:
    """Check the signed-in person's password again (to change it), throttled like a sign-in.

    Someone holding a stolen session must not get unlimited guesses at the password here;
    failures count with the sign-in failures of the same account and address, and are kept
    (and audited) even though the answer is an error.
    """
    user = actor.signed_in_user
    now = clock.now()
    device = devices.device_for(user.email)
    g.keep_changes_on_error = True
    _throttle(actor, user.email, device, "user.password_check_throttled", user.id)
    confirmed = passwords.verify_password(user.password_hash, password)
    throttle.record_attempt(user.email, actor.address, succeeded=confirmed, now=now, device=device)
    if not confirmed:
        audit.record(actor, "user.password_check_refused", "user", user.id, now=now)
        raise InvalidInput.field("current_password", gettext("This is not your current password."))
    g.keep_changes_on_error = False
    session[authentication.CONFIRMED_AT] = authentication.wall_clock()


def require_recent_confirmation(actor: Actor, current_password: str | None) -> None:
    """Creating an API token needs a browser session whose password was confirmed moments ago.

    A bearer token can never make another token (403). A session older than
    TOKEN_CONFIRM_MINUTES must send the current password again (checked and throttled here).
    """
    if g.get("signed_in_by_token"):
        raise Forbidden(
            gettext("An API token can't create tokens. Sign in (with your password) to create one."),
            {"Authorization": [gettext("Create tokens from a signed-in session, not with a token.")]},
        )
    limit = current_app.config["TOKEN_CONFIRM_MINUTES"] * 60
    confirmed_at = session.get(authentication.CONFIRMED_AT)
    if isinstance(confirmed_at, int | float) and authentication.wall_clock() - confirmed_at <= limit:
        return
    if not current_password:
        minutes = current_app.config["TOKEN_CONFIRM_MINUTES"]
        raise InvalidInput.field(
            "current_password",
            gettext(
                "Confirm your password to create a token: you signed in more than %(minutes)s minutes ago.",
                minutes=minutes,
            ),
        )
    confirm_password(actor, current_password)


def start_session(user: User) -> None:
    """A fresh session for a person who just proved who they are (no fixation)."""
    session.clear()
    login_user(user, remember=False)
    started = authentication.wall_clock()
    session[authentication.SIGNED_IN_AT] = started
    session[authentication.LAST_SEEN_AT] = started
    session[authentication.CONFIRMED_AT] = started


def hold_for_second_step(user: User) -> None:
    """The password step passed (pages): remember the account, for a few minutes, until its code."""
    session.clear()
    session[PENDING_SECOND_STEP] = {
        "user": user.get_id(),
        "since": authentication.wall_clock(),
    }


def pending_second_step() -> User | None:
    """The account whose password was just confirmed in this browser, if still waiting for its code."""
    pending = session.get(PENDING_SECOND_STEP)
    if not isinstance(pending, dict):
        return None
    since = pending.get("since")
    if not isinstance(since, int | float) or authentication.wall_clock() - since > PENDING_FOR_SECONDS:
        session.pop(PENDING_SECOND_STEP, None)
        return None
    return authentication.user_for_session_id(str(pending.get("user", "")))


def end_session(actor: Actor) -> None:
    """Sign out: this session ends on the server, and so do the person's other sessions."""
    accounts.end_all_sessions(actor)
    audit.record(actor, "session.sign_out", "user", actor.user_id)
    logout_user()
    session.clear()


def sign_out_everywhere(actor: Actor) -> int:
    """Every session and API token of the person ends, this one too; returns the tokens revoked."""
    revoked = accounts.sign_out_everywhere(actor, clock.now())
    logout_user()
    session.clear()
    return revoked
