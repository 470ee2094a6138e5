"""My account: who I am signed in as, changing my own password, and signing out everywhere."""

from __future__ import annotations

from flask import flash, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import logout_user

from ..errors import DomainError, InvalidInput
from ..services import accounts, passwords
from ..signing_in import confirm_password, end_session
from .blueprint import bp
from .forms import PasswordChangeForm
from .rendering import Problem, acting, attach, now, page, problems_of, see_other, today


def _account_page(
    form: PasswordChangeForm, status: int = 200, problems: list[Problem] | None = None
) -> ResponseReturnValue:
    return page(
        "account.html",
        status,
        person=acting().signed_in_user,
        form=form,
        problems=problems or [],
        minimum_length=passwords.MINIMUM_LENGTH,
        today=today(),
    )


@bp.route("/account", methods=["GET"])
def account() -> ResponseReturnValue:
    return _account_page(PasswordChangeForm(formdata=None))


@bp.route("/account/password", methods=["POST"])
def change_password() -> ResponseReturnValue:
    actor = acting()
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _account_page(form, 422, problems_of(form))
    try:
        # Checked first on its own: a wrong guess is kept (and counted) although the page is an error.
        confirm_password(actor, form.current_password.data or "")
    except DomainError as error:
        form.current_password.errors = list(error.errors.get("current_password", []))
        problems = problems_of(form) or [Problem(error.message, form.current_password.id)]
        return _account_page(form, error.status, problems)
    try:
        accounts.change_own_password(actor, form.current_password.data or "", form.password.data or "", now())
    except InvalidInput as error:
        return _account_page(form, error.status, attach(form, error))
    # The service ended every session of the person, this one included (its version is void
    # on the server); the cookie is emptied too, and the next page is the sign-in form.
    logout_user()
    session.clear()
    flash(
        "Your password is changed. You are signed out everywhere, here too: "
        "sign in again with your new password.",
        "success",
    )
    return see_other(url_for("web.sign_in"))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
def sign_out_everywhere() -> ResponseReturnValue:
    end_session(acting())
    flash(
        "You are signed out everywhere: on this device and on any other where you were signed in. "
        "To keep survivors' information safe, close this browser tab.",
        "success",
    )
    return see_other(url_for("web.sign_in"))
