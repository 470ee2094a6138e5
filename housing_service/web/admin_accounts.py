"""Admin pages for accounts: create them, change a role, deactivate, reset a password or two-step sign-in.

What ends someone's access (deactivation, a new password, a reset of two-step sign-in, a role
change) is asked for twice: the first post shows a page saying what will happen, with a red
button that posts again with `confirmed=yes` and a link to go back. Nothing changes before that.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask import flash, url_for
from flask.typing import ResponseReturnValue

from ..errors import Conflict, InvalidInput
from ..models import Role, User
from ..services import accounts, inventory, sign_in_rules, two_factor
from ..services.access import require_admin
from .blueprint import bp
from .forms import AccountForm, ConfirmationForm, RoleForm, options
from .presentation import ROLE_LABELS
from .queries import all_accounts
from .rendering import Problem, acting, attach, now, page, problems_of, see_other


@dataclass(frozen=True)
class Consequences:
    """What the confirmation page says will happen, and the button that makes it happen."""

    heading: str
    points: list[str]
    button: str
    action: str  # the URL the button posts to
    keep: dict[str, Any]  # the first post's fields, posted again


ACCESS_ENDS = "Every session of theirs ends now and their API tokens are revoked: they must sign in again."


def _confirm(consequences: Consequences, person: User) -> ResponseReturnValue:
    return page("admin/confirm_account_change.html", consequences=consequences, person=person)


def _confirmed() -> bool:
    return ConfirmationForm().confirmed.data == "yes"


def _accounts_page(form: AccountForm, status: int = 200, problems: list[Problem] | None = None):
    return page("admin/accounts.html", status, users=all_accounts(), form=form, problems=problems or [])


def _organisation_choices(empty: str) -> list[Any]:
    return options(((o.id, o.name) for o in inventory.list_organisations()), empty)


def _account_form(**kwargs: object) -> AccountForm:
    form = AccountForm(**kwargs)
    form.organisation_id.choices = _organisation_choices("None")
    return form


@bp.route("/admin/accounts", methods=["GET", "POST"])
def admin_accounts() -> ResponseReturnValue:
    actor = acting()
    require_admin(actor)
    form = _account_form()
    if not form.validate_on_submit():
        return _accounts_page(form, 422 if form.is_submitted() else 200, problems_of(form))
    try:
        user = accounts.create_user(
            actor,
            email=form.email.data or "",
            display_name=form.display_name.data or "",
            role=Role(form.role.data),
            password=form.password.data or "",
            organisation_id=form.organisation_id.data,
        )
    except (InvalidInput, Conflict) as error:
        return _accounts_page(form, error.status, attach(form, error))
    flash(f"Account for {user.display_name} is ready. Give them their first password in person.", "success")
    return see_other(url_for("web.admin_accounts"))


def _refused(error: Conflict) -> ResponseReturnValue:
    return _accounts_page(_account_form(formdata=None), error.status, attach(None, error))


@bp.route("/admin/accounts/<int:user_id>/<any(deactivate, reactivate):action>", methods=["POST"])
def admin_set_active(user_id: int, action: str) -> ResponseReturnValue:
    actor = acting()
    require_admin(actor)
    user = accounts.get_user(user_id)
    change = {"active": action == "reactivate"}
    try:
        accounts.check_update(actor, user, change)
    except Conflict as error:
        return _refused(error)
    # Letting someone back in ends nothing: it needs no second look.
    if action == "deactivate" and not _confirmed():
        return _confirm(
            Consequences(
                heading=f"Deactivate {user.display_name}'s account?",
                points=[
                    f"{user.display_name} can no longer sign in, with their password or an API token.",
                    ACCESS_ENDS,
                    "What they recorded stays: holds, stays and notes are kept as they are.",
                    "You can reactivate the account later; their password stays the same.",
                ],
                button="Deactivate account",
                action=url_for("web.admin_set_active", user_id=user.id, action="deactivate"),
                keep={},
            ),
            user,
        )
    accounts.update_user(actor, user, change, now())
    if action == "deactivate":
        flash(
            f"{user.display_name} can no longer sign in; their sessions have ended and their API tokens "
            "are revoked.",
            "success",
        )
    else:
        flash(f"{user.display_name} can sign in again.", "success")
    return see_other(url_for("web.admin_accounts"))


@bp.route("/admin/accounts/<int:user_id>/new-password", methods=["POST"])
def admin_new_password(user_id: int) -> ResponseReturnValue:
    """Someone lost their password: set a new one, shown once, here only (never in a cookie)."""
    actor = acting()
    require_admin(actor)
    user = accounts.get_user(user_id)
    if not _confirmed():
        return _confirm(
            Consequences(
                heading=f"Reset {user.display_name}'s password?",
                points=[
                    "Their current password stops working at once.",
                    ACCESS_ENDS,
                    "The new password is shown to you once, on the next page: give it to them in person "
                    "or by phone, never by email.",
                ],
                button="Reset password",
                action=url_for("web.admin_new_password", user_id=user.id),
                keep={},
            ),
            user,
        )
    password = secrets.token_urlsafe(12)  # 16 characters
    accounts.reset_password(actor, user, password, now())
    return page("admin/new_password.html", person=user, password=password)


@bp.route("/admin/accounts/<int:user_id>/reset-two-step", methods=["POST"])
def admin_reset_two_step(user_id: int) -> ResponseReturnValue:
    """A lost phone: their two-step sign-in is off, their sessions and tokens end; they set it up anew."""
    actor = acting()
    require_admin(actor)
    user = accounts.get_user(user_id)
    if not _confirmed():
        return _confirm(
            Consequences(
                heading=f"Reset two-step sign-in for {user.display_name}?",
                points=[
                    "The codes from their authenticator app and their recovery codes stop working.",
                    ACCESS_ENDS,
                    "They sign in with their password and set two-step sign-in up again on their "
                    f"account page{_within_grace(user.role)}.",
                ],
                button="Reset two-step sign-in",
                action=url_for("web.admin_reset_two_step", user_id=user.id),
                keep={},
            ),
            user,
        )
    two_factor.reset(actor, user, now())
    flash(
        f"Two-step sign-in is reset for {user.display_name}: their sessions have ended and their API "
        "tokens are revoked. They can sign in with their password and set it up again on their account page.",
        "success",
    )
    return see_other(url_for("web.admin_accounts"))


def _within_grace(role: Role) -> str:
    """', within 7 days' where the role must sign in in two steps (the grace period restarts)."""
    if role.value not in sign_in_rules.required_roles():
        return ""
    days = sign_in_rules.current().grace_days
    return f", within {days} day{'s' if days != 1 else ''}"


def _role_form(**kwargs: Any) -> RoleForm:
    form = RoleForm(**kwargs)
    form.organisation_id.choices = _organisation_choices("None")
    return form


def _role_page(user: User, form: RoleForm, status: int = 200, problems: list[Problem] | None = None):
    return page("admin/account_role.html", status, person=user, form=form, problems=problems or [])


@bp.route("/admin/accounts/<int:user_id>/role", methods=["GET", "POST"])
def admin_change_role(user_id: int) -> ResponseReturnValue:
    """Choose the new role (and organisation), see what changes, confirm."""
    actor = acting()
    require_admin(actor)
    user = accounts.get_user(user_id)
    if not RoleForm().is_submitted():
        data = {"role": user.role.value, "organisation_id": user.organisation_id}
        return _role_page(user, _role_form(formdata=None, data=data))
    form = _role_form()
    if not form.validate_on_submit():
        return _role_page(user, form, 422, problems_of(form))
    changes: dict[str, Any] = {"role": Role(form.role.data), "organisation_id": form.organisation_id.data}
    try:
        accounts.check_update(actor, user, changes)
    except (InvalidInput, Conflict) as error:
        return _role_page(user, form, error.status, attach(form, error))
    if changes["role"] == user.role and changes["organisation_id"] == user.organisation_id:
        flash(f"Nothing changed: {user.display_name} keeps their role.", "info")
        return see_other(url_for("web.admin_accounts"))
    if form.confirmed.data != "yes":
        return _confirm(_role_consequences(user, changes), user)
    accounts.update_user(actor, user, changes, now())
    flash(
        f"{user.display_name} is now {_a(ROLE_LABELS[user.role].lower())}; their sessions have ended and "
        "their API tokens are revoked.",
        "success",
    )
    return see_other(url_for("web.admin_accounts"))


def _a(label: str) -> str:
    """'an admin', 'a case manager'."""
    return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


def _role_consequences(user: User, changes: dict[str, Any]) -> Consequences:
    new_role: Role = changes["role"]
    new_label, old_label = ROLE_LABELS[new_role].lower(), ROLE_LABELS[user.role].lower()
    new_one, old_one = _a(new_label), _a(old_label)
    points = []
    if new_role != user.role:
        points.append(
            f"They can do what {new_one} does, and no longer what {old_one} does, from their next sign-in."
        )
    organisation = changes["organisation_id"]
    if organisation != user.organisation_id:
        name = inventory.get_organisation(organisation).name if organisation is not None else None
        was = user.organisation.name if user.organisation else "none"
        points.append(f"Organisation: {name or 'none'} (was {was}).")
    points.append(ACCESS_ENDS)
    required = sign_in_rules.required_roles()
    if new_role.value in required and user.role.value not in required and user.totp_enabled_at is None:
        points.append(
            f"{new_one.capitalize()} must sign in in two steps: they have "
            f"{sign_in_rules.current().grace_days} days to set it up, with a reminder on every page."
        )
    return Consequences(
        heading=f"Change {user.display_name}'s role to {new_label}?",
        points=points,
        button="Change role",
        action=url_for("web.admin_change_role", user_id=user.id),
        keep={"role": new_role.value, "organisation_id": "" if organisation is None else organisation},
    )
