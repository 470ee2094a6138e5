"""Who may see and do what. Every service asks here before it reads or writes.

- admins: everything;
- partners: their own organisation's sites, spaces and stays, nothing of anyone else's;
- advocates and case managers: the shared bed board, and the survivors whose cases they
  work (the assigned case manager; advocates on the case team).
"""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import ColumnElement, false, select, true

from ..errors import Forbidden
from ..models import CaseTeamMember, Client, Hold, HoldStatus, Role, Site
from .actor import Actor


def require_role(actor: Actor, *roles: Role) -> None:
    """Refuse unless the actor holds one of `roles` (admins always may)."""
    if actor.role is None or (actor.role != Role.ADMIN and actor.role not in roles):
        raise Forbidden(gettext("Your role does not allow this."))


def require_admin(actor: Actor) -> None:
    require_role(actor)


def manages_site(actor: Actor, site: Site) -> bool:
    """Admins, and partner staff of the site's own organisation."""
    return actor.is_admin or (actor.is_partner and actor.organisation_id == site.organisation_id)


def require_site_manager(actor: Actor, site: Site) -> None:
    if not manages_site(actor, site):
        raise Forbidden(gettext("Only this site's own staff and admins may change it."))


def knows_who_is_arriving(actor: Actor, hold: Hold) -> bool:
    """False for a site's staff (not admins) while a hold made from a screened referral waits:
    they accepted a household, and learn whose record it is when the survivor arrives."""
    if hold.referral is None or hold.status != HoldStatus.HELD or actor.is_admin:
        return True
    return not manages_site(actor, hold.site)


def works_case(actor: Actor, client: Client) -> bool:
    """Admins, the assigned case manager, and advocates on the case team."""
    if actor.is_admin:
        return True
    if actor.role == Role.CASE_MANAGER:
        return client.case_manager_id == actor.user_id
    if actor.role == Role.ADVOCATE:
        return any(member.user_id == actor.user_id for member in client.team)
    return False


def require_case_worker(actor: Actor, client: Client) -> None:
    if not works_case(actor, client):
        raise Forbidden(gettext("Only the people working this case may see or change it."))


def clients_visible_to(actor: Actor) -> ColumnElement[bool]:
    """SQL filter on Client: the records this actor works on."""
    if actor.is_admin:
        return true()
    if actor.role == Role.CASE_MANAGER:
        return Client.case_manager_id == actor.user_id
    if actor.role == Role.ADVOCATE:
        return (
            select(CaseTeamMember.client_id)
            .where(CaseTeamMember.client_id == Client.id, CaseTeamMember.user_id == actor.user_id)
            .exists()
        )
    return false()
