"""Organisations, areas and sites."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from ..errors import Forbidden
from ..models import Area, Organisation, Site, SiteFunder
from ..services import inventory
from ..services.access import manages_site
from ..services.actor import Actor
from ..vocabulary import FUNDERS
from .common import Blueprint, acting, page_of, paginate
from .presenters import present_site
from .schemas_inventory import (
    AreaCreateSchema,
    AreaSchema,
    FunderCreateSchema,
    FunderSchema,
    OrganisationCreateSchema,
    OrganisationSchema,
    OrganisationUpdateSchema,
    SiteCreateSchema,
    SiteListArgs,
    SiteSchema,
    SiteUpdateSchema,
)

blp = Blueprint("inventory", __name__, description="Organisations, areas and sites")


def require_site_visible(actor: Actor, site: Site) -> None:
    """Partners see their own organisation's sites only; the bed board is for advocates."""
    if actor.is_partner and not manages_site(actor, site):
        raise Forbidden(gettext("This site belongs to another organisation."))


@blp.route("/organisations", methods=["GET"])
@blp.response(200, OrganisationSchema(many=True))
def list_organisations() -> list[Organisation]:
    """The coalition's provider agencies."""
    return inventory.list_organisations()


@blp.route("/organisations", methods=["POST"])
@blp.arguments(OrganisationCreateSchema)
@blp.response(201, OrganisationSchema)
def create_organisation(data: dict[str, Any]) -> Organisation:
    """Add a provider agency (admins)."""
    return inventory.create_organisation(acting(), data["name"], data["victim_service_provider"])


@blp.route("/organisations/<int:organisation_id>", methods=["GET"])
@blp.response(200, OrganisationSchema)
def get_organisation(organisation_id: int) -> Organisation:
    """One provider agency."""
    return inventory.get_organisation(organisation_id)


@blp.route("/organisations/<int:organisation_id>", methods=["PATCH"])
@blp.arguments(OrganisationUpdateSchema)
@blp.response(200, OrganisationSchema)
def update_organisation(changes: dict[str, Any], organisation_id: int) -> Organisation:
    """Rename an agency or change its victim-service-provider flag (admins)."""
    return inventory.update_organisation(acting(), inventory.get_organisation(organisation_id), changes)


@blp.route("/areas", methods=["GET"])
@blp.response(200, AreaSchema(many=True))
def list_areas() -> list[Area]:
    """Counties and cities where sites are (and which survivors may need to avoid)."""
    return inventory.list_areas()


@blp.route("/areas", methods=["POST"])
@blp.arguments(AreaCreateSchema)
@blp.response(201, AreaSchema)
def create_area(data: dict[str, Any]) -> Area:
    """Add an area (admins)."""
    return inventory.create_area(acting(), data["name"])


@blp.route("/sites", methods=["GET"])
@blp.arguments(SiteListArgs, location="query")
@blp.response(200, page_of(SiteSchema))
def list_sites(args: dict[str, Any]) -> dict[str, Any]:
    """Sites (partners: their own organisation's)."""
    actor = acting()
    organisation_id = actor.organisation_id if actor.is_partner else args.get("organisation_id")
    sites = inventory.list_sites(actor, organisation_id, args.get("tier"))
    result = paginate(sites, args)
    result["items"] = [present_site(site, actor) for site in result["items"]]
    return result


@blp.route("/sites", methods=["POST"])
@blp.arguments(SiteCreateSchema)
@blp.response(201, SiteSchema)
def create_site(data: dict[str, Any]) -> dict[str, Any]:
    """Register a housing programme (admins)."""
    actor = acting()
    return present_site(inventory.create_site(actor, data), actor)


@blp.route("/sites/<int:site_id>", methods=["GET"])
@blp.response(200, SiteSchema)
def get_site(site_id: int) -> dict[str, Any]:
    """One site; its address only if you may see it."""
    actor = acting()
    site = inventory.get_site(site_id)
    require_site_visible(actor, site)
    return present_site(site, actor)


@blp.route("/sites/<int:site_id>", methods=["PATCH"])
@blp.arguments(SiteUpdateSchema)
@blp.response(200, SiteSchema)
def update_site(changes: dict[str, Any], site_id: int) -> dict[str, Any]:
    """Change a site (admins; partners their own organisation's, apart from admin fields)."""
    actor = acting()
    return present_site(inventory.update_site(actor, inventory.get_site(site_id), changes), actor)


def _present_funder(funder: SiteFunder) -> dict[str, Any]:
    return {
        **{name: getattr(funder, name) for name in FunderSchema().fields if hasattr(funder, name)},
        "funder_name": FUNDERS[funder.funder],
    }


@blp.route("/sites/<int:site_id>/funders", methods=["GET"])
@blp.response(200, FunderSchema(many=True))
def list_funders(site_id: int) -> list[dict[str, Any]]:
    """The grants that pay for a site's programme (admins; partners their own sites)."""
    actor = acting()
    site = inventory.get_site(site_id)
    if not (actor.is_admin or manages_site(actor, site)):
        raise Forbidden(gettext("Only admins and the site's own staff see its funders."))
    return [_present_funder(funder) for funder in site.funders]


@blp.route("/sites/<int:site_id>/funders", methods=["POST"])
@blp.arguments(FunderCreateSchema)
@blp.response(201, FunderSchema)
def add_funder(data: dict[str, Any], site_id: int) -> dict[str, Any]:
    """Record a grant for a site (admins): HUD funder code, grant id, dates."""
    return _present_funder(inventory.add_funder(acting(), inventory.get_site(site_id), data))


@blp.route("/sites/<int:site_id>/funders/<int:funder_id>", methods=["DELETE"])
@blp.response(204)
def remove_funder(site_id: int, funder_id: int) -> None:
    """Remove a funder recorded by mistake (admins)."""
    inventory.remove_funder(acting(), inventory.get_site(site_id), funder_id)
