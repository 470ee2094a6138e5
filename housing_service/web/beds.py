"""A bed tonight: the bed board, ranked for one household, and the hold confirmed in one step.

Who the bed is for is asked on the board itself (a record, or someone new described in a few
fields); the hold step opens the record for someone new as it holds the bed, so no path ends
at "open a record first".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.lists import format_list
from flask import flash, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext, ngettext
from wtforms.fields.choices import SelectChoice

from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..i18n import current_words
from ..input_bounds import day_argument, id_argument
from ..matching import Household as MatchedHousehold
from ..matching import Preference, SurvivorProfile
from ..models import Client, Hold, HoldStatus, Role, Space
from ..services import addresses, availability, board_ranking, clients, holds, inventory, suggestions
from ..services.access import require_role
from ..services.actor import Actor
from ..vocabulary import AgeGroup, CasePhase, ChildAgeBracket, Gender, SpaceFeature, Tier, child_age_bracket
from .blueprint import bp
from .forms import (
    NEW_RECORD,
    BedSearchForm,
    HoldForm,
    ReleaseForm,
    SomeoneNewFields,
    children_ages,
    options,
    spoken_language_options,
)
from .presentation import (
    ACCESSIBILITY_NEEDS,
    AGE_GROUP_LABELS,
    CHILD_AGE_LABELS,
    FEATURE_LABELS,
    GENDER_LABELS,
    Freshness,
    freshness,
    language_name,
)
from .rendering import Problem, acting, attach, now, page, page_number_of, problems_of, see_other, today

RESULTS_PER_PAGE = 10
CASELOAD_LIMIT = 200
# The sites ranked by fit on each search: the most recently confirmed this many that have room.
RANKED_SITES = 200


@dataclass(frozen=True)
class Who:
    """Who the bed is for: a survivor's record, or someone new as described on the board."""

    record: Client | None
    adults: int
    children: tuple[ChildAgeBracket, ...]
    languages: tuple[str, ...]  # the most comfortable first
    needs: frozenset[SpaceFeature]
    gender: Gender | None
    age_group: AgeGroup | None
    pets: bool
    avoid_area_ids: frozenset[int]

    @classmethod
    def of_record(cls, client: Client) -> Who:
        """The household, needs and safety plan as recorded: the record is the truth about them."""
        return cls(
            record=client,
            adults=client.adults,
            children=tuple(ChildAgeBracket(child) for child in client.children),
            languages=tuple(client.languages),
            needs=frozenset(client.accessibility_needs),
            gender=client.gender,
            age_group=client.age_group,
            pets=client.has_pets,
            avoid_area_ids=frozenset(client.avoid_area_ids),
        )

    @classmethod
    def described(cls, form: SomeoneNewFields) -> Who:
        """Someone new, as the (validated) form describes them."""
        return cls(
            record=None,
            adults=form.adults.data if form.adults.data is not None else 1,
            children=tuple(child_age_bracket(age) for age in children_ages(form.children_ages.data)),
            languages=(form.language.data,) if form.language.data else (),
            needs=frozenset(SpaceFeature(need) for need in form.needs.data or ()),
            gender=Gender(form.gender.data) if form.gender.data else None,
            age_group=AgeGroup(form.age_group.data) if form.age_group.data else None,
            pets=bool(form.pets.data),
            avoid_area_ids=frozenset(form.avoid_area.data or ()),
        )

    def profile(self) -> SurvivorProfile:
        """Their preferences as the matcher ranks by them."""
        if self.record is not None:
            return suggestions.survivor_profile(self.record)
        # Ranking reads the preferences only; a profile needs an age group and a phase all the same.
        return SurvivorProfile(
            household=MatchedHousehold(self.adults, self.children),
            age_group=self.age_group or AgeGroup.ADULT,
            case_phase=CasePhase.CRISIS,
            languages=self.languages,
        )

    def words(self, area_names: dict[int, str]) -> list[str]:
        """Who, in words: shown above the results and on the hold step."""
        words = [ngettext("%(num)s adult", "%(num)s adults", self.adults)]
        if self.children:
            ages = format_list(
                [str(CHILD_AGE_LABELS[age]) for age in ChildAgeBracket if age in self.children],
                locale=get_locale(),
            )
            children = ngettext("%(num)s child", "%(num)s children", len(self.children))
            words[0] = gettext(
                "%(adults)s, %(children)s (%(ages)s)", adults=words[0], children=children, ages=ages
            )
        words += [gettext("speaks %(language)s", language=language_name(code)) for code in self.languages[:1]]
        if self.gender:
            words.append(GENDER_LABELS[self.gender].lower())
        if self.age_group:
            words.append(AGE_GROUP_LABELS[self.age_group].lower())
        words += [FEATURE_LABELS[need].lower() for need in sorted(self.needs)]
        if self.pets:
            words.append(gettext("with a pet"))
        avoided = [area_names[i] for i in sorted(self.avoid_area_ids) if i in area_names]
        if avoided:
            words.append(gettext("leaving out %(areas)s", areas=", ".join(avoided)))
        return words


