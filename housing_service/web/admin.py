"""Admin pages: organisations, areas, sites with their beds and units, and sign-in rules.

Accounts have their own module (admin_accounts.py)."""

from __future__ import annotations

from flask import flash, url_for
from flask_babel import gettext, ngettext
from flask.typing import ResponseReturnValue

from ..errors import Conflict, InvalidInput
from ..services import inventory, sign_in_rules
from ..services.access import require_admin
from ..vocabulary import (
    AgeGroup,
    Gender,
    HouseholdType,
    ReferralMode,
    SpaceFeature,
    SpaceKind,
    SubstanceUsePolicy,
    Tier,
)
from .blueprint import bp
from .forms import AreaForm, OrganisationForm, SignInRulesForm, SiteForm, SpaceForm, options
from .queries import all_accounts, space_rows, state_counts
from .rendering import Problem, acting, attach, now, page, problems_of, see_other, today


@bp.route("/admin", methods=["GET"])
def admin_index() -> ResponseReturnValue:
    require_admin(acting())
    return page(
        "admin/index.html",
        organisations=len(inventory.list_organisations()),
        areas=len(inventory.list_areas()),
        sites=len(inventory.list_sites(acting())),
        accounts=len(all_accounts()),
    )


# Organisations and areas ------------------------------------------------------------------


def _organisations_page(form: OrganisationForm, status: int = 200, problems: list[Problem] | None = None):
    return page(
        "admin/organisations.html",
        status,
        organisations=inventory.list_organisations(),
        form=form,
        problems=problems or [],
    )


@bp.route("/admin/organisations", methods=["GET", "POST"])
def admin_organisations() -> ResponseReturnValue:
    actor = acting()
    require_admin(actor)
    form = OrganisationForm()
    if not form.validate_on_submit():
        return _organisations_page(form, 422 if form.is_submitted() else 200, problems_of(form))
    try:
        organisation = inventory.create_organisation(
            actor, form.name.data or "", bool(form.victim_service_provider.data)
        )
    except (InvalidInput, Conflict) as error:
        return _organisations_page(form, error.status, attach(form, error))
    flash(gettext("%(name)s is added.", name=organisation.name), "success")
    return see_other(url_for("web.admin_organisations"))


def _areas_page(form: AreaForm, status: int = 200, problems: list[Problem] | None = None):
    return page("admin/areas.html", status, areas=inventory.list_areas(), form=form, problems=problems or [])


@bp.route("/admin/areas", methods=["GET", "POST"])
def admin_areas() -> ResponseReturnValue:
    actor = acting()
    require_admin(actor)
    form = AreaForm()
    if not form.validate_on_submit():
        return _areas_page(form, 422 if form.is_submitted() else 200, problems_of(form))
    try:
        area = inventory.create_area(actor, form.name.data or "")
    except (InvalidInput, Conflict) as error:
        return _areas_page(form, error.status, attach(form, error))
    flash(gettext("%(name)s is added.", name=area.name), "success")
    return see_other(url_for("web.admin_areas"))


# Sites, beds and units ----------------------------------------------------------------------


@bp.route("/admin/sites", methods=["GET"])
def admin_sites() -> ResponseReturnValue:
    actor = acting()
    require_admin(actor)
    on = today()
    sites = [(site, state_counts(space_rows(site, on))) for site in inventory.list_sites(actor)]
    return page("admin/sites.html", sites=sites)


def _site_form_choices(form: SiteForm) -> None:
    form.organisation_id.choices = options(
        ((o.id, o.name) for o in inventory.list_organisations()), "Choose an organisation"
    )
    form.area_id.choices = options(((a.id, a.name) for a in inventory.list_areas()), "Choose an area")


def _site_data(form: SiteForm) -> dict[str, object]:
    data: dict[str, object] = {
        "organisation_id": form.organisation_id.data,
        "name": form.name.data or "",
        "tier": Tier(form.tier.data),
        "area_id": form.area_id.data,
        "confidential": bool(form.confidential.data),
        "address": form.address.data or "",
        "households_served": [HouseholdType(value) for value in form.households_served.data or []],
        "genders_served": [Gender(value) for value in form.genders_served.data or []],
        "age_groups_served": [AgeGroup(value) for value in form.age_groups_served.data or []],
        "min_age": form.min_age.data,
        "max_age": form.max_age.data,
        "languages": form.languages.data or [],
        "pets_allowed": bool(form.pets_allowed.data),
        "substance_use_policy": SubstanceUsePolicy(form.substance_use_policy.data),
        "intake_24_hours": bool(form.intake_24_hours.data),
        "intake_hours": form.intake_hours.data or "",
        "contact": form.contact.data or "",
    }
    if form.referral_mode.data:
        data["referral_mode"] = ReferralMode(form.referral_mode.data)
    for optional in ("stay_limit_days", "hold_window_hours"):
        if form[optional].data is not None:
            data[optional] = form[optional].data
    return data


