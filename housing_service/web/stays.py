"""A stay's exit (with where the survivor went) and its extension (with why, and who approved)."""

from __future__ import annotations

from flask import flash, url_for
from flask.typing import ResponseReturnValue

from ..errors import Conflict, InvalidInput
from ..models import Placement
from ..services import placements
from ..services.access import manages_site
from ..services.actor import Actor
from .blueprint import bp
from .forms import ExitForm, ExtensionForm
from .presentation import EXIT_CHOICES, day_text, exit_choice_options, stay_bar
from .rendering import Problem, acting, attach, now, page, problems_of, see_other, today


def _back(actor: Actor, stay: Placement) -> str:
    """Where the person came from: the site's page for its staff, the caseload for the case team."""
    if manages_site(actor, stay.site) and not actor.is_admin:
        return url_for("web.site", site_id=stay.site_id)
    return url_for("web.caseload")


def _exit_page(
    actor: Actor, stay: Placement, form: ExitForm, status: int = 200, problems: list[Problem] | None = None
) -> ResponseReturnValue:
    return page(
        "exit.html",
        status,
        stay=stay,
        bar=stay_bar(stay, today()),
        form=form,
        groups=exit_choice_options(),
        problems=problems or [],
        back=_back(actor, stay),
    )


@bp.route("/stays/<int:stay_id>/exit", methods=["GET", "POST"])
def record_exit(stay_id: int) -> ResponseReturnValue:
    actor = acting()
    stay = placements.get_placement(actor, stay_id)
    form = ExitForm(exited_on=today())
    if not form.validate_on_submit():
        return _exit_page(actor, stay, form, 422 if form.is_submitted() else 200, problems_of(form))
    choice = EXIT_CHOICES[form.destination.data or ""]
    try:
        placements.exit_stay(
            actor,
            stay,
            exited_on=form.exited_on.data,
            destination=choice.destination,
            subsidy_type=form.subsidy_type.data if choice.asks_for_subsidy else None,
            destination_text=choice.text or (form.destination_text.data if choice.asks_for_text else None),
            now=now(),
            today=today(),
        )
    except (InvalidInput, Conflict) as error:
        return _exit_page(actor, stay, form, error.status, attach(form, error))
    flash(
        f"The exit is recorded. {stay.space.label} is free from {day_text(stay.exited_on)}.",
        "success",
    )
    return see_other(_back(actor, stay))


def _extension_page(
    actor: Actor,
    stay: Placement,
    form: ExtensionForm,
    status: int = 200,
    problems: list[Problem] | None = None,
) -> ResponseReturnValue:
    return page(
        "extension.html",
        status,
        stay=stay,
        bar=stay_bar(stay, today()),
        form=form,
        problems=problems or [],
        back=_back(actor, stay),
    )


@bp.route("/stays/<int:stay_id>/extension", methods=["GET", "POST"])
def extend_stay(stay_id: int) -> ResponseReturnValue:
    actor = acting()
    stay = placements.get_placement(actor, stay_id)
    form = ExtensionForm()
    if not form.validate_on_submit():
        return _extension_page(actor, stay, form, 422 if form.is_submitted() else 200, problems_of(form))
    try:
        extension = placements.extend(
            actor,
            stay,
            new_end_on=form.new_end_on.data,
            reason=form.reason.data or "",
            approved_by=form.approved_by.data or "",
            now=now(),
        )
    except (InvalidInput, Conflict) as error:
        return _extension_page(actor, stay, form, error.status, attach(form, error))
    flash(
        f"The stay now ends on {day_text(extension.new_end_on)}.",
        "success",
    )
    return see_other(_back(actor, stay))
