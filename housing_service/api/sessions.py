"""Signing in and out with a session cookie (people using the API from a browser or a script)."""

from __future__ import annotations

from typing import Any

from ..models import User
from ..signing_in import (
    SecondStepRequired,
    check_credentials,
    check_second_step,
    complete_sign_in,
    end_session,
    needs_second_step,
    sign_out_everywhere,
)
from .access_ended import access_ended
from .common import Blueprint, acting
from .schemas_accounts import AccessEndedSchema, SignInSchema, UserSchema

blp = Blueprint("sessions", __name__, description="Signing in and out")


@blp.route("/sessions", methods=["POST"])
@blp.arguments(SignInSchema)
@blp.response(200, UserSchema)
def sign_in(credentials: dict[str, Any]) -> User:
    """Sign in with email and password (and `otp`, for two-step accounts); sets the session cookie.

    An account with two-step sign-in answers 401 with `errors.otp` until the request carries the
    code from the authenticator app or an unused recovery code. Where two-step sign-in is
    required for the role and its grace period has passed without setting it up: 403.
    """
    actor = acting()
    user = check_credentials(actor, credentials["email"], credentials["password"])
    if needs_second_step(user):
        if not credentials.get("otp"):
            raise SecondStepRequired()
        check_second_step(actor, user, credentials["otp"])
    complete_sign_in(actor, user)
    return user


@blp.route("/sessions", methods=["DELETE"])
@blp.response(200, AccessEndedSchema)
def sign_out_of_every_session() -> dict[str, Any]:
    """Sign out everywhere: every session of yours ends, and every API token of yours is revoked."""
    revoked = sign_out_everywhere(acting())
    return access_ended(
        revoked, "You are signed out everywhere: every session and API token of yours has ended."
    )


@blp.route("/sessions/current", methods=["GET"])
@blp.response(200, UserSchema)
def who_am_i() -> User:
    """The signed-in account."""
    return acting().signed_in_user


@blp.route("/sessions/current", methods=["DELETE"])
@blp.response(204)
def sign_out() -> None:
    """Sign out: this session ends on the server, and so do your other sessions (tokens go on)."""
    end_session(acting())
