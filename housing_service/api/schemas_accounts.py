"""Request and response bodies for accounts, sessions and tokens."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..models import Role
from .common import AN_ID, StrictSchema, WholeNumber


class UserSchema(Schema):
    id = WholeNumber()
    email = fields.String()
    display_name = fields.String()
    role = fields.Enum(Role, by_value=True)
    organisation_id = WholeNumber(allow_none=True)
    active = fields.Boolean()
    created_at = fields.DateTime()


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
    valid_days = WholeNumber(load_default=90, validate=validate.Range(min=1, max=366))
