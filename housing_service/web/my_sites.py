"""My sites: a partner's beds and units at a glance, who is coming, check-ins and exits."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, url_for
from flask_babel import gettext
from flask.typing import ResponseReturnValue

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..models import Role, Site, Space
from ..services import audit, holds, inventory, moves, placements
from ..services.access import manages_site, require_role
from ..services.actor import Actor
from .blueprint import bp
from .flag_views import flag_items, open_flags
from .forms import OutOfServiceForm
from .presentation import Freshness, freshness, stay_bar, time_text
from .queries import SpaceRow, space_rows, state_counts
from .rendering import Problem, acting, attach, now, page, problems_of, see_other, today

ARRIVAL_DAYS = 7
STAYS_SHOWN = 200
# After an action the site's page opens at the row it changed (ids in site.html): the page
# is long, and the person goes on from where they were.
CONFIRM_ANCHOR = "confirm-availability"


def space_url(site_id: int, space_id: int) -> str:
    return url_for("web.site", site_id=site_id, _anchor=f"space-{space_id}")


def stay_url(site_id: int, stay_id: int) -> str:
    return url_for("web.site", site_id=site_id, _anchor=f"stay-{stay_id}")


@dataclass(frozen=True)
class SiteSummary:
    site: Site
    freshness: Freshness
    counts: list[tuple[str, int]]


def managed_site(actor: Actor, site_id: int) -> Site:
    """The site, if this person is its staff (or an admin); a clear refusal otherwise."""
    require_role(actor, Role.PARTNER)
    site = inventory.get_site(site_id)
    if not manages_site(actor, site):
        raise Forbidden(
            gettext(
                "This site belongs to another organisation. You can open your own organisation's sites "
                "from My sites."
            )
        )
    return site


@bp.route("/my-sites", methods=["GET"])
def my_sites() -> ResponseReturnValue:
    actor = acting()
    require_role(actor, Role.PARTNER)
    organisation_id = actor.organisation_id if actor.is_partner else None
    on, moment = today(), now()
    summaries = [
        SiteSummary(
            site, freshness(site.availability_confirmed_at, moment), state_counts(space_rows(site, on))
        )
        for site in inventory.list_sites(actor, organisation_id)
    ]
    return page("my_sites.html", summaries=summaries)


def _survivors_in(rows: list[SpaceRow]) -> list[int]:
    """Whose codes the beds' list shows: the survivor staying, held for tonight or later."""
    shown = (record for row in rows for record in (row.stay, row.hold, row.next_hold))
    return [record.client_id for record in shown if record is not None]


def site_page(
    actor: Actor,
    site: Site,
    status: int = 200,
    problems: list[Problem] | None = None,
    failed_form: tuple[int, OutOfServiceForm] | None = None,
) -> ResponseReturnValue:
    on = today()
    rows = space_rows(site, on)
    audit.record_reads(actor, _survivors_in(rows), "site_spaces")
    service_forms = {
        row.space.id: OutOfServiceForm(formdata=None, prefix=f"space-{row.space.id}") for row in rows
    }
    if failed_form is not None:
        service_forms[failed_form[0]] = failed_form[1]
    stays, _total = placements.list_placements(
        actor, current=True, client_id=None, site_id=site.id, page=1, per_page=STAYS_SHOWN
    )
    site_flags = flag_items(actor, [flag for flag in open_flags(actor) if flag.site_id == site.id])
    return page(
        "site.html",
        status,
        site=site,
        rows=rows,
        counts=state_counts(rows),
        freshness=freshness(site.availability_confirmed_at, now()),
        arrivals=placements.arrivals(actor, site, on, ARRIVAL_DAYS),
        arrival_days=ARRIVAL_DAYS,
        stays=[(stay, stay_bar(stay, on)) for stay in stays],
        service_forms=service_forms,
        flags=site_flags,
        problems=problems or [],
        today=on,
        now=now(),
        undo_check_in_within=moves.UNDO_CHECK_IN_WITHIN,
    )


@bp.route("/my-sites/<int:site_id>", methods=["GET"])
def site(site_id: int) -> ResponseReturnValue:
    actor = acting()
    return site_page(actor, managed_site(actor, site_id))


@bp.route("/my-sites/<int:site_id>/confirm", methods=["POST"])
def confirm_availability(site_id: int) -> ResponseReturnValue:
    """One click: the beds and units are as the page shows them."""
    actor = acting()
    record = managed_site(actor, site_id)
    confirmation = inventory.confirm_availability(actor, record, [], now())
    flash(
        gettext(
            "Thank you: availability confirmed at %(time)s. Advocates now see it as up to date.",
            time=time_text(confirmation.confirmed_at),
        ),
        "success",
    )
    return see_other(url_for("web.site", site_id=record.id, _anchor=CONFIRM_ANCHOR))


def _space_of(record: Site, space_id: int) -> Space:
    space = inventory.get_space(space_id)
    if space.site_id != record.id:
        raise NotFound(gettext("This site has no bed or unit with this id."))
    return space


@bp.route("/my-sites/<int:site_id>/spaces/<int:space_id>/out-of-service", methods=["POST"])
def take_out_of_service(site_id: int, space_id: int) -> ResponseReturnValue:
    actor = acting()
    record = managed_site(actor, site_id)
    space = _space_of(record, space_id)
    form = OutOfServiceForm(prefix=f"space-{space.id}")
    if not form.validate_on_submit():
        return site_page(actor, record, 422, problems_of(form), (space.id, form))
    try:
        inventory.set_in_service(actor, space, False, form.reason.data, now())
    except (InvalidInput, Conflict) as error:
        return site_page(actor, record, error.status, attach(form, error), (space.id, form))
    flash(gettext("%(space)s is out of service.", space=space.label), "success")
    return see_other(space_url(record.id, space.id))


@bp.route("/my-sites/<int:site_id>/spaces/<int:space_id>/in-service", methods=["POST"])
def put_back_in_service(site_id: int, space_id: int) -> ResponseReturnValue:
    actor = acting()
    record = managed_site(actor, site_id)
    space = _space_of(record, space_id)
    inventory.set_in_service(actor, space, True, None, now())
    flash(gettext("%(space)s is back in service.", space=space.label), "success")
    return see_other(space_url(record.id, space.id))


@bp.route("/my-sites/<int:site_id>/holds/<int:hold_id>/check-in", methods=["POST"])
def check_in(site_id: int, hold_id: int) -> ResponseReturnValue:
    """The survivor has arrived: their stay starts tonight."""
    actor = acting()
    record = managed_site(actor, site_id)
    hold = holds.get_hold(actor, hold_id)
    if hold.site_id != record.id:
        raise NotFound(gettext("This site has no hold with this id."))
    try:
        stay = placements.check_in(actor, hold, now(), today())
    except Conflict as error:
        return site_page(actor, record, error.status, attach(None, error))
    flash(
        gettext("The survivor is checked in to %(space)s. Their stay starts tonight.", space=stay.space.label),
        "success",
    )
    return see_other(stay_url(record.id, stay.id))
