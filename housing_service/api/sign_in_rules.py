"""The coalition's sign-in rules: which roles must sign in in two steps (admins)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from ..models import Role
from ..services import sign_in_rules
from ..services.access import require_admin
from .common import Blueprint, StrictSchema, WholeNumber, acting, now

blp = Blueprint("sign_in_rules", __name__, description="The coalition's sign-in rules (admins)")

ROLE_NAMES = [role.value for role in Role]


class SignInRulesSchema(Schema):
    two_step_required_roles = fields.List(
        fields.String(validate=validate.OneOf(ROLE_NAMES)),
        metadata={"description": "Roles that must sign in with a code as well as the password."},
    )
    set_by_admin = fields.Boolean(
        metadata={
            "description": "False while the environment's TWO_FACTOR_REQUIRED_ROLES applies (no admin "
            "has set the rule yet)."
        }
    )
    changed_at = fields.DateTime(allow_none=True)
    grace_days = WholeNumber(
        metadata={"description": "Days a newly required person may still sign in with the password alone."}
    )


class SignInRulesChangeSchema(StrictSchema):
    two_step_required_roles = fields.List(
        fields.String(validate=validate.OneOf(ROLE_NAMES, error="Not a role: use {choices}.")),
        required=True,
        validate=validate.Length(max=len(ROLE_NAMES)),
        metadata={"description": "Every role that must sign in in two steps (an empty list: none)."},
    )


class SignInRulesChangedSchema(SignInRulesSchema):
    newly_required = fields.List(fields.String())
    no_longer_required = fields.List(fields.String())
    people_newly_required = WholeNumber(
        metadata={
            "description": "Active people in a newly required role without two-step sign-in: their "
            "grace period starts now, and every page reminds them."
        }
    )
    enrol_by = fields.DateTime(metadata={"description": "When the newly required must have set it up by."})


def _rules() -> dict[str, Any]:
    rules = sign_in_rules.current()
    return {
        "two_step_required_roles": sorted(rules.required_roles),
        "set_by_admin": rules.set_by_admin,
        "changed_at": rules.changed_at,
        "grace_days": rules.grace_days,
    }


@blp.route("/sign-in-rules", methods=["GET"])
@blp.response(200, SignInRulesSchema)
def get_sign_in_rules() -> dict[str, Any]:
    """Which roles must sign in in two steps (admins)."""
    require_admin(acting())
    return _rules()


@blp.route("/sign-in-rules", methods=["PUT"])
@blp.arguments(SignInRulesChangeSchema)
@blp.response(200, SignInRulesChangedSchema)
def set_sign_in_rules(data: dict[str, Any]) -> dict[str, Any]:
    """Set which roles must sign in in two steps (admins; audited).

    People a change newly requires who have not set it up keep signing in with their password
    for TWO_FACTOR_GRACE_DAYS from now, reminded on every page. The environment's
    TWO_FACTOR_REQUIRED_ROLES applies only until an admin sets the rule.
    """
    actor = acting()
    require_admin(actor)
    change = sign_in_rules.set_required_roles(actor, frozenset(data["two_step_required_roles"]), now())
    return {
        **_rules(),
        "newly_required": sorted(change.newly_required),
        "no_longer_required": sorted(change.no_longer_required),
        "people_newly_required": change.people_newly_required,
        "enrol_by": change.enrol_by,
    }
