"""The referral pages: an advocate sends one and sees where it stands; the site's staff answer it."""

from __future__ import annotations

from datetime import date

from flask import flash, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..errors import Conflict, InvalidInput
from ..input_bounds import LARGEST_ID
from ..models import ReferralStatus, Role
from ..services import clients, inventory
from ..services.access import manages_site, require_role
from ..vocabulary import ReferralUrgency
from ..web.blueprint import bp
from ..web.forms import DayField, PageForm, optional_int, options
from ..web.rendering import Problem, acting, attach, now, page, problems_of, see_other, today
from . import service

URGENCY_LABELS = {
    ReferralUrgency.TONIGHT: _l("Tonight"),
    ReferralUrgency.WITHIN_DAYS: _l("In the next few days"),
    ReferralUrgency.PLANNED_MOVE: _l("A planned move"),
}
STATUS_LABELS = {
    ReferralStatus.WAITING: _l("Waiting for an answer"),
    ReferralStatus.ACCEPTED: _l("Accepted"),
    ReferralStatus.DECLINED: _l("Declined"),
    ReferralStatus.UNANSWERED: _l("Not answered in time"),
    ReferralStatus.WITHDRAWN: _l("Withdrawn"),
}
CASELOAD_LIMIT = 200


class ReferralForm(PageForm):
    client_id = SelectField(
        "Who is the place for?",
        coerce=optional_int,
        validate_choice=False,
        validators=[
            InputRequired("Choose the survivor the place is for."),
            NumberRange(1, LARGEST_ID, "Choose a survivor from the list."),
        ],
    )
    site_id = IntegerField(validators=[InputRequired(), NumberRange(1, LARGEST_ID)])
    starts_on = DayField("First night", validators=[Optional()])
    ends_on = DayField("First night no longer needed (optional)", validators=[Optional()])
    urgency = RadioField(
        "How soon?",
        choices=options((value.value, label) for value, label in URGENCY_LABELS.items()),
        default=ReferralUrgency.TONIGHT.value,
        validators=[InputRequired("Choose how soon the place is needed.")],
    )
    callback_phone = StringField(
        "Your call-back number",
        validators=[InputRequired("Give a number the site can call you on."), Length(max=40)],
    )


class AcceptForm(PageForm):
    space_id = RadioField(
        "Which bed or unit?", coerce=optional_int, validators=[InputRequired("Choose the bed or unit.")]
    )


class DeclineForm(PageForm):
    reason = TextAreaField(
        "Why can't you take this household?",
        validators=[InputRequired("Say why, so the advocate can look elsewhere."), Length(max=1000)],
    )


class WithdrawForm(PageForm):
    pass


def _caseload_choices(form: ReferralForm) -> bool:
    records, _total = clients.list_clients(acting(), 1, CASELOAD_LIMIT, now())
    form.client_id.choices = options(
        ((c.id, f"{c.code} — {c.alias}" if c.alias else c.code) for c in records), "Choose a survivor"
    )
    return bool(records)


def _new_page(
    form: ReferralForm, status: int = 200, problems: list[Problem] | None = None
) -> ResponseReturnValue:
    actor = acting()
    has_caseload = _caseload_choices(form)
    site_id = form.site_id.data if isinstance(form.site_id.data, int) else 0
    return page(
        "referrals/new.html",
        status,
        form=form,
        site=inventory.get_site(site_id if 1 <= site_id <= LARGEST_ID else 0),
        has_caseload=has_caseload,
        problems=problems or [],
        actor=actor,
    )


@bp.route("/referrals/new", methods=["GET"])
def new_referral() -> ResponseReturnValue:
    require_role(acting(), Role.ADVOCATE, Role.CASE_MANAGER)
    form = ReferralForm(
        client_id=request.args.get("client", None, type=int),
        site_id=request.args.get("site", 0, type=int),
        starts_on=request.args.get("starts_on", None, type=date.fromisoformat),
    )
    return _new_page(form)