@dataclass(frozen=True)
class BoardSite:
    """One site on the board, as this person may see it, and how it fits the household."""

    site: availability.SiteSnapshot
    free_spaces: tuple[availability.FreeSpace, ...]
    free_beds: int
    free_units: int
    freshness: Freshness
    address: str | None
    free_until: date | None
    fits: list[str]  # badges: how it suits this household
    lower_because: list[str]  # the preferences it misses, in the matcher's words


def _caseload(actor: Actor) -> list[Client]:
    records, _total = clients.list_clients(actor, 1, CASELOAD_LIMIT, now())
    return records


def client_choices(caseload: list[Client], empty: str | None) -> list[SelectChoice]:
    return options(((c.id, f"{c.code} — {c.alias}" if c.alias else c.code) for c in caseload), empty)


def _query(who: Who, form: BedSearchForm, starts_on: date) -> availability.AvailabilityQuery:
    return availability.AvailabilityQuery(
        starts_on=starts_on,
        tier=Tier(form.tier.data) if form.tier.data else None,
        household=availability.Household(who.adults, len(who.children)),
        gender=who.gender,
        age_group=who.age_group,
        needs=who.needs,
        pets=who.pets,
        avoid_area_ids=who.avoid_area_ids,
        per_page=RANKED_SITES,
    )


def _fits(ranked: board_ranking.RankedSite, who: Who) -> list[str]:
    """Badges from the household: what about this site suits them."""
    site = ranked.item.site
    words = []
    if ranked.meets(Preference.LANGUAGE):
        spoken = next(code for code in who.languages if code in site.language_codes)
        words.append(gettext("Staff speak %(language)s", language=language_name(spoken)))
    if who.children and ranked.item.free_units:
        words.append(gettext("Family unit"))
    if SpaceFeature.WHEELCHAIR_ACCESSIBLE in who.needs:
        words.append(gettext("Step-free"))
    if SpaceFeature.GROUND_FLOOR in who.needs:
        words.append(gettext("Ground floor"))
    if ranked.meets(Preference.PREFERRED_AREA):
        words.append(gettext("In an area they prefer"))
    if ranked.meets(Preference.INTAKE_HOURS):
        words.append(gettext("Arrivals 24 hours a day"))
    return words


def _board_site(actor: Actor, ranked: board_ranking.RankedSite, who: Who) -> BoardSite:
    item = ranked.item
    site = item.site
    return BoardSite(
        site=site,
        free_spaces=item.free_spaces,
        free_beds=item.free_beds,
        free_units=item.free_units,
        freshness=freshness(site.availability_confirmed_at, now()),
        address=addresses.on_lists(actor, site),
        free_until=item.free_until,
        fits=_fits(ranked, who),
        lower_because=[reason.text for reason in ranked.missed],
    )


def _who_arguments(form: SomeoneNewFields) -> dict[str, object]:
    """Someone new, as the hold step's link carries them (only what differs from the defaults)."""
    arguments = {
        "adults": form.adults.data if form.adults.data != 1 else None,
        "children_ages": form.children_ages.data or None,
        "language": form.language.data,
        "needs": list(form.needs.data or ()) or None,
        "gender": form.gender.data,
        "age_group": form.age_group.data,
        "pets": "y" if form.pets.data else None,
        "avoid_area": list(form.avoid_area.data or ()) or None,
    }
    return {name: value for name, value in arguments.items() if value is not None}


def _someone_new_choices(form: SomeoneNewFields) -> None:
    form.language.choices = spoken_language_options()
    form.avoid_area.choices = options((area.id, area.name) for area in inventory.list_areas())


