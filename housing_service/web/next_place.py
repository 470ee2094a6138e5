"""The next place for a survivor: suggested places with their reasons; the survivor decides.

Nothing here chooses for anyone: a place is held only when the case worker says the
survivor chose it, and a declined place is recorded with the survivor's reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, url_for
from flask_babel import gettext
from flask.typing import ResponseReturnValue

from ..errors import Conflict, InvalidInput
from ..i18n import current_words
from ..matching import Action, Candidate, wording
from ..models import Decision, Placement, Role, StepKind, StepStatus, TransitionPlan
from ..services import placements, plans, suggestions
from ..services.access import require_role
from ..services.actor import Actor
from .blueprint import bp
from .forms import DeclineForm, HoldSuggestionForm, PlanStepForm, StepStatusForm
from .presentation import stay_bar
from .queries import current_holds
from .rendering import Problem, acting, attach, now, page, problems_of, see_other, today


@dataclass(frozen=True)
class CandidateItem:
    candidate: Candidate
    fit: str  # in words: "Best fit: staff speak Spanish, the survivor's first language; a unit for 3"
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
    failed: tuple[int, DeclineForm | HoldSuggestionForm] | None = None,
    step_form: PlanStepForm | None = None,
) -> ResponseReturnValue:
    decisions = plans.list_decisions(actor, stay.client, now())
    if stay.exited_on is not None:
        # An ended stay gets no suggestions: say so, and point to the survivor's next stay.
        return page(
            "next_place.html",
            status,
            stay=stay,
            bar=stay_bar(stay, today()),
            ended=True,
            decisions=decisions,
            today=today(),
            problems=problems or [],
        )
    suggestion = suggestions.suggest_for_placement(actor, stay, today(), now())
    # "Best fit:" in the reader's language, as the reasons the suggestion gives are.
    words = current_words()
    items = []
    if suggestion.action == Action.SUGGEST:
        for rank, candidate in enumerate(suggestion.candidates):
            prefix = _prefix(candidate.site_id)
            decline_form = DeclineForm(formdata=None, prefix=prefix)
            hold_form = HoldSuggestionForm(formdata=None, space_id=candidate.space.space_id, prefix=prefix)
            if failed is not None and failed[0] == candidate.site_id:
                if isinstance(failed[1], DeclineForm):
                    decline_form = failed[1]
                else:
                    hold_form = failed[1]
            items.append(
                CandidateItem(candidate, wording.fit_words(candidate, rank == 0, words), hold_form, decline_form)
            )
    # A second hold from the same day needs a reason: ask for it before, not after, the tap.
    held_that_day = [
        hold
        for hold in current_holds([stay.client_id]).get(stay.client_id, [])
        if hold.starts_on == suggestion.move_by
    ]
    alternatives = [
        (candidate, wording.fit_words(candidate, rank == 0, words))
        for rank, candidate in enumerate(suggestion.alternatives)
    ]
    plan = plans.plan_of(stay)
    status_forms = {
        step.id: StepStatusForm(formdata=None, prefix=f"step-{step.id}", status=step.status.value)
        for step in (plan.steps if plan else [])
    }
    return page(
        "next_place.html",
        status,
        stay=stay,
        bar=stay_bar(stay, today()),
        ended=False,
        suggestion=suggestion,
        items=items,
        held_that_day=held_that_day,
        alternatives=alternatives,
        decisions=decisions,
        today=today(),
        problems=problems or [],
        plan=plan,
        step_form=step_form or PlanStepForm(formdata=None, prefix="step"),
        status_forms=status_forms,
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
        return _page(actor, stay, 422, problems_of(form), (site_id, form))
    try:
        hold = plans.hold_suggestion(
            actor, stay, site_id, form.space_id.data, today(), now(), form.override_reason.data
        )
    except (InvalidInput, Conflict) as error:
        return _page(actor, stay, error.status, attach(form, error), (site_id, form))
    flash(gettext("The survivor's choice is recorded and %(space)s is held there.", space=hold.space.label), "success")
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
    flash(gettext("Noted, with the survivor's reason. That place won't be suggested again for a while."), "success")
    return see_other(url_for("web.next_place", stay_id=stay.id))


# The transition plan: the move's target and date, and the steps toward it ------------------


def _plan_from_suggestion(actor: Actor, stay: Placement) -> TransitionPlan:
    # No tier or date given: save_plan takes both from the current suggestion.
    return plans.save_plan(actor, stay, target_tier=None, move_by=None, today=today(), now=now())


@bp.route("/stays/<int:stay_id>/plan", methods=["POST"])
def start_plan(stay_id: int) -> ResponseReturnValue:
    """A plan from the suggestion: the next tier and the move-by date, editable later."""
    actor = acting()
    stay = _stay(actor, stay_id)
    try:
        _plan_from_suggestion(actor, stay)
    except (InvalidInput, Conflict) as error:
        return _page(actor, stay, error.status, attach(None, error))
    flash(gettext("The plan is started. Add the steps the survivor needs before the move."), "success")
    return see_other(url_for("web.next_place", stay_id=stay.id) + "#plan-title")


@bp.route("/stays/<int:stay_id>/plan/steps", methods=["POST"])
def add_plan_step(stay_id: int) -> ResponseReturnValue:
    actor = acting()
    stay = _stay(actor, stay_id)
    form = PlanStepForm(prefix="step")
    if not form.validate_on_submit():
        return _page(actor, stay, 422, problems_of(form), step_form=form)
    try:
        plan = plans.plan_of(stay) or _plan_from_suggestion(actor, stay)
        data = {
            "kind": StepKind(form.kind.data),
            "description": form.description.data or "",
            "owner": form.owner.data or "",
            "due_on": form.due_on.data,
        }
        plans.add_step(actor, plan, data, now())
    except (InvalidInput, Conflict) as error:
        return _page(actor, stay, error.status, attach(form, error), step_form=form)
    flash(gettext("The step is added to the plan."), "success")
    return see_other(url_for("web.next_place", stay_id=stay.id) + "#plan-title")


@bp.route("/plan-steps/<int:step_id>/status", methods=["POST"])
def set_step_status(step_id: int) -> ResponseReturnValue:
    actor = acting()
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    step = plans.get_step(actor, step_id)
    form = StepStatusForm(prefix=f"step-{step.id}")
    stay = step.plan.placement
    if not form.validate_on_submit():
        return _page(actor, stay, 422, problems_of(form))
    plans.update_step(actor, step, {"status": StepStatus(form.status.data)}, now())
    # The step's words stay out of the flash message: it travels in the session cookie.
    flash(gettext("The step is updated."), "success")
    return see_other(url_for("web.next_place", stay_id=stay.id) + "#plan-title")
