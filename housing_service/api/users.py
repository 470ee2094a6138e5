"""Accounts (admins manage them; everyone manages their own password and tokens)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import ApiToken, User
from ..services import accounts, two_factor
from ..services.access import require_admin
from ..signing_in import confirm_password, require_recent_confirmation, second_factor_standing
from .access_ended import access_ended
from .common import Blueprint, PageArgs, acting, now, page, page_of
from .presenters import columns
from .schemas_accounts import (
    AccessEndedSchema,
    NewTokenSchema,
    PasswordChangeSchema,
    PasswordResetSchema,
    RecoveryCodesSchema,
    SecondFactorConfirmSchema,
    SecondFactorSetupSchema,
    SecondFactorStartSchema,
    TokenCreateSchema,
    TokenSchema,
    UserCreateSchema,
    UserSchema,
    UserUpdatedSchema,
    UserUpdateSchema,
)

blp = Blueprint("users", __name__, description="Accounts and API tokens")


@blp.route("/users", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(UserSchema))
def list_users(args: dict[str, Any]) -> dict[str, Any]:
    """All accounts (admins)."""
    require_admin(acting())
    total = db.session.scalar(select(func.count(User.id))) or 0
    users = db.session.scalars(
        select(User).order_by(User.id).limit(args["per_page"]).offset((args["page"] - 1) * args["per_page"])
    ).all()
    return page(list(users), total, args)


@blp.route("/users", methods=["POST"])
@blp.arguments(UserCreateSchema)
@blp.response(201, UserSchema)
def create_user(data: dict[str, Any]) -> User:
    """Create an account (admins)."""
    return accounts.create_user(acting(), **data)


@blp.route("/users/me", methods=["GET"])
@blp.response(200, UserSchema)
def my_account() -> User:
    """Your own account."""
    return acting().signed_in_user


@blp.route("/users/me/password", methods=["POST"])
@blp.arguments(PasswordChangeSchema)
@blp.response(200, AccessEndedSchema)
def change_my_password(data: dict[str, Any]) -> dict[str, Any]:
    """Change your password; every session of yours ends (sign in afresh) and your API tokens are revoked."""
    actor = acting()
    confirm_password(actor, data["current_password"])
    revoked = accounts.change_own_password(actor, data["current_password"], data["new_password"], now())
    return access_ended(
        revoked,
        "Your password is changed. Every session and API token of yours has ended: sign in "
        "again with your new password, and make new tokens for your scripts.",
    )


@blp.route("/users/<int:user_id>", methods=["GET"])
@blp.response(200, UserSchema)
def get_user(user_id: int) -> User:
    """One account (admins, or yourself)."""
    actor = acting()
    if user_id != actor.user_id:
        require_admin(actor)
    return accounts.get_user(user_id)


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserUpdatedSchema)
def update_user(changes: dict[str, Any], user_id: int) -> dict[str, Any]:
    """Change an account's name, role, organisation or active flag (admins).

    A role change or deactivation ends the person's sessions and revokes their API tokens;
    `access_ended` says so (null when the change ended nothing).
    """
    actor = acting()
    require_admin(actor)
    user = accounts.get_user(user_id)
    revoked = accounts.update_user(actor, user, changes, now())
    ended = None
    if revoked is not None:
        ended = access_ended(
            revoked, "The change takes effect now: every session and API token of this person has ended."
        )
    return {
        **columns(user, UserSchema),
        "two_step_sign_in": second_factor_standing(user),
        "access_ended": ended,
    }


@blp.route("/users/<int:user_id>/password", methods=["POST"])
@blp.arguments(PasswordResetSchema)
@blp.response(200, AccessEndedSchema)
def reset_password(data: dict[str, Any], user_id: int) -> dict[str, Any]:
    """Set a new password for someone who lost theirs (admins); their sessions and API tokens end."""
    actor = acting()
    require_admin(actor)
    revoked = accounts.reset_password(actor, accounts.get_user(user_id), data["new_password"], now())
    return access_ended(
        revoked, "The password is reset. Every session and API token of this person has ended."
    )


@blp.route("/tokens", methods=["GET"])
@blp.response(200, TokenSchema(many=True))
def list_tokens() -> list[ApiToken]:
    """Your API tokens (admins: everyone's). The tokens themselves are never shown again."""
    return accounts.tokens_of(acting())


@blp.route("/tokens", methods=["POST"])
@blp.arguments(TokenCreateSchema)
@blp.response(201, NewTokenSchema)
def create_token(data: dict[str, Any]) -> dict[str, Any]:
    """A new API token for your account, with your role's permissions. Shown once.

    Only from a signed-in session (never with a token: 403) whose password was confirmed in the
    last TOKEN_CONFIRM_MINUTES (else send `current_password`). Valid for at most TOKEN_MAX_DAYS.
    A password change or reset, sign-out everywhere, a role change, deactivation and a reset of
    your two-step sign-in revoke every token of yours.
    """
    actor = acting()
    require_recent_confirmation(actor, data.get("current_password"))
    config = current_app.config
    valid_days = data.get("valid_days", config["API_TOKEN_DEFAULT_DAYS"])
    token, plain = accounts.create_token(
        actor, data["name"], valid_days, now(), max_days=config["TOKEN_MAX_DAYS"]
    )
    return {**columns(token, TokenSchema), "token": plain}


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(200, TokenSchema)
def revoke_token(token_id: int) -> ApiToken:
    """Revoke a token; it stops working at once."""
    return accounts.revoke_token(acting(), token_id, now())


@blp.route("/users/me/second-factor", methods=["POST"])
@blp.arguments(SecondFactorStartSchema)
@blp.response(201, SecondFactorSetupSchema)
def start_second_factor(data: dict[str, Any]) -> dict[str, str]:
    """Start setting up two-step sign-in: a new secret for your authenticator app (confirm it next)."""
    actor = acting()
    confirm_password(actor, data["current_password"])
    secret = two_factor.begin_enrolment(actor, now())
    uri = two_factor.setup_uri(actor.signed_in_user)
    return {"secret": secret, "otpauth_uri": uri, "qr_code": two_factor.qr_code_svg(uri)}


@blp.route("/users/me/second-factor/confirmation", methods=["POST"])
@blp.arguments(SecondFactorConfirmSchema)
@blp.response(200, RecoveryCodesSchema)
def confirm_second_factor(data: dict[str, Any]) -> dict[str, list[str]]:
    """Type the code your app shows: two-step sign-in is on. Answers your ten recovery codes, once."""
    return {"recovery_codes": two_factor.confirm_enrolment(acting(), data["code"], now())}


@blp.route("/users/<int:user_id>/second-factor", methods=["DELETE"])
@blp.response(200, AccessEndedSchema)
def reset_second_factor(user_id: int) -> dict[str, Any]:
    """Turn off someone's two-step sign-in (admins), e.g. a lost phone.

    Their sessions end, their API tokens are revoked, and their grace period starts again so
    that they can sign in with their password and set it up anew.
    """
    actor = acting()
    require_admin(actor)
    revoked = two_factor.reset(actor, accounts.get_user(user_id), now())
    return access_ended(
        revoked,
        "Two-step sign-in is reset. Every session and API token of this person has ended; "
        "they can sign in with their password and set it up again.",
    )