@bp.route("/admin/sites/new", methods=["GET", "POST"])
def admin_new_site() -> ResponseReturnValue:
    actor = acting()
    require_admin(actor)
    form = SiteForm()
    _site_form_choices(form)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return page("admin/site_new.html", status, form=form, problems=problems_of(form))
    try:
        site = inventory.create_site(actor, _site_data(form))
    except (InvalidInput, Conflict) as error:
        return page("admin/site_new.html", error.status, form=form, problems=attach(form, error))
    flash(gettext("The site is added. Now add its beds and units."), "success")
    return see_other(url_for("web.admin_site", site_id=site.id))


def _site_page(site_id: int, form: SpaceForm, status: int = 200, problems: list[Problem] | None = None):
    site = inventory.get_site(site_id)
    return page(
        "admin/site.html",
        status,
        site=site,
        rows=space_rows(site, today()),
        form=form,
        problems=problems or [],
    )


@bp.route("/admin/sites/<int:site_id>", methods=["GET"])
def admin_site(site_id: int) -> ResponseReturnValue:
    require_admin(acting())
    return _site_page(site_id, SpaceForm(formdata=None))


@bp.route("/admin/sites/<int:site_id>/spaces", methods=["POST"])
def admin_add_space(site_id: int) -> ResponseReturnValue:
    actor = acting()
    require_admin(actor)
    form = SpaceForm()
    if not form.validate_on_submit():
        return _site_page(site_id, form, 422, problems_of(form))
    data = {
        "kind": SpaceKind(form.kind.data),
        "capacity": form.capacity.data,
        "features": [SpaceFeature(value) for value in form.features.data or []],
    }
    site = inventory.get_site(site_id)
    try:
        labels = inventory.numbered_labels(form.label.data or "", form.count.data, form.first_number.data)
        spaces = inventory.add_spaces(actor, site, data, labels, now())
    except (InvalidInput, Conflict) as error:
        return _site_page(site_id, form, error.status, attach(form, error))
    if len(spaces) == 1:
        flash(gettext("%(name)s is added.", name=spaces[0].label), "success")
    else:
        flash(
            ngettext(
                "%(num)s is added: %(first)s to %(last)s.",
                "%(num)s are added: %(first)s to %(last)s.",
                len(spaces),
                first=spaces[0].label,
                last=spaces[-1].label,
            ),
            "success",
        )
    return see_other(url_for("web.admin_site", site_id=site_id))


# Sign-in rules ------------------------------------------------------------------------------


def _sign_in_rules_page(form: SignInRulesForm, status: int = 200, problems: list[Problem] | None = None):
    return page(
        "admin/sign_in_rules.html", status, form=form, rules=sign_in_rules.current(), problems=problems or []
    )


@bp.route("/admin/sign-in-rules", methods=["GET", "POST"])
def admin_sign_in_rules() -> ResponseReturnValue:
    """Which roles must sign in in two steps: choose, see what changes, then confirm."""
    actor = acting()
    require_admin(actor)
    if not SignInRulesForm().is_submitted():
        current = sorted(sign_in_rules.current().required_roles)
        return _sign_in_rules_page(SignInRulesForm(formdata=None, data={"required_roles": current}))
    form = SignInRulesForm()
    if not form.validate_on_submit():
        return _sign_in_rules_page(form, 422, problems_of(form))
    wanted = frozenset(form.required_roles.data or [])
    if form.confirmed.data != "yes":
        change = sign_in_rules.preview(wanted, now())
        return page("admin/sign_in_rules_confirm.html", change=change, rules=sign_in_rules.current())
    try:
        change = sign_in_rules.set_required_roles(actor, wanted, now())
    except Conflict as error:
        return _sign_in_rules_page(form, error.status, attach(None, error))
    if change.newly_required:
        message = gettext(
            "The sign-in rules are saved. Whoever is newly asked to sign in in two steps and has not set it up "
            "sees a reminder on every page, and can sign in with their password alone until their grace period "
            "ends."
        )
    else:
        message = gettext("The sign-in rules are saved.")
    flash(message, "success")
    return see_other(url_for("web.admin_sign_in_rules"))
