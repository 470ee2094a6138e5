"""The caseload: each survivor's current stay against its limit, holds, flags, and next steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import flash, request, url_for
from flask_babel import gettext
from flask.typing import ResponseReturnValue

from ..errors import Conflict, InvalidInput
from ..matching import Suggestion
from ..models import Client, Hold, HoldStatus, Placement, Role, TransitionPlan
from ..services import clients, flags, inventory, suggestions
from ..services.access import require_role
from ..vocabulary import AgeGroup, ChildAgeBracket, Gender, SpaceFeature, Tier
from .blueprint import bp
from .flag_views import FlagItem, flag_items
from .forms import ClientForm, options
from .presentation import StayBar, stay_bar
from .queries import current_holds, current_stays, plans_of
from .rendering import acting, attach, now, page, page_number_of, problems_of, see_other, today

CLIENTS_PER_PAGE = 25
NEEDS_ACTION = "needs-action"  # ?show=needs-action: only the survivors with an open flag
# Suggestions are worked out for this many current stays at once (soonest end first).
SUGGESTIONS_AT_ONCE = 200


@dataclass(frozen=True)
class NextPlace:
    """Where the bed board opens to find the survivor's next place."""

    tier: Tier
    starts_on: date
    url: str


@dataclass(frozen=True)
class Choice:
    """The next place the survivor chose, as the card says it: "Bridgeway held from Dec 11 · plan started"."""

    site_name: str
    held_from: date | None  # None: the place was chosen, but no bed is held there now
    plan_url: str


@dataclass(frozen=True)
class CaseRow:
    client: Client
    stay: Placement | None
    bar: StayBar | None
    holds: list[Hold]
    flags: list[FlagItem] = field(default_factory=list)
    next_place: NextPlace | None = None
    suggestion: Suggestion | None = None
    choice: Choice | None = None


def _choice(stay: Placement | None, plan: TransitionPlan | None) -> Choice | None:
    """Once the survivor has chosen, the card shows their choice instead of suggesting again."""
    if stay is None or plan is None or plan.chosen_site is None:
        return None
    hold = plan.hold if plan.hold is not None and plan.hold.status == HoldStatus.HELD else None
    return Choice(
        plan.chosen_site.name,
        hold.starts_on if hold else None,
        url_for("web.next_place", stay_id=stay.id, _anchor="plan-title"),
    )


def _next_place(client: Client, stay: Placement | None, on: date) -> NextPlace | None:
    """For a stay with a next tier: a bed board search from the night the stay is planned to end."""
    if stay is None:
        return None
    tier = Tier(stay.tier).next
    if tier is None:
        return None
    starts_on = max(stay.expected_end_on or on, on)
    url = url_for("web.bed_board", client=client.id, tier=tier.value, starts_on=starts_on.isoformat())
    return NextPlace(tier, starts_on, url)


@bp.route("/caseload", methods=["GET"])
def caseload() -> ResponseReturnValue:
    """The worklist: most urgent first (see clients.list_worklist); 'needs action' keeps the
    survivors with an open flag."""
    actor = acting()
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    page_number = page_number_of(request.args)
    needs_action = request.args.get("show") == NEEDS_ACTION
    on, moment = today(), now()
    records, total = clients.list_worklist(
        actor, page_number, CLIENTS_PER_PAGE, moment, needs_action=needs_action
    )
    ids = [client.id for client in records]
    stays, held = current_stays(ids), current_holds(ids)
    plans = plans_of([stay.id for stay in stays.values()])
    flags_by_client = flags.open_flags_of_clients(actor, ids)
    pairs, _total = suggestions.suggest_for_caseload(actor, on, moment, 1, SUGGESTIONS_AT_ONCE)
    suggested = {placement.id: suggestion for placement, suggestion in pairs}
    rows = []
    for client in records:
        stay = stays.get(client.id)
        choice = _choice(stay, plans.get(stay.id) if stay else None)
        rows.append(
            CaseRow(
                client=client,
                stay=stay,
                bar=stay_bar(stay, on) if stay else None,
                holds=held.get(client.id, []),
                flags=flag_items(actor, flags_by_client.get(client.id, [])),
                next_place=_next_place(client, stay, on),
                suggestion=suggested.get(stay.id) if stay and choice is None else None,
                choice=choice,
            )
        )
    return page(
        "caseload.html",
        rows=rows,
        total=total,
        page_number=page_number,
        pages=-(-total // CLIENTS_PER_PAGE),
        needs_action=needs_action,
        show=NEEDS_ACTION if needs_action else None,
        today=on,
        now=moment,
    )


def _client_form_choices(form: ClientForm) -> None:
    form.avoid_area_ids.choices = options((area.id, area.name) for area in inventory.list_areas())


def household_data(form: ClientForm) -> dict[str, object]:
    """A new record's household and needs, as the form (or the walk-in form) gives them."""
    children = (
        [ChildAgeBracket.INFANT] * (form.infants.data or 0)
        + [ChildAgeBracket.YOUNG_CHILD] * (form.young_children.data or 0)
        + [ChildAgeBracket.CHILD] * (form.school_children.data or 0)
        + [ChildAgeBracket.TEEN] * (form.teens.data or 0)
    )
    return {
        "age_group": AgeGroup(form.age_group.data),
        "gender": Gender(form.gender.data) if form.gender.data else None,
        "age_years": form.age_years.data,
        "adults": form.adults.data,
        "children": children,
        "languages": list(form.languages.data or []),
        "accessibility_needs": [SpaceFeature(need) for need in form.accessibility_needs.data or []],
        "has_pets": bool(form.has_pets.data),
    }


def _record_data(form: ClientForm) -> dict[str, object]:
    return {
        "alias": form.alias.data or None,
        **household_data(form),
        "avoid_area_ids": list(form.avoid_area_ids.data or []),
    }


@bp.route("/caseload/new", methods=["GET", "POST"])
def new_client() -> ResponseReturnValue:
    """Open a survivor's record: the least that finds a safe bed (no legal name, no birth date)."""
    actor = acting()
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    form = ClientForm()
    _client_form_choices(form)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return page("client_new.html", status, form=form, problems=problems_of(form))
    try:
        client = clients.create_client(actor, _record_data(form), now())
    except (InvalidInput, Conflict) as error:
        return page("client_new.html", error.status, form=form, problems=attach(form, error))
    flash(
        gettext(
            "The record is open. Its code is shown below, as the survivor chosen: write it down, "
            "it is how colleagues refer to them."
        ),
        "success",
    )
    return see_other(url_for("web.bed_board", client=client.id))
