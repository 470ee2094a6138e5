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
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
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


ACCESS_ENDS = _l("Every session of theirs ends now and their API tokens are revoked: they must sign in again.")

# A role as a person holding it ("is now a case manager"): one phrase per role, so a language
# can write its own article and gender rather than English's a/an.
ROLE_HOLDER = {
    Role.ADMIN: _l("an admin"),
    Role.ADVOCATE: _l("a housing advocate"),
    Role.CASE_MANAGER: _l("a case manager"),
    Role.PARTNER: _l("a shelter partner"),
}


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
    form.organisation_id.choices = _organisation_choices(gettext("None"))
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
    flash(
        gettext("Account for %(name)s is ready. Give them their first password in person.", name=user.display_name),
        "success",
    )
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
                heading=gettext("Deactivate %(name)s's account?", name=user.display_name),
                points=[
                    gettext(
                        "%(name)s can no longer sign in, with their password or an API token.", name=user.display_name
                    ),
                    str(ACCESS_ENDS),
                    gettext("What they recorded stays: holds, stays and notes are kept as they are."),
                    gettext("You can reactivate the account later; their password stays the same."),
                ],
                button=gettext("Deactivate account"),
                action=url_for("web.admin_set_active", user_id=user.id, action="deactivate"),
                keep={},
            ),
            user,
        )
    accounts.update_user(actor, user, change, now())
    if action == "deactivate":
        flash(
            gettext(
                "%(name)s can no longer sign in; their sessions have ended and their API tokens are revoked.",
                name=user.display_name,
            ),
            "success",
        )
    else:
        flash(gettext("%(name)s can sign in again.", name=user.display_name), "success")
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
                heading=gettext("Reset %(name)s's password?", name=user.display_name),
                points=[
                    gettext("Their current password stops working at once."),
                    str(ACCESS_ENDS),
                    gettext(
                        "The new password is shown to you once, on the next page: give it to them in person "
                        "or by phone, never by email."
                    ),
                ],
                button=gettext("Reset password"),
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
                heading=gettext("Reset two-step sign-in for %(name)s?", name=user.display_name),
                points=[
                    gettext("The codes from their authenticator app and their recovery codes stop working."),
                    str(ACCESS_ENDS),
                    _set_up_again(user.role),
                ],
                button=gettext("Reset two-step sign-in"),
                action=url_for("web.admin_reset_two_step", user_id=user.id),
                keep={},
            ),
            user,
        )
    two_factor.reset(actor, user, now())
    flash(
        gettext(
            "Two-step sign-in is reset for %(name)s: their sessions have ended and their API tokens are revoked. "
            "They can sign in with their password and set it up again on their account page.",
            name=user.display_name,
        ),
        "success",
    )
    return see_other(url_for("web.admin_accounts"))


def _set_up_again(role: Role) -> str:
    """Where the role must sign in in two steps, the grace period restarts: say how long it is."""
    if role.value not in sign_in_rules.required_roles():
        return gettext("They sign in with their password and set two-step sign-in up again on their account page.")
    return ngettext(
        "They sign in with their password and set two-step sign-in up again on their account page, "
        "within %(num)s day.",
        "They sign in with their password and set two-step sign-in up again on their account page, "
        "within %(num)s days.",
        sign_in_rules.current().grace_days,
    )


def _role_form(**kwargs: Any) -> RoleForm:
    form = RoleForm(**kwargs)
    form.organisation_id.choices = _organisation_choices(gettext("None"))
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
        flash(gettext("Nothing changed: %(name)s keeps their role.", name=user.display_name), "info")
        return see_other(url_for("web.admin_accounts"))
    if form.confirmed.data != "yes":
        return _confirm(_role_consequences(user, changes), user)
    accounts.update_user(actor, user, changes, now())
    flash(
        gettext(
            "%(name)s is now %(role)s; their sessions have ended and their API tokens are revoked.",
            name=user.display_name,
            role=ROLE_HOLDER[user.role],
        ),
        "success",
    )
    return see_other(url_for("web.admin_accounts"))


def _role_consequences(user: User, changes: dict[str, Any]) -> Consequences:
    new_role: Role = changes["role"]
    points = []
    if new_role != user.role:
        points.append(
            gettext(
                "They can do what %(new_role)s does, and no longer what %(old_role)s does, from their next sign-in.",
                new_role=ROLE_HOLDER[new_role],
                old_role=ROLE_HOLDER[user.role],
            )
        )
    organisation = changes["organisation_id"]
    if organisation != user.organisation_id:
        name = inventory.get_organisation(organisation).name if organisation is not None else None
        was = user.organisation.name if user.organisation else None
        points.append(_organisation_change(name, was))
    points.append(str(ACCESS_ENDS))
    required = sign_in_rules.required_roles()
    if new_role.value in required and user.role.value not in required and user.totp_enabled_at is None:
        must = ngettext(
            "%(role)s must sign in in two steps: they have %(num)s day to set it up, with a reminder on every page.",
            "%(role)s must sign in in two steps: they have %(num)s days to set it up, with a reminder on every page.",
            sign_in_rules.current().grace_days,
            role=ROLE_HOLDER[new_role],
        )
        points.append(must[:1].upper() + must[1:])  # the sentence may start with the role
    return Consequences(
        heading=gettext(
            "Change %(name)s's role to %(role)s?", name=user.display_name, role=ROLE_LABELS[new_role].lower()
        ),
        points=points,
        button=gettext("Change role"),
        action=url_for("web.admin_change_role", user_id=user.id),
        keep={"role": new_role.value, "organisation_id": "" if organisation is None else organisation},
    )


def _organisation_change(name: str | None, was: str | None) -> str:
    """The organisation's line on the confirmation page; a name is data, 'none' is a word."""
    if name and was:
        return gettext("Organisation: %(name)s (was %(was)s).", name=name, was=was)
    if name:
        return gettext("Organisation: %(name)s (was none).", name=name)
    if was:
        return gettext("Organisation: none (was %(was)s).", was=was)
    return gettext("Organisation: none.")
