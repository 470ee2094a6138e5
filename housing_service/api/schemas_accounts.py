"""Request and response bodies for accounts, sessions and tokens."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from ..models import Role, User
from ..signing_in import second_factor_standing
from .common import AN_ID, StrictSchema, WholeNumber


class TwoStepSchema(Schema):
    enabled = fields.Boolean(metadata={"description": "Signs in with a code from an authenticator app."})
    required = fields.Boolean(metadata={"description": "The coalition requires it for this role."})
    enrol_by = fields.DateTime(
        allow_none=True,
        metadata={"description": "Required but not set up: password-only sign-in stops at this moment."},
    )


class UserSchema(Schema):
    id = WholeNumber()
    email = fields.String()
    display_name = fields.String()
    role = fields.Enum(Role, by_value=True)
    organisation_id = WholeNumber(allow_none=True)
    active = fields.Boolean()
    created_at = fields.DateTime()
    locale = fields.String(
        allow_none=True,
        metadata={"description": "The language the person chose in My account (none: their browser's)."},
    )
    two_step_sign_in = fields.Method("_two_step_sign_in")

    def _two_step_sign_in(self, user: User) -> dict[str, Any]:
        return TwoStepSchema().dump(second_factor_standing(user))


class AccessEndedSchema(Schema):
    """The answer to a change that ends every way into an account (sessions and API tokens)."""

    sessions_ended = fields.Boolean(
        metadata={"description": "Always true: every browser session of the person has ended."}
    )
    tokens_revoked = WholeNumber(
        metadata={"description": "How many API tokens of the person were revoked (0 if none was live)."}
    )
    message = fields.String(metadata={"description": "What ended, in words to show the person."})


class UserUpdatedSchema(UserSchema):
    two_step_sign_in = fields.Nested(TwoStepSchema)
    access_ended = fields.Nested(
        AccessEndedSchema,
        allow_none=True,
        metadata={
            "description": "A role change or deactivation ends every session and API token of the "
            "person: what ended. Null when the change ended nothing (a new name, say)."
        },
    )


class UserCreateSchema(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    role = fields.Enum(Role, by_value=True, required=True)
    organisation_id = WholeNumber(allow_none=True, validate=AN_ID)
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class UserUpdateSchema(StrictSchema):
    display_name = fields.String(validate=validate.Length(min=1, max=120))
    role = fields.Enum(Role, by_value=True)
    organisation_id = WholeNumber(allow_none=True, validate=AN_ID)
    active = fields.Boolean()


class PasswordResetSchema(StrictSchema):
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class PasswordChangeSchema(StrictSchema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class SignInSchema(StrictSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))
    otp = fields.String(
        load_only=True,
        validate=validate.Length(min=1, max=32),
        metadata={
            "description": "For accounts with two-step sign-in: the 6-digit code from the authenticator "
            "app, or an unused recovery code. Without it such an account gets 401 with errors.otp."
        },
    )


class SecondFactorStartSchema(StrictSchema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class SecondFactorSetupSchema(Schema):
    secret = fields.String(metadata={"description": "To type into the app if the QR code can't be scanned."})
    otpauth_uri = fields.String()
    qr_code = fields.String(metadata={"description": "The otpauth URI as a QR code: an SVG data: URI."})


class SecondFactorConfirmSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))


class RecoveryCodesSchema(Schema):
    recovery_codes = fields.List(
        fields.String(),
        metadata={"description": "Ten single-use codes. Shown once: keep them somewhere safe."},
    )


class TokenSchema(Schema):
    id = WholeNumber()
    user_id = WholeNumber()
    name = fields.String()
    prefix = fields.String(metadata={"description": "The first characters, to tell tokens apart."})
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(metadata={"description": "Shown once: store it now, it can't be shown again."})


class TokenCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    valid_days = WholeNumber(
        validate=validate.Range(min=1),
        metadata={"description": "At most TOKEN_MAX_DAYS (90 unless the coalition set otherwise)."},
    )
    current_password = fields.String(
        load_only=True,
        validate=validate.Length(max=1024),
        metadata={
            "description": "Needed when you signed in (or confirmed it) more than TOKEN_CONFIRM_MINUTES ago."
        },
    )
