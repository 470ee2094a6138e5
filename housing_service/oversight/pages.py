"""Oversight pages: admins review address pauses and unused records; a site's staff see who was
shown their address."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, url_for
from flask_babel import gettext
from flask.typing import ResponseReturnValue
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from ..errors import Conflict, InvalidInput
from ..services import addresses, audit
from ..services.access import require_admin
from ..web.blueprint import bp
from ..web.forms import PageForm
from ..web.my_sites import managed_site
from ..web.rendering import acting, attach, now, page, problems_of, see_other
from . import queries

REVEALS_SHOWN = 200


class ReviewForm(PageForm):
    note = TextAreaField(
        "What did you find?",
        validators=[InputRequired("Say what you found, e.g. who you spoke to."), Length(max=2000)],
    )


@bp.route("/admin/address-pauses", methods=["GET"])
def admin_address_pauses() -> ResponseReturnValue:
    actor = acting()
    return page(
        "oversight/pauses.html",
        open_pauses=addresses.list_pauses(actor, open_only=True),
        reviewed=[p for p in addresses.list_pauses(actor, open_only=False) if p.reviewed_at is not None][:50],
    )


def _pause_page(pause_id: int, form: ReviewForm, status: int = 200) -> ResponseReturnValue:
    actor = acting()
    pause = addresses.get_pause(actor, pause_id)
    window = timedelta(days=current_app.config["ADDRESS_REVEAL_WINDOW_DAYS"])
    return page(
        "oversight/pause.html",
        status,
        pause=pause,
        reveals=addresses.reveals_of_user(actor, pause.user_id, pause.paused_at - window),
        form=form,
        problems=problems_of(form),
    )


@bp.route("/admin/address-pauses/<int:pause_id>", methods=["GET"])
def admin_address_pause(pause_id: int) -> ResponseReturnValue:
    return _pause_page(pause_id, ReviewForm())


@bp.route("/admin/address-pauses/<int:pause_id>/review", methods=["POST"])
def review_address_pause(pause_id: int) -> ResponseReturnValue:
    actor = acting()
    pause = addresses.get_pause(actor, pause_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _pause_page(pause_id, form, 422)
    try:
        addresses.review_pause(actor, pause, form.note.data or "", now())
    except (InvalidInput, Conflict) as error:
        attach(form, error)
        return _pause_page(pause_id, form, error.status)
    flash(gettext("Reviewed: addresses resume for this person, counted afresh from now."), "success")
    return see_other(url_for("web.admin_address_pauses"))


@bp.route("/admin/unused-records", methods=["GET"])
def admin_unused_records() -> ResponseReturnValue:
    actor = acting()
    require_admin(actor)
    days = current_app.config["UNUSED_RECORD_DAYS"]
    records = queries.unused_records(actor, days, now())
    audit.record_reads(actor, [record.client_id for record in records], "unused-records")
    return page("oversight/unused_records.html", records=records, days=days)


@bp.route("/my-sites/<int:site_id>/address-reveals", methods=["GET"])
def site_address_reveals(site_id: int) -> ResponseReturnValue:
    actor = acting()
    site = managed_site(actor, site_id)
    reveals, total = addresses.reveals_of_site(actor, site, 1, REVEALS_SHOWN)
    return page("oversight/site_reveals.html", site=site, reveals=reveals, total=total)
