"""Survivors' records, for the people working each case. Every read is audited."""

from __future__ import annotations

from typing import Any

from ..services import clients
from .common import Blueprint, PageArgs, acting, now, page, page_of, today
from .presenters import present_client
from .schemas_stays import ClientCreateSchema, ClientSchema, ClientWriteSchema, TeamMemberCreateSchema

blp = Blueprint("clients", __name__, description="Survivors' records (minimal by design)")


@blp.route("/clients", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(ClientSchema))
def list_clients(args: dict[str, Any]) -> dict[str, Any]:
    """The survivors whose cases you work, with each one's current stay."""
    records, total = clients.list_clients(acting(), args["page"], args["per_page"], now())
    on = today()
    return page([present_client(client, on) for client in records], total, args)


@blp.route("/clients", methods=["POST"])
@blp.arguments(ClientCreateSchema)
@blp.response(201, ClientSchema)
def create_client(data: dict[str, Any]) -> dict[str, Any]:
    """Open a record: a generated code, an optional alias, the household and its needs."""
    return present_client(clients.create_client(acting(), data, now()), today())


@blp.route("/clients/<int:client_id>", methods=["GET"])
@blp.response(200, ClientSchema)
def get_client(client_id: int) -> dict[str, Any]:
    """One survivor's record (the case team and admins)."""
    return present_client(clients.get_client(acting(), client_id, now()), today())


@blp.route("/clients/<int:client_id>", methods=["PATCH"])
@blp.arguments(ClientWriteSchema)
@blp.response(200, ClientSchema)
def update_client(changes: dict[str, Any], client_id: int) -> dict[str, Any]:
    """Update needs, preferences, safety plan, phase or readiness."""
    actor, moment = acting(), now()
    client = clients.get_client(actor, client_id, moment)
    return present_client(clients.update_client(actor, client, changes, moment), today())


@blp.route("/clients/<int:client_id>/team", methods=["POST"])
@blp.arguments(TeamMemberCreateSchema)
@blp.response(201, ClientSchema)
def add_team_member(data: dict[str, Any], client_id: int) -> dict[str, Any]:
    """Bring an advocate onto the case (the case manager or an admin)."""
    actor, moment = acting(), now()
    client = clients.get_client(actor, client_id, moment)
    clients.add_to_team(actor, client, data["user_id"], moment)
    return present_client(client, today())
