"""A stay's exit (with where the survivor went), its extension (with why, and who approved), and a
move to another bed or unit of the same tier (the episode, and its clock, go on)."""

from __future__ import annotations

from flask import flash, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from ..errors import Conflict, InvalidInput
from ..models import Placement
from ..services import moves, placements
from ..services.access import manages_site
from ..services.actor import Actor
from .blueprint import bp
from .forms import ExitForm, ExtensionForm, MoveForm, PageForm
from .presentation import EXIT_CHOICES, day_text, exit_choice_options, stay_bar
from .rendering import Problem, acting, attach, now, page, problems_of, see_other, today


def _back(actor: Actor, stay: Placement, site_row: str | None = None) -> str:
    """Where the person came from, at the row they acted on: the site's page for its staff
    (the stay's row, or `site_row`), the survivor's card on the caseload for the case team."""
    if manages_site(actor, stay.site) and not actor.is_admin:
        return url_for("web.site", site_id=stay.site_id, _anchor=site_row or f"stay-{stay.id}")
    return url_for("web.caseload", _anchor=f"case-{stay.client_id}")


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
        gettext(
            "The exit is recorded. %(space)s is free from %(day)s.",
            space=stay.space.label,
            day=day_text(stay.exited_on),
        ),
        "success",
    )
    # The stay's row is gone from the site's page: back to its bed, free again.
    return see_other(_back(actor, stay, site_row=f"space-{stay.space_id}"))


def _stay_form_page(
    template: str,
    actor: Actor,
    stay: Placement,
    form: PageForm,
    status: int = 200,
    problems: list[Problem] | None = None,
) -> ResponseReturnValue:
    """A form about one stay (an extension, a move), with its bar and the way back."""
    return page(
        template,
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
        return _stay_form_page(
            "extension.html", actor, stay, form, 422 if form.is_submitted() else 200, problems_of(form)
        )
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
        return _stay_form_page("extension.html", actor, stay, form, error.status, attach(form, error))
    flash(
        gettext("The stay now ends on %(day)s.", day=day_text(extension.new_end_on)),
        "success",
    )
    return see_other(_back(actor, stay))


@bp.route("/stays/<int:stay_id>/move", methods=["GET", "POST"])
def move_stay(stay_id: int) -> ResponseReturnValue:
    """Move to another bed or unit: days used, the limit and the move-by date stay as they are."""
    actor = acting()
    stay = placements.get_placement(actor, stay_id)
    form = MoveForm()
    form.space_id.choices = [(None, "Choose a bed or unit")] + [
        (space.id, space.label if space.site_id == stay.site_id else f"{space.label} at {space.site.name}")
        for space in moves.move_options(actor, stay)
    ]
    if not form.validate_on_submit():
        return _stay_form_page(
            "move.html", actor, stay, form, 422 if form.is_submitted() else 200, problems_of(form)
        )
    try:
        moved = moves.move(
            actor, stay, space_id=form.space_id.data, reason=form.reason.data or "", now=now(), today=today()
        )
    except (InvalidInput, Conflict) as error:
        return _stay_form_page("move.html", actor, stay, form, error.status, attach(form, error))
    flash(
        f"{stay.client.code} now stays in {moved.space.label} at {moved.site.name}; "
        f"the stay still ends on {day_text(moved.expected_end_on)}."
        if moved.expected_end_on
        else f"{stay.client.code} now stays in {moved.space.label} at {moved.site.name}.",
        "success",
    )
    return see_other(_back(actor, moved))


@bp.route("/stays/<int:stay_id>/undo-check-in", methods=["POST"])
def undo_check_in(stay_id: int) -> ResponseReturnValue:
    """A check-in made by mistake, taken back within 15 minutes: the hold is held again."""
    actor = acting()
    stay = placements.get_placement(actor, stay_id)
    code, label, site_id, hold_id = stay.client.code, stay.space.label, stay.site_id, stay.hold_id
    form = PageForm()
    if not form.validate_on_submit():
        return see_other(_back(actor, stay))
    try:
        moves.undo_check_in(actor, stay, now())
    except (InvalidInput, Conflict) as error:
        flash(error.message, "error")
        return see_other(url_for("web.site", site_id=site_id, _anchor=f"stay-{stay_id}"))
    flash(
        gettext(
            "The check-in of %(code)s to %(space)s is undone; the hold is as it was.", code=code, space=label
        ),
        "success",
    )
    # The hold is back among the arrivals: its row there.
    return see_other(url_for("web.site", site_id=site_id, _anchor=f"hold-{hold_id}"))
