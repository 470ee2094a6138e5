"""The audit trail, for admins to read and filter. It has no route to change or delete an entry."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from ..extensions import db
from ..input_bounds import LARGEST_ID
from ..models import AuditEvent
from ..services import audit
from ..services.access import require_admin
from .common import Blueprint, StrictSchema, WholeNumber, acting, now, page, page_of

blp = Blueprint("audit", __name__, description="The audit trail (admins)")


class AuditEventArgs(StrictSchema):
    actor_id = WholeNumber(
        validate=validate.Range(min=1, max=LARGEST_ID), metadata={"description": "Who acted."}
    )
    action = fields.String(
        validate=validate.Length(min=1, max=60),
        metadata={"description": "An action such as client.read, or a prefix ending in a dot: client."},
    )
    record_type = fields.String(validate=validate.Length(min=1, max=40))
    record_id = fields.String(validate=validate.Length(min=1, max=40))
    since = fields.AwareDateTime(metadata={"description": "From this moment on (ISO 8601 with offset)."})
    until = fields.AwareDateTime(metadata={"description": "Before this moment (ISO 8601 with offset)."})
    page = WholeNumber(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = WholeNumber(load_default=50, validate=validate.Range(min=1, max=200))


class AuditEventSchema(Schema):
    id = WholeNumber()
    occurred_at = fields.DateTime()
    actor_id = WholeNumber(allow_none=True, metadata={"description": "Null: the scheduler."})
    action = fields.String()
    record_type = fields.String()
    record_id = fields.String(allow_none=True)
    address = fields.String(allow_none=True, metadata={"description": "The client address of the request."})
    details = fields.Dict(metadata={"description": "Field names and ids; never a survivor's field values."})
    previous_hash = fields.String(
        allow_none=True, metadata={"description": "Null until the entry is sealed."}
    )
    entry_hash = fields.String(
        allow_none=True, metadata={"description": "Null until the sealer chains the entry (within seconds)."}
    )


@blp.route("/audit-events", methods=["GET"])
@blp.arguments(AuditEventArgs, location="query")
@blp.response(200, page_of(AuditEventSchema))
def list_audit_events(args: dict[str, Any]) -> dict[str, Any]:
    """Audit entries, newest first, filtered by who, what, which record and when (admins).

    Reading the trail is itself recorded in it.
    """
    actor = acting()
    require_admin(actor)
    query = select(AuditEvent)
    if "actor_id" in args:
        query = query.where(AuditEvent.actor_id == args["actor_id"])
    if "action" in args:
        action = args["action"]
        if action.endswith("."):
            query = query.where(func.substr(AuditEvent.action, 1, len(action)) == action)
        else:
            query = query.where(AuditEvent.action == action)
    if "record_type" in args:
        query = query.where(AuditEvent.record_type == args["record_type"])
    if "record_id" in args:
        query = query.where(AuditEvent.record_id == args["record_id"])
    if "since" in args:
        query = query.where(AuditEvent.occurred_at >= args["since"])
    if "until" in args:
        query = query.where(AuditEvent.occurred_at < args["until"])
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = db.session.scalars(
        query.order_by(AuditEvent.id.desc())
        .limit(args["per_page"])
        .offset((args["page"] - 1) * args["per_page"])
    ).all()
    filters = sorted(name for name in args if name not in ("page", "per_page"))
    audit.record(actor, "audit.list", "audit_event", None, {"filters": filters}, now=now())
    return page(list(events), total, args)