@bp.route("/referrals", methods=["POST"])
def send_referral() -> ResponseReturnValue:
    actor = acting()
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    form = ReferralForm()
    _caseload_choices(form)
    if not form.validate_on_submit():
        return _new_page(form, 422, problems_of(form))
    try:
        referral = service.send_referral(
            actor,
            service.ReferralRequest(
                site_id=form.site_id.data,
                client_id=form.client_id.data,
                starts_on=form.starts_on.data or today(),
                ends_on=form.ends_on.data,
                urgency=ReferralUrgency(form.urgency.data),
                callback_phone=form.callback_phone.data or "",
            ),
            now(),
            today(),
        )
    except (InvalidInput, Conflict) as error:
        return _new_page(form, error.status, attach(form, error))
    flash(
        gettext(
            "Referral sent. The site's staff will answer here, and call you back if they can take the"
            " household."
        )
    )
    return see_other(url_for("web.referral", referral_id=referral.id))


@bp.route("/referrals", methods=["GET"])
def referrals() -> ResponseReturnValue:
    """Partners: what waits for an answer at their sites; advocates: what they sent."""
    actor = acting()
    found = service.list_referrals(actor, None, None)
    waiting = [r for r in found if r.status == ReferralStatus.WAITING]
    return page(
        "referrals/list.html",
        waiting=waiting,
        answered=[r for r in found if r.status != ReferralStatus.WAITING][:50],
        status_labels=STATUS_LABELS,
        urgency_labels=URGENCY_LABELS,
        answering=actor.is_partner,
    )


def _referral_page(referral_id: int, status: int = 200, **forms: object) -> ResponseReturnValue:
    actor = acting()
    referral = service.get_referral(actor, referral_id)
    answering = manages_site(actor, referral.site) and referral.status == ReferralStatus.WAITING
    accept_form = forms.get("accept_form") or AcceptForm()
    places = service.places_that_fit(referral, today()) if answering else []
    accept_form.space_id.choices = options((space.id, space.label) for space in places)
    return page(
        "referrals/detail.html",
        status,
        referral=referral,
        answering=answering,
        sender=referral.requested_by_id == actor.user_id,
        places=places,
        accept_form=accept_form,
        decline_form=forms.get("decline_form") or DeclineForm(),
        withdraw_form=WithdrawForm(),
        problems=forms.get("problems") or [],
        status_labels=STATUS_LABELS,
        urgency_labels=URGENCY_LABELS,
        past_deadline=now() >= referral.respond_by,
    )


@bp.route("/referrals/<int:referral_id>", methods=["GET"])
def referral(referral_id: int) -> ResponseReturnValue:
    return _referral_page(referral_id)


@bp.route("/referrals/<int:referral_id>/accept", methods=["POST"])
def accept_referral(referral_id: int) -> ResponseReturnValue:
    actor = acting()
    record = service.get_referral(actor, referral_id)
    form = AcceptForm()
    form.space_id.choices = options(
        (space.id, space.label) for space in service.places_that_fit(record, today())
    )
    if not form.validate_on_submit():
        return _referral_page(referral_id, 422, accept_form=form, problems=problems_of(form))
    try:
        service.accept(actor, record, form.space_id.data, now(), today())
    except (InvalidInput, Conflict) as error:
        return _referral_page(referral_id, error.status, accept_form=form, problems=attach(form, error))
    flash(gettext("Accepted: the place is held. Call the advocate back on the number shown."), "success")
    return see_other(url_for("web.referral", referral_id=referral_id))


@bp.route("/referrals/<int:referral_id>/decline", methods=["POST"])
def decline_referral(referral_id: int) -> ResponseReturnValue:
    actor = acting()
    record = service.get_referral(actor, referral_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _referral_page(referral_id, 422, decline_form=form, problems=problems_of(form))
    try:
        service.decline(actor, record, form.reason.data or "", now())
    except (InvalidInput, Conflict) as error:
        return _referral_page(referral_id, error.status, decline_form=form, problems=attach(form, error))
    flash(gettext("Declined: the advocate sees your reason and can look elsewhere."), "success")
    return see_other(url_for("web.referrals"))


@bp.route("/referrals/<int:referral_id>/withdraw", methods=["POST"])
def withdraw_referral(referral_id: int) -> ResponseReturnValue:
    actor = acting()
    record = service.get_referral(actor, referral_id)
    if not WithdrawForm().validate_on_submit():
        return _referral_page(referral_id, 422)
    try:
        service.withdraw(actor, record, now())
    except Conflict as error:
        return _referral_page(referral_id, error.status, problems=attach(None, error))
    flash(gettext("Referral withdrawn."), "success")
    return see_other(url_for("web.referral", referral_id=referral_id))
