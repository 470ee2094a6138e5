"""Signing in and out with a session cookie (people using the API from a browser or a script)."""

from __future__ import annotations

from typing import Any

from flask import g, session
from flask_login import login_user, logout_user

from ..errors import NotSignedIn
from ..models import User
from ..services import accounts, audit
from .common import Blueprint, acting, now
from .schemas_accounts import SignInSchema, UserSchema

blp = Blueprint("sessions", __name__, description="Signing in and out")


def start_session(user: User) -> None:
    """A fresh session for a person who just proved who they are (no fixation)."""
    session.clear()
    login_user(user, remember=False)
    session["signed_in_at"] = now().timestamp()


def check_credentials(email: str, password: str) -> User:
    """The account for these credentials; every attempt is audited, failed ones too."""
    user = accounts.authenticate(email, password)
    actor = acting()
    if user is None:
        # The answer is an error, but the audit entry of the attempt must be kept.
        g.keep_changes_on_error = True
        audit.record(actor, "session.sign_in_refused", "user", None)
        raise NotSignedIn("That email and password don't match an active account.")
    audit.record(actor.__class__(user=user, address=actor.address), "session.sign_in", "user", user.id)
    return user


@blp.route("/sessions", methods=["POST"])
@blp.arguments(SignInSchema)
@blp.response(200, UserSchema)
def sign_in(credentials: dict[str, Any]) -> User:
    """Sign in with email and password; sets the session cookie."""
    user = check_credentials(credentials["email"], credentials["password"])
    start_session(user)
    return user


@blp.route("/sessions/current", methods=["GET"])
@blp.response(200, UserSchema)
def who_am_i() -> User:
    """The signed-in account."""
    return acting().signed_in_user


@blp.route("/sessions/current", methods=["DELETE"])
@blp.response(204)
def sign_out() -> None:
    """Sign out: this session ends on the server, and so do your other sessions."""
    actor = acting()
    accounts.end_all_sessions(actor)
    audit.record(actor, "session.sign_out", "user", actor.user_id)
    logout_user()
    session.clear()
