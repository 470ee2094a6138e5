"""Signing a person in and out of a browser session; shared by the API and the pages."""

from __future__ import annotations

from flask import g, session
from flask_login import login_user, logout_user

from . import authentication, clock
from .errors import InvalidInput, NotSignedIn
from .models import User
from .services import accounts, audit, passwords, throttle
from .services.actor import Actor


def check_credentials(actor: Actor, email: str, password: str) -> User:
    """The account for these credentials; every attempt is audited, failed ones too.

    Raises `throttle.SignInThrottled` (a `NotSignedIn` with status 429 and `retry_after`)
    while too many recent failures ask for a wait; the password is not checked then.
    """
    now = clock.now()
    wait = throttle.wait_before_attempt(email, actor.address, now)
    if wait is not None:
        # The answer is an error, but the audit entry of the attempt must be kept.
        g.keep_changes_on_error = True
        g.retry_after = wait.seconds
        details = {"rule": wait.rule, "wait_seconds": wait.seconds}
        audit.record(actor, "session.sign_in_throttled", "user", None, details, now=now)
        raise throttle.SignInThrottled(wait.seconds)
    user = accounts.authenticate(email, password)
    throttle.record_attempt(email, actor.address, succeeded=user is not None, now=now)
    if user is None:
        g.keep_changes_on_error = True
        audit.record(actor, "session.sign_in_refused", "user", None, now=now)
        raise NotSignedIn("That email and password don't match an active account.")
    audit.record(Actor(user=user, address=actor.address), "session.sign_in", "user", user.id, now=now)
    return user


def confirm_password(actor: Actor, password: str) -> None:
    """Check the signed-in person's password again (to change it), throttled like a sign-in.

    Someone holding a stolen session must not get unlimited guesses at the password here;
    failures count with the sign-in failures of the same account and address, and are kept
    (and audited) even though the answer is an error.
    """
    user = actor.signed_in_user
    now = clock.now()
    g.keep_changes_on_error = True
    wait = throttle.wait_before_attempt(user.email, actor.address, now)
    if wait is not None:
        g.retry_after = wait.seconds
        details = {"rule": wait.rule, "wait_seconds": wait.seconds}
        audit.record(actor, "user.password_check_throttled", "user", user.id, details, now=now)
        raise throttle.SignInThrottled(wait.seconds)
    confirmed = passwords.verify_password(user.password_hash, password)
    throttle.record_attempt(user.email, actor.address, succeeded=confirmed, now=now)
    if not confirmed:
        audit.record(actor, "user.password_check_refused", "user", user.id, now=now)
        raise InvalidInput.field("current_password", "This is not your current password.")
    g.keep_changes_on_error = False


def start_session(user: User) -> None:
    """A fresh session for a person who just proved who they are (no fixation)."""
    session.clear()
    login_user(user, remember=False)
    started = authentication.wall_clock()
    session[authentication.SIGNED_IN_AT] = started
    session[authentication.LAST_SEEN_AT] = started


def end_session(actor: Actor) -> None:
    """Sign out: this session ends on the server, and so do the person's other sessions."""
    accounts.end_all_sessions(actor)
    audit.record(actor, "session.sign_out", "user", actor.user_id)
    logout_user()
    session.clear()
