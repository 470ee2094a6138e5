"""Flags: what needs attention, why, and by when; acknowledge them with a note."""

from __future__ import annotations

from typing import Any

from flask import current_app
from marshmallow import Schema, fields, validate

from ..models import Flag, FlagKind
from ..services import flags
from ..services.access import knows_who_is_arriving
from .common import Blueprint, PageArgs, StrictSchema, WholeNumber, acting, now, page, page_of
from .presenters import columns

blp = Blueprint("flags", __name__, description="Flags raised by the scheduler")


class FlagSchema(Schema):
    id = WholeNumber()
    kind = fields.Enum(FlagKind, by_value=True)
    title = fields.String(metadata={"description": "What needs attention."})
    reason = fields.String(metadata={"description": "Why, with the numbers."})
    act_by = fields.Date(allow_none=True, metadata={"description": "The date by which to act."})
    client_id = WholeNumber(allow_none=True)
    client_code = fields.String(allow_none=True)
    placement_id = WholeNumber(allow_none=True)
    hold_id = WholeNumber(allow_none=True)
    site_id = WholeNumber(allow_none=True)
    raised_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by_id = WholeNumber(allow_none=True)
    acknowledgement_note = fields.String(allow_none=True)


class FlagListArgs(PageArgs):
    open = fields.Boolean(load_default=True, metadata={"description": "Only flags not yet resolved."})
    kind = fields.Enum(FlagKind, by_value=True)


class AcknowledgeSchema(StrictSchema):
    note = fields.String(validate=validate.Length(max=2000))


def present_flag(flag: Flag) -> dict[str, Any]:
    config = current_app.config
    text = flags.describe(flag, config["STALE_AVAILABILITY_HOURS"], config["COALITION_TIMEZONE"])
    client = flag.placement.client if flag.placement else (flag.hold.client if flag.hold else None)
    # A hold from a screened referral names no record to the site's staff before the arrival.
    withheld = flag.hold is not None and not knows_who_is_arriving(acting(), flag.hold)
    return {
        **columns(flag, FlagSchema),
        "title": text.title,
        "reason": text.reason,
        "client_id": None if withheld else flag.client_id,
        "client_code": client.code if client and not withheld else None,
    }


@blp.route("/flags", methods=["GET"])
@blp.arguments(FlagListArgs, location="query")
@blp.response(200, page_of(FlagSchema))
def list_flags(args: dict[str, Any]) -> dict[str, Any]:
    """Flags for your clients (case teams), your sites (partners) or everyone (admins); soonest first."""
    records, total = flags.list_flags(
        acting(), open_only=args["open"], kind=args.get("kind"), page=args["page"], per_page=args["per_page"]
    )
    return page([present_flag(flag) for flag in records], total, args)


@blp.route("/flags/<int:flag_id>/acknowledge", methods=["POST"])
@blp.arguments(AcknowledgeSchema)
@blp.response(200, FlagSchema)
def acknowledge(data: dict[str, Any], flag_id: int) -> dict[str, Any]:
    """Say you are on it, with a note. The flag resolves itself once its cause is dealt with."""
    actor = acting()
    flag = flags.acknowledge(actor, flags.get_flag(actor, flag_id), data.get("note"), now())
    return present_flag(flag)