@bp.route("/beds", methods=["GET"])
def bed_board() -> ResponseReturnValue:
    """A bed tonight: who it is for, then the sites with room, best fit first.

    Unless asked otherwise, it shows emergency shelter from tonight: what an advocate looks
    for most. A record chosen brings its household, needs, safety plan and languages.
    """
    actor = acting()
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    caseload = _caseload(actor)
    form = BedSearchForm(request.args)
    form.client.choices = client_choices(caseload, gettext("Someone new (describe them below)"))
    _someone_new_choices(form)
    if "tier" not in request.args:  # the search always sends it ("Any" is an empty one)
        form.tier.data = Tier.EMERGENCY.value
    chosen = next((c for c in caseload if c.id == form.client.data), None)
    valid = form.validate()
    if form.client.data is not None and chosen is None:
        form.client.errors = [gettext("That survivor is not on your caseload; choose one from the list.")]
        valid = False

    on = today()
    starts_on = form.starts_on.data or on
    page_number = page_number_of(request.args)
    problems: list[Problem] = []
    ranked: list[board_ranking.RankedSite] = []
    who = None
    if valid:
        who = Who.of_record(chosen) if chosen is not None else Who.described(form)
        try:
            result = availability.search(actor, _query(who, form, starts_on), on, now())
        except InvalidInput as error:
            problems = attach(form, error)
        else:
            ranked = board_ranking.rank(
                result.items, who.profile(), suggestions.policy(), now(), current_words()
            )
    else:
        problems = problems_of(form)
    shown = ranked[(page_number - 1) * RESULTS_PER_PAGE : page_number * RESULTS_PER_PAGE]
    area_names = {int(choice.value): str(choice.label) for choice in form.avoid_area.choices or ()}
    return page(
        "beds.html",
        422 if problems else 200,
        form=form,
        problems=problems,
        chosen=chosen,
        who_words=who.words(area_names) if who else [],
        ranked_by_language=bool(who and who.languages),
        sites=[_board_site(actor, item, who) for item in shown] if who else [],
        page_number=page_number,
        has_more=len(ranked) > page_number * RESULTS_PER_PAGE,
        starts_on=starts_on,
        today=on,
        more_filters_open=_more_filters_open(form, chosen),
        hold_arguments={"client": chosen.id} if chosen else _who_arguments(form),
        my_holds=holds.list_holds(actor, HoldStatus.HELD, None),
    )


def _more_filters_open(form: BedSearchForm, chosen: Client | None) -> bool:
    """Unfold the filters where one is set or wrong, so that nothing in force is out of sight."""
    fields = [form.starts_on, form.tier]
    if chosen is None:  # a record's own gender, age group, pets and safety plan apply, unasked
        fields += [form.gender, form.age_group, form.pets, form.avoid_area]
    changed = [f for f in fields if f is not form.tier and f.data] + (
        [form.tier] if form.tier.data != Tier.EMERGENCY.value else []
    )
    return bool(changed) or any(f.errors for f in fields)


def _hold_page(
    form: HoldForm,
    space: Space,
    status: int = 200,
    problems: list[Problem] | None = None,
    start_again: bool = False,
) -> ResponseReturnValue:
    starts_on = form.starts_on.data or today()
    area_names = {int(choice.value): str(choice.label) for choice in form.avoid_area.choices or ()}
    # Someone new as the board described them; garbled carried fields show as problems instead.
    try:
        new_words = Who.described(form).words(area_names)
    except ValueError:
        new_words = []
    return page(
        "hold_confirm.html",
        status,
        form=form,
        space=space,
        site=space.site,
        address=addresses.on_lists(acting(), space.site),
        starts_on=starts_on,
        today=today(),
        problems=problems or [],
        ask_for_override=bool(form.override_reason.data) or bool(form.override_reason.errors),
        new_words=new_words,
        start_again=start_again,
        board_arguments=_board_arguments(form),
    )


def _board_arguments(form: HoldForm) -> dict[str, object]:
    """Back to the board with the same 'who'."""
    if isinstance(form.client_id.data, int):
        return {"client": form.client_id.data}
    return {"searched": 1, **_who_arguments(form)}


def _hold_form(caseload: list[Client], data: dict[str, object] | None = None) -> HoldForm:
    form = HoldForm(data=data) if data is not None else HoldForm()
    form.client_id.choices = [
        SelectChoice(NEW_RECORD, gettext("Someone new: open a record now")),
        *client_choices(caseload, None),
    ]
    _someone_new_choices(form)
    return form


