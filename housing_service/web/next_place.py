"""The next place for a survivor: suggested places with their reasons; the survivor decides.

Nothing here chooses for anyone: a place is held only when the case worker says the
survivor chose it, and a declined place is recorded with the survivor's reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, url_for
from flask.typing import ResponseReturnValue

from ..errors import Conflict, InvalidInput
from ..matching import Action, Candidate
from ..models import Decision, Placement, Role
from ..services import placements, plans, suggestions
from ..services.access import require_role
from ..services.actor import Actor
from .blueprint import bp
from .forms import DeclineForm, HoldSuggestionForm
from .presentation import stay_bar
from .rendering import Problem, acting, attach, now, page, problems_of, see_other, today


@dataclass(frozen=True)
class CandidateItem:
    candidate: Candidate
    hold_form: HoldSuggestionForm
    decline_form: DeclineForm


def _prefix(site_id: int) -> str:
    # Each place has its own forms on the page; the prefix keeps their fields apart.
    return f"site-{site_id}"


def _stay(actor: Actor, stay_id: int) -> Placement:
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    return placements.get_placement(actor, stay_id)


def _page(
    actor: Actor,
    stay: Placement,
    status: int = 200,
    problems: list[Problem] | None = None,
    failed: tuple[int, DeclineForm] | None = None,
) -> ResponseReturnValue:
    suggestion = suggestions.suggest_for_placement(actor, stay, today(), now())
    items = []
    if suggestion.action == Action.SUGGEST:
        for candidate in suggestion.candidates:
            prefix = _prefix(candidate.site_id)
            decline_form = DeclineForm(formdata=None, prefix=prefix)
            if failed is not None and failed[0] == candidate.site_id:
                decline_form = failed[1]
            hold_form = HoldSuggestionForm(formdata=None, space_id=candidate.space.space_id, prefix=prefix)
            items.append(CandidateItem(candidate, hold_form, decline_form))
    return page(
        "next_place.html",
        status,
        stay=stay,
        bar=stay_bar(stay, today()),
        suggestion=suggestion,
        items=items,
        problems=problems or [],
    )


@bp.route("/stays/<int:stay_id>/next", methods=["GET"])
def next_place(stay_id: int) -> ResponseReturnValue:
    actor = acting()
    return _page(actor, _stay(actor, stay_id))


@bp.route("/stays/<int:stay_id>/next/<int:site_id>/hold", methods=["POST"])
def hold_suggested_place(stay_id: int, site_id: int) -> ResponseReturnValue:
    """The survivor chose this place: hold it from the move-by date (and record the choice)."""
    actor = acting()
    stay = _stay(actor, stay_id)
    form = HoldSuggestionForm(prefix=_prefix(site_id))
    if not form.validate_on_submit():
        return _page(actor, stay, 422, problems_of(form))
    try:
        hold = plans.hold_suggestion(actor, stay, site_id, form.space_id.data, today(), now())
    except (InvalidInput, Conflict) as error:
        return _page(actor, stay, error.status, attach(None, error))
    flash(f"The survivor's choice is recorded and {hold.space.label} at {hold.site.name} is held.", "success")
    return see_other(url_for("web.hold", hold_id=hold.id))


@bp.route("/stays/<int:stay_id>/next/<int:site_id>/decline", methods=["POST"])
def decline_suggested_place(stay_id: int, site_id: int) -> ResponseReturnValue:
    """Not for them: noted with the survivor's reason, and not suggested again for a while."""
    actor = acting()
    stay = _stay(actor, stay_id)
    form = DeclineForm(prefix=_prefix(site_id))
    if not form.validate_on_submit():
        return _page(actor, stay, 422, problems_of(form), (site_id, form))
    try:
        plans.record_decision(actor, stay, site_id, Decision.DECLINED, form.reason.data, today(), now())
    except (InvalidInput, Conflict) as error:
        return _page(actor, stay, error.status, attach(form, error), (site_id, form))
    flash("Noted, with the survivor's reason. That place won't be suggested again for a while.", "success")
    return see_other(url_for("web.next_place", stay_id=stay.id))
