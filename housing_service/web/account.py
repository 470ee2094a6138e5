"""My account: who I am signed in as, my password, two-step sign-in, and signing out everywhere."""

from __future__ import annotations

from flask import current_app, flash, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, gettext
from flask_login import logout_user

from ..errors import DomainError, InvalidInput
from ..i18n import select_locale
from ..services import accounts, passwords, two_factor
from ..signing_in import confirm_password, second_factor_standing
from ..signing_in import sign_out_everywhere as end_everything
from .blueprint import bp
from .forms import PasswordChangeForm, TwoStepConfirmForm, TwoStepStartForm
from .forms_language import AS_BROWSER, LanguageForm
from .rendering import Problem, acting, attach, now, page, problems_of, see_other, today


def _account_page(
    form: PasswordChangeForm,
    status: int = 200,
    problems: list[Problem] | None = None,
    language_form: LanguageForm | None = None,
) -> ResponseReturnValue:
    person = acting().signed_in_user
    if language_form is None:
        language_form = LanguageForm(formdata=None, locale=person.locale or AS_BROWSER)
    return page(
        "account.html",
        status,
        person=person,
        form=form,
        language_form=language_form,
        problems=problems or [],
        minimum_length=passwords.MINIMUM_LENGTH,
        standing=second_factor_standing(acting().signed_in_user),
        today=today(),
    )


@bp.route("/account", methods=["GET"])
def account() -> ResponseReturnValue:
    return _account_page(PasswordChangeForm(formdata=None))


@bp.route("/account/language", methods=["POST"])
def choose_language() -> ResponseReturnValue:
    form = LanguageForm()
    if not form.validate_on_submit():
        return _account_page(PasswordChangeForm(formdata=None), 422, problems_of(form), language_form=form)
    chosen = form.locale.data or None
    accounts.choose_language(acting(), chosen, current_app.config["LANGUAGES"])
    # Said in the language just chosen: the next page is in it.
    with force_locale(select_locale()):
        flash(gettext("Your language is saved: pages and messages are now in this language."), "success")
    return see_other(url_for("web.account"))


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
        gettext(
            "Your password is changed. You are signed out everywhere, here too, and your API tokens no "
            "longer work: sign in again with your new password."
        ),
        "success",
    )
    return see_other(url_for("web.sign_in"))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
def sign_out_everywhere() -> ResponseReturnValue:
    end_everything(acting())
    flash(
        gettext(
            "You are signed out everywhere: on this device and on any other where you were signed in, "
            "and your API tokens no longer work. To keep survivors' information safe, close this browser tab."
        ),
        "success",
    )
    return see_other(url_for("web.sign_in"))


# Two-step sign-in ---------------------------------------------------------------------------


def _two_step_page(status: int = 200, problems: list[Problem] | None = None, **context: object):
    person = acting().signed_in_user
    standing = second_factor_standing(person)
    context.setdefault("start_form", TwoStepStartForm(formdata=None))
    context.setdefault("confirm_form", TwoStepConfirmForm(formdata=None))
    return page(
        "two_step.html",
        status,
        person=person,
        standing=standing,
        codes_left=two_factor.recovery_codes_left(person) if standing.enabled else 0,
        problems=problems or [],
        today=today(),
        **context,
    )


def _setup(person_uri: str, secret: str) -> dict[str, str]:
    return {"secret": secret, "qr_code": two_factor.qr_code_svg(person_uri)}


@bp.route("/account/two-step", methods=["GET"])
def two_step() -> ResponseReturnValue:
    return _two_step_page()


@bp.route("/account/two-step/start", methods=["POST"])
def start_two_step() -> ResponseReturnValue:
    """Password again, then a new secret: shown as a QR code on this answer only."""
    actor = acting()
    form = TwoStepStartForm()
    if not form.validate_on_submit():
        return _two_step_page(422, problems_of(form), start_form=form)
    try:
        confirm_password(actor, form.current_password.data or "")
        secret = two_factor.begin_enrolment(actor, now())
    except DomainError as error:
        form.current_password.errors = list(error.errors.get("current_password", []))
        problems = problems_of(form) or [Problem(error.message, form.current_password.id)]
        return _two_step_page(error.status, problems, start_form=form)
    return _two_step_page(setup=_setup(two_factor.setup_uri(actor.signed_in_user), secret))


@bp.route("/account/two-step/confirm", methods=["POST"])
def confirm_two_step() -> ResponseReturnValue:
    """The code the app shows: two-step sign-in is on, and the recovery codes are shown once."""
    actor = acting()
    person = actor.signed_in_user
    form = TwoStepConfirmForm()
    if person.totp_secret is None or person.totp_enabled_at is not None:
        return see_other(url_for("web.two_step"))
    setup = _setup(two_factor.setup_uri(person), person.totp_secret)
    if not form.validate_on_submit():
        return _two_step_page(422, problems_of(form), confirm_form=form, setup=setup)
    try:
        codes = two_factor.confirm_enrolment(actor, form.code.data or "", now())
    except DomainError as error:
        return _two_step_page(error.status, attach(form, error), confirm_form=form, setup=setup)
    return _two_step_page(recovery_codes=codes)