@bp.route("/holds/new", methods=["GET"])
def new_hold() -> ResponseReturnValue:
    """Confirm the hold: for whom (a record, or someone new), and what is held (nothing until then)."""
    actor = acting()
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    space = inventory.get_space(id_argument("space", request.args.get("space")) or 0)
    starts_on = day_argument("starts_on", request.args.get("starts_on"))
    client_id = id_argument("client", request.args.get("client"))
    if space.site.screened:  # no holds there: the page for a referral instead
        return see_other(url_for("web.new_referral", site=space.site_id, client=client_id))
    form = _hold_form(
        _caseload(actor), {"client_id": client_id or NEW_RECORD, "space_id": space.id, "starts_on": starts_on}
    )
    # Someone new: what the board was told about them comes along (read, never stored, until confirmed).
    described = SomeoneNewFields(request.args)
    _someone_new_choices(described)
    for name, value in _who_arguments(described).items():
        getattr(form, name).process(None, value)
    return _hold_page(form, space)


@bp.route("/holds", methods=["POST"])
def create_hold() -> ResponseReturnValue:
    actor = acting()
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    form = _hold_form(_caseload(actor))
    space = inventory.get_space(form.space_id.data or 0)
    valid = form.validate_on_submit()
    if not (_someone_new_ready(form) and valid):  # both asked, so every problem shows at once
        return _hold_page(form, space, 422, problems_of(form))
    if space.site.screened:
        why = gettext(
            "%(site)s screens referrals: send a referral from the bed board instead of a hold.",
            site=space.site.name,
        )
        return _hold_page(form, space, 409, [Problem(why)], start_again=True)
    opened = None
    try:
        client_id = form.client_id.data
        if client_id == NEW_RECORD:
            opened = clients.create_client(actor, _new_record(form), now())
            client_id = opened.id
        hold = holds.create_hold(
            actor,
            client_id=client_id,
            space_id=space.id,
            starts_on=form.starts_on.data,
            ends_on=None,
            override_reason=form.override_reason.data,
            now=now(),
            today=today(),
        )
    except (InvalidInput, Conflict) as error:
        db.session.rollback()  # neither the refused hold nor a record opened for it is kept
        if (why := _choose_again(error)) is not None:
            return _hold_page(form, space, error.status, [Problem(why)], start_again=True)
        return _hold_page(form, space, error.status, attach(form, error))
    if opened is not None:
        flash(
            gettext(
                "A record is open for them: %(code)s. Colleagues know them by this code; "
                "add to it under My clients when there is time.",
                code=opened.code,
            ),
            "success",
        )
    return see_other(url_for("web.hold", hold_id=hold.id))


def _someone_new_ready(form: HoldForm) -> bool:
    """Someone new needs their age group for a record; a record chosen needs nothing more."""
    if form.client_id.data == NEW_RECORD and not form.age_group.data:
        form.age_group.errors = [
            gettext("Choose their age group: a record needs it to find places that serve them.")
        ]
        return False
    on_caseload = {int(choice.value) for choice in form.client_id.choices[1:]}
    if form.client_id.data not in (None, NEW_RECORD, *on_caseload):
        form.client_id.errors = [gettext("Choose someone on your caseload, or someone new.")]
        return False
    return True


def _new_record(form: HoldForm) -> dict[str, object]:
    """The least a record holds, from what the board was told: no name, no birth date."""
    who = Who.described(form)
    return {
        "age_group": AgeGroup(form.age_group.data),
        "gender": who.gender,
        "adults": who.adults,
        "children": list(who.children),
        "languages": list(who.languages),
        # A crib is a site's offer, not a survivor's need: the record keeps accessibility needs only.
        "accessibility_needs": sorted(who.needs & frozenset(ACCESSIBILITY_NEEDS)),
        "has_pets": who.pets,
        "avoid_area_ids": sorted(who.avoid_area_ids),
    }


def _choose_again(error: InvalidInput | Conflict) -> str | None:
    """A refusal about the bed or the night, which this page can't change: what to do instead."""
    if isinstance(error, Conflict) and "space_id" in error.errors:
        return gettext(
            "Someone has just held this bed or unit, or it is taken for some of those nights. "
            "Choose another one on the bed board."
        )
    if "space_id" in error.errors:
        return gettext(
            "%(problem)s Choose another bed or unit on the bed board.", problem=error.errors["space_id"][0]
        )
    if "starts_on" in error.errors:
        return gettext(
            "First night: %(problem)s Search the bed board again.", problem=error.errors["starts_on"][0]
        )
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
    flash(
        gettext("The hold on %(space)s is released; it is free again.", space=record.space.label), "success"
    )
    return see_other(url_for("web.bed_board"))
