"""Signing in (in one or two steps) and out, and the home page that sends each person to their main page."""

from __future__ import annotations

from flask import flash, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user

from ..errors import DomainError
from ..signing_in import (
    check_credentials,
    check_second_step,
    complete_sign_in,
    end_session,
    hold_for_second_step,
    needs_second_step,
    pending_second_step,
)
from .blueprint import bp
from .forms import SecondStepForm, SignInForm
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
    actor = acting()
    try:
        user = check_credentials(actor, form.email.data or "", form.password.data or "")
    except DomainError as error:
        # The same words for an unknown email, a wrong password and a closed account; a wait
        # (429) or an overdue second step (403) is not about a mistyped password.
        return page(
            "sign_in.html",
            error.status,
            form=form,
            action=action,
            refused=error.message,
            waiting=error.status != 401,
            target=target,
        )
    if needs_second_step(user):
        hold_for_second_step(user)
        return see_other(url_for("web.sign_in_second_step", next=target))
    complete_sign_in(actor, user)
    return see_other(target or url_for("web.home"))


@bp.route("/sign-in/second-step", methods=["GET", "POST"])
def sign_in_second_step() -> ResponseReturnValue:
    """The code from the authenticator app (or a recovery code), after the password."""
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return see_other(target or url_for("web.home"))
    user = pending_second_step()
    if user is None:
        flash(
            gettext("Please sign in again: the second step waits only a few minutes after the password."),
            "info",
        )
        return see_other(url_for("web.sign_in", next=target))
    form = SecondStepForm()
    action = url_for("web.sign_in_second_step", next=target)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return page("sign_in_second_step.html", status, form=form, action=action, problems=problems_of(form))
    actor = acting()
    try:
        check_second_step(actor, user, form.code.data or "")
    except DomainError as error:
        return page("sign_in_second_step.html", error.status, form=form, action=action, refused=error.message)
    complete_sign_in(actor, user)
    return see_other(target or url_for("web.home"))


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> ResponseReturnValue:
    end_session(acting())
    flash(
        gettext("You are signed out. To keep survivors' information safe, close this browser tab."), "success"
    )
    return see_other(url_for("web.sign_in"))
