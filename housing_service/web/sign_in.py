"""Signing in and out, and the home page that sends each person to their main page."""

from __future__ import annotations

from flask import flash, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..errors import DomainError
from ..signing_in import check_credentials, end_session, start_session
from .blueprint import bp
from .forms import SignInForm
from .presentation import MAIN_PAGE
from .rendering import acting, page, problems_of, safe_next, see_other


@bp.route("/", methods=["GET"])
def home() -> ResponseReturnValue:
    return see_other(url_for(MAIN_PAGE[current_user.role]))


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return see_other(target or url_for("web.home"))
    form = SignInForm()
    action = url_for("web.sign_in", next=target)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return page(
            "sign_in.html", status, form=form, action=action, problems=problems_of(form), target=target
        )
    try:
        user = check_credentials(acting(), form.email.data or "", form.password.data or "")
    except DomainError as error:
        # The same words for an unknown email, a wrong password and a closed account.
        return page(
            "sign_in.html", error.status, form=form, action=action, refused=error.message, target=target
        )
    start_session(user)
    return see_other(target or url_for("web.home"))


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> ResponseReturnValue:
    end_session(acting())
    flash("You are signed out. To keep survivors' information safe, close this browser tab.", "success")
    return see_other(url_for("web.sign_in"))
