"""The bed board, and holding a bed in three steps: choose the survivor, the bed, confirm."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import flash, request, url_for
from flask.typing import ResponseReturnValue
from wtforms.fields.choices import SelectChoice

from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..input_bounds import day_argument, id_argument
from ..models import Client, Hold, HoldStatus, Role, Site, Space
from ..services import addresses, availability, clients, holds, inventory
from ..services.access import require_role
from ..services.actor import Actor
from ..vocabulary import AgeGroup, Gender, SpaceFeature, Tier
from .blueprint import bp
from .forms import BedSearchForm, HoldForm, ReleaseForm, options
from .presentation import (
    AGE_GROUP_LABELS,
    FEATURE_LABELS,
    GENDER_LABELS,
    TIER_LABELS,
    Freshness,
    freshness,
    language_name,
    plural,
)
from .queries import languages_offered
from .rendering import Problem, acting, attach, now, page, page_number_of, problems_of, see_other, today

RESULTS_PER_PAGE = 10
CASELOAD_LIMIT = 200


@dataclass(frozen=True)
class BoardSite:
    """One site on the board, as this person may see it."""

    site: Site
    free_spaces: list[availability.FreeSpace]
    free_beds: int
    free_units: int
    freshness: Freshness
    address: str | None
    free_until: date | None


def _caseload(actor: Actor) -> list[Client]:
    records, _total = clients.list_clients(actor, 1, CASELOAD_LIMIT, now())
    return records


def client_choices(caseload: list[Client]) -> list[SelectChoice]:
    return options(
        ((c.id, f"{c.code} — {c.alias}" if c.alias else c.code) for c in caseload), "Choose a survivor"
    )


def _prefill_from_record(form: BedSearchForm, client: Client) -> None:
    """Start the search from the survivor's household, needs and safety plan.

    Only hard constraints are copied; the languages they speak are a preference, so the
    board is not narrowed to them.
    """
    form.adults.data = client.adults
    form.children.data = len(client.children)
    form.gender.data = client.gender.value if client.gender else None
    form.age_group.data = client.age_group.value
    form.needs.data = [str(need) for need in client.accessibility_needs]
    form.pets.data = client.has_pets
    form.avoid_area.data = list(client.avoid_area_ids)


def _query(form: BedSearchForm, starts_on: date, page_number: int) -> availability.AvailabilityQuery:
    return availability.AvailabilityQuery(
        starts_on=starts_on,
        tier=Tier(form.tier.data) if form.tier.data else None,
        household=availability.Household(form.adults.data or 0, form.children.data or 0),
        gender=Gender(form.gender.data) if form.gender.data else None,
        age_group=AgeGroup(form.age_group.data) if form.age_group.data else None,
        language=form.language.data,
        needs=frozenset(SpaceFeature(need) for need in form.needs.data or ()),
        pets=bool(form.pets.data),
        avoid_area_ids=frozenset(form.avoid_area.data or ()),
        page=page_number,
        per_page=RESULTS_PER_PAGE,
    )


def _criteria(form: BedSearchForm) -> list[str]:
    """The search in words, shown while the form is folded away."""
    adults, children = form.adults.data or 0, form.children.data or 0
    words = [plural(adults, "adult") + (f", {plural(children, 'child', 'children')}" if children else "")]
    if form.tier.data:
        words.append(TIER_LABELS[Tier(form.tier.data)].lower())
    if form.gender.data:
        words.append(GENDER_LABELS[Gender(form.gender.data)].lower())
    if form.age_group.data:
        words.append(AGE_GROUP_LABELS[AgeGroup(form.age_group.data)].lower())
    words += [FEATURE_LABELS[SpaceFeature(need)].lower() for need in form.needs.data or ()]
    if form.pets.data:
        words.append("with a pet")
    if form.language.data:
        words.append(f"staff speak {language_name(form.language.data)}")
    avoided = [
        str(choice.label)
        for choice in form.avoid_area.choices or ()
        if int(choice.value) in (form.avoid_area.data or ())
    ]
    if avoided:
        words.append("leaving out " + ", ".join(avoided))
    return words


def _board_site(actor: Actor, item: availability.SiteAvailability) -> BoardSite:
    site = item.site
    return BoardSite(
        site=site,
        free_spaces=item.free_spaces,
        free_beds=item.free_beds,
        free_units=item.free_units,
        freshness=freshness(site.availability_confirmed_at, now()),
        address=addresses.on_lists(actor, site),
        free_until=item.free_until,
    )


@bp.route("/beds", methods=["GET"])
def bed_board() -> ResponseReturnValue:
    actor = acting()
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    caseload = _caseload(actor)
    form = BedSearchForm(request.args)
    form.client.choices = client_choices(caseload)
    form.language.choices = options(((code, language_name(code)) for code in languages_offered()), "Any")
    form.avoid_area.choices = options((area.id, area.name) for area in inventory.list_areas())
    chosen = next((c for c in caseload if c.id == form.client.data), None)
    if chosen is not None and "searched" not in request.args:
        _prefill_from_record(form, chosen)
    valid = form.validate()
    if form.client.data is not None and chosen is None:
        form.client.errors = ["That survivor is not on your caseload; choose one from the list."]
        valid = False

    on = today()
    starts_on = form.starts_on.data or on
    page_number = page_number_of(request.args)
    problems: list[Problem] = []
    result = None
    if valid:
        try:
            result = availability.search(actor, _query(form, starts_on, page_number), on, now())
        except InvalidInput as error:
            problems = attach(form, error)
    else:
        problems = problems_of(form)
    sites = [_board_site(actor, item) for item in result.items] if result else []
    return page(
        "beds.html",
        422 if problems else 200,
        form=form,
        problems=problems,
        chosen=chosen,
        sites=sites,
        criteria=_criteria(form) if valid else [],
        page_number=page_number,
        has_more=result.has_more if result else False,
        starts_on=starts_on,
        today=on,
        my_holds=holds.list_holds(actor, HoldStatus.HELD, None),
    )


def _hold_page(
    form: HoldForm,
    space: Space,
    caseload: list[Client],
    status: int = 200,
    problems: list[Problem] | None = None,
    start_again: bool = False,
) -> ResponseReturnValue:
    starts_on = form.starts_on.data or today()
    return page(
        "hold_confirm.html",
        status,
        form=form,
        space=space,
        site=space.site,
        starts_on=starts_on,
        today=today(),
        problems=problems or [],
        ask_for_override=bool(form.override_reason.data) or bool(form.override_reason.errors),
        has_caseload=bool(caseload),
        start_again=start_again,
    )


@bp.route("/holds/new", methods=["GET"])
def new_hold() -> ResponseReturnValue:
    """Step 3: check the details and confirm (nothing is held until then)."""
    actor = acting()
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    space = inventory.get_space(id_argument("space", request.args.get("space")) or 0)
    starts_on = day_argument("starts_on", request.args.get("starts_on"))
    if space.site.screened:  # no holds there: the page for a referral instead
        return see_other(
            url_for(
                "web.new_referral",
                site=space.site_id,
                client=id_argument("client", request.args.get("client")),
            )
        )
    caseload = _caseload(actor)
    form = HoldForm(
        client_id=id_argument("client", request.args.get("client")), space_id=space.id, starts_on=starts_on
    )
    form.client_id.choices = client_choices(caseload)
    return _hold_page(form, space, caseload)


@bp.route("/holds", methods=["POST"])
def create_hold() -> ResponseReturnValue:
    actor = acting()
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    caseload = _caseload(actor)
    form = HoldForm()
    form.client_id.choices = client_choices(caseload)
    space = inventory.get_space(form.space_id.data or 0)
    if not form.validate_on_submit():
        return _hold_page(form, space, caseload, 422, problems_of(form))
    if space.site.screened:
        why = f"{space.site.name} screens referrals: send a referral from the bed board instead of a hold."
        return _hold_page(form, space, caseload, 409, [Problem(why)], start_again=True)
    try:
        hold = holds.create_hold(
            actor,
            client_id=form.client_id.data,
            space_id=space.id,
            starts_on=form.starts_on.data,
            ends_on=None,
            override_reason=form.override_reason.data,
            now=now(),
            today=today(),
        )
    except (InvalidInput, Conflict) as error:
        if (why := _choose_again(error)) is not None:
            db.session.rollback()  # the refused write must not be flushed again while rendering
            return _hold_page(form, space, caseload, error.status, [Problem(why)], start_again=True)
        return _hold_page(form, space, caseload, error.status, attach(form, error))
    return see_other(url_for("web.hold", hold_id=hold.id))


def _choose_again(error: InvalidInput | Conflict) -> str | None:
    """A refusal about the bed or the night, which this page can't change: what to do instead."""
    if isinstance(error, Conflict) and "space_id" in error.errors:
        return (
            "Someone has just held this bed or unit, or it is taken for some of those nights. "
            "Choose another one on the bed board."
        )
    if "space_id" in error.errors:
        return f"{error.errors['space_id'][0]} Choose another bed or unit on the bed board."
    if "starts_on" in error.errors:
        return f"First night: {error.errors['starts_on'][0]} Search the bed board again."
    return None


@bp.route("/holds/<int:hold_id>", methods=["GET"])
def hold(hold_id: int) -> ResponseReturnValue:
    """The hold: where to take the survivor (the address, for the person holding it) and by when."""
    actor = acting()
    return _hold_view(actor, holds.get_hold(actor, hold_id), ReleaseForm())


def _hold_view(actor: Actor, record: Hold, form: ReleaseForm, status: int = 200) -> ResponseReturnValue:
    current = record.is_current(now())
    return page(
        "hold.html",
        status,
        hold=record,
        current=current,
        address=addresses.for_hold(actor, record, now()),
        mine=record.held_by_id == actor.user_id,
        release_form=form,
        today=today(),
    )


@bp.route("/holds/<int:hold_id>/release", methods=["POST"])
def release_hold(hold_id: int) -> ResponseReturnValue:
    actor = acting()
    record = holds.get_hold(actor, hold_id)
    form = ReleaseForm()
    if not form.validate_on_submit():
        return _hold_view(actor, record, form, 422)
    holds.release_hold(actor, record, form.reason.data, now())
    flash(f"The hold on {record.space.label} is released; it is free again.", "success")
    return see_other(url_for("web.bed_board"))
