"""Signing in and out with a session cookie (people using the API from a browser or a script)."""

from __future__ import annotations

from typing import Any

from ..models import User
from ..signing_in import check_credentials, end_session, start_session
from .common import Blueprint, acting
from .schemas_accounts import SignInSchema, UserSchema

blp = Blueprint("sessions", __name__, description="Signing in and out")


@blp.route("/sessions", methods=["POST"])
@blp.arguments(SignInSchema)
@blp.response(200, UserSchema)
def sign_in(credentials: dict[str, Any]) -> User:
    """Sign in with email and password; sets the session cookie."""
    user = check_credentials(acting(), credentials["email"], credentials["password"])
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
    end_session(acting())
