"""Admin pages: a site's HUD reporting details (address, codes, dates) and its funders."""

from __future__ import annotations

from flask import flash, url_for
from flask_babel import gettext
from flask.typing import ResponseReturnValue

from ..errors import InvalidInput
from ..services import inventory
from ..services.access import require_admin
from ..vocabulary import FUNDERS, Tier
from .blueprint import bp
from .forms_hud import FunderForm, HudSiteForm
from .rendering import Problem, acting, attach, page, problems_of, see_other

EMERGENCY_ONLY = ("es_bed_type", "bed_availability")


def hud_page(
    site_id: int,
    form: HudSiteForm | None = None,
    funder_form: FunderForm | None = None,
    status: int = 200,
    problems: list[Problem] | None = None,
) -> ResponseReturnValue:
    site = inventory.get_site(site_id)
    return page(
        "admin/site_hud.html",
        status,
        site=site,
        form=form or HudSiteForm(formdata=None, obj=site),
        funder_form=funder_form or FunderForm(formdata=None),
        funder_names=FUNDERS,
        emergency=site.tier == Tier.EMERGENCY,
        problems=problems or [],
    )


@bp.route("/admin/sites/<int:site_id>/hud", methods=["GET"])
def admin_site_hud(site_id: int) -> ResponseReturnValue:
    require_admin(acting())
    return hud_page(site_id)


@bp.route("/admin/sites/<int:site_id>/hud", methods=["POST"])
def admin_save_site_hud(site_id: int) -> ResponseReturnValue:
    actor = acting()
    require_admin(actor)
    site = inventory.get_site(site_id)
    form = HudSiteForm()
    if not form.validate_on_submit():
        return hud_page(site_id, form, status=422, problems=problems_of(form))
    changes = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
    changes = {name: (value or None) if isinstance(value, str) else value for name, value in changes.items()}
    if site.tier != Tier.EMERGENCY:
        changes = {name: value for name, value in changes.items() if name not in EMERGENCY_ONLY}
    try:
        inventory.update_site(actor, site, changes)
    except InvalidInput as error:
        return hud_page(site_id, form, status=error.status, problems=attach(form, error))
    flash(gettext("The site's HUD details are saved."), "success")
    return see_other(url_for("web.admin_site_hud", site_id=site_id))


@bp.route("/admin/sites/<int:site_id>/funders", methods=["POST"])
def admin_add_funder(site_id: int) -> ResponseReturnValue:
    actor = acting()
    require_admin(actor)
    form = FunderForm()
    if not form.validate_on_submit():
        return hud_page(site_id, funder_form=form, status=422, problems=problems_of(form))
    data = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
    try:
        inventory.add_funder(actor, inventory.get_site(site_id), data)
    except InvalidInput as error:
        return hud_page(site_id, funder_form=form, status=error.status, problems=attach(form, error))
    flash(gettext("The funder is added."), "success")
    return see_other(url_for("web.admin_site_hud", site_id=site_id))


@bp.route("/admin/sites/<int:site_id>/funders/<int:funder_id>/remove", methods=["POST"])
def admin_remove_funder(site_id: int, funder_id: int) -> ResponseReturnValue:
    actor = acting()
    require_admin(actor)
    inventory.remove_funder(actor, inventory.get_site(site_id), funder_id)
    flash(gettext("The funder is removed."), "success")
    return see_other(url_for("web.admin_site_hud", site_id=site_id))
