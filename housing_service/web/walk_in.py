"""A walk-in: someone arrived at a site without a hold, and its staff place them from tonight."""

from __future__ import annotations

from flask import flash, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from ..errors import Conflict, InvalidInput
from ..models import Site
from ..services import placements
from ..services.actor import Actor
from ..vocabulary import SpaceKind
from .blueprint import bp
from .caseload import household_data
from .forms import WalkInForm, options
from .my_sites import managed_site
from .presentation import FEATURE_LABELS, KIND_LABELS, day_text
from .queries import SpaceRow, SpaceState, space_rows
from .rendering import Problem, acting, attach, now, page, problems_of, see_other, today


def _free_tonight(site: Site) -> list[SpaceRow]:
    """The site's beds and units free tonight, as its page shows them."""
    return [row for row in space_rows(site, today()) if row.state == SpaceState.FREE]


def _choice_label(row: SpaceRow) -> str:
    """'Unit A — unit for up to 4; ground floor, wheelchair accessible; held from Fri, Mar 12, 2027'."""
    space = row.space
    kind = str(KIND_LABELS.get(space.kind, space.kind)).lower()
    parts = [f"{kind} for up to {space.capacity}" if space.kind == SpaceKind.UNIT else kind]
    if space.features:
        # The labels are lazy (in the reader's language): str() before joining.
        parts.append(", ".join(sorted(str(FEATURE_LABELS.get(f, f)) for f in space.features)).lower())
    if row.next_hold is not None:
        parts.append(f"held from {day_text(row.next_hold.starts_on)}")
    return f"{space.label} — {'; '.join(parts)}"


def _offer(site: Site, form: WalkInForm) -> list[SpaceRow]:
    """The beds and units to choose from: only those free here tonight (never another site's)."""
    free = _free_tonight(site)
    form.space_id.choices = options((row.space.id, _choice_label(row)) for row in free)
    return free


def _walk_in_page(
    site: Site,
    form: WalkInForm,
    free: list[SpaceRow],
    status: int = 200,
    problems: list[Problem] | None = None,
) -> ResponseReturnValue:
    return page("walk_in.html", status, site=site, form=form, free=free, problems=problems or [])


def _place(actor: Actor, site: Site, form: WalkInForm) -> ResponseReturnValue:
    try:
        stay = placements.place_walk_in(
            actor,
            space_id=form.space_id.data,
            client_id=None,
            new_client=household_data(form),
            ends_on=None,
            now=now(),
            today=today(),
        )
    except (InvalidInput, Conflict) as error:
        problems = attach(form, error)
        # Offered again as they are now: a bed just taken is no longer among the choices.
        return _walk_in_page(site, form, _offer(site, form), error.status, problems)
    flash(
        gettext(
            "The survivor is staying in %(space)s from tonight. Their code is on this page, next to"
            " %(space)s: write it down, it is how colleagues refer to them.",
            space=stay.space.label,
        ),
        "success",
    )
    return see_other(url_for("web.site", site_id=site.id, _anchor=f"stay-{stay.id}"))


@bp.route("/my-sites/<int:site_id>/walk-in", methods=["GET", "POST"])
def walk_in(site_id: int) -> ResponseReturnValue:
    """Someone arrived without a hold: a minimal record, and the bed they take tonight."""
    actor = acting()
    site = managed_site(actor, site_id)
    form = WalkInForm()
    free = _offer(site, form)
    if not form.validate_on_submit():
        return _walk_in_page(site, form, free, 422 if form.is_submitted() else 200, problems_of(form))
    return _place(actor, site, form)
