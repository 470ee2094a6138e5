"""Oversight under /api/v1: address pauses (admins), who saw a site's address, unused records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from marshmallow import Schema, fields, validate

from ..api.common import Blueprint, PageArgs, StrictSchema, WholeNumber, acting, now, page, page_of, paginate
from ..models import AddressRevealPause
from ..services import addresses, audit, inventory
from . import queries

blp = Blueprint("oversight", __name__, description="Who was shown confidential addresses, and why it matters")


class RevealSchema(Schema):
    id = WholeNumber()
    user_id = WholeNumber()
    user_name = fields.String()
    site_id = WholeNumber()
    site_name = fields.String()
    hold_id = WholeNumber(allow_none=True)
    revealed_at = fields.DateTime()


class PauseSchema(Schema):
    id = WholeNumber()
    user_id = WholeNumber()
    user_name = fields.String()
    paused_at = fields.DateTime()
    asked_site_id = WholeNumber()
    reviewed_at = fields.DateTime(allow_none=True)
    reviewed_by_id = WholeNumber(allow_none=True)
    review_note = fields.String(allow_none=True)
    reveals = fields.List(fields.Nested(RevealSchema), metadata={"description": "What led to the pause."})


class PauseListArgs(PageArgs):
    open = fields.Boolean(load_default=True, metadata={"description": "Only pauses not yet reviewed."})


class ReviewSchema(StrictSchema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class UnusedRecordSchema(Schema):
    client_id = WholeNumber()
    code = fields.String()
    created_at = fields.DateTime()
    created_by_id = WholeNumber(allow_none=True)
    created_by_name = fields.String(allow_none=True)
    holds_made = WholeNumber()
    referrals_sent = WholeNumber()


def present_reveal(reveal: Any) -> dict[str, Any]:
    return {
        "id": reveal.id,
        "user_id": reveal.user_id,
        "user_name": reveal.user.display_name,
        "site_id": reveal.site_id,
        "site_name": reveal.site.name,
        "hold_id": reveal.hold_id,
        "revealed_at": reveal.revealed_at,
    }


def present_pause(pause: AddressRevealPause, with_reveals: bool) -> dict[str, Any]:
    actor = acting()
    window = timedelta(days=current_app.config["ADDRESS_REVEAL_WINDOW_DAYS"])
    reveals = (
        addresses.reveals_of_user(actor, pause.user_id, pause.paused_at - window) if with_reveals else []
    )
    return {
        "id": pause.id,
        "user_id": pause.user_id,
        "user_name": pause.user.display_name,
        "paused_at": pause.paused_at,
        "asked_site_id": pause.asked_site_id,
        "reviewed_at": pause.reviewed_at,
        "reviewed_by_id": pause.reviewed_by_id,
        "review_note": pause.review_note,
        "reveals": [present_reveal(r) for r in reveals],
    }


@blp.route("/address-pauses", methods=["GET"])
@blp.arguments(PauseListArgs, location="query")
@blp.response(200, page_of(PauseSchema))
def list_pauses(args: dict[str, Any]) -> dict[str, Any]:
    """People paused from confidential addresses (admins)."""
    result = paginate(addresses.list_pauses(acting(), args["open"]), args)
    result["items"] = [present_pause(pause, with_reveals=False) for pause in result["items"]]
    return result


@blp.route("/address-pauses/<int:pause_id>", methods=["GET"])
@blp.response(200, PauseSchema)
def get_pause(pause_id: int) -> dict[str, Any]:
    """One pause, with the addresses the person was shown before it (admins)."""
    return present_pause(addresses.get_pause(acting(), pause_id), with_reveals=True)


@blp.route("/address-pauses/<int:pause_id>/review", methods=["POST"])
@blp.arguments(ReviewSchema)
@blp.response(200, PauseSchema)
def review_pause(data: dict[str, Any], pause_id: int) -> dict[str, Any]:
    """Reviewed: addresses resume for the person (deactivate the account instead if need be)."""
    actor = acting()
    pause = addresses.review_pause(actor, addresses.get_pause(actor, pause_id), data["note"], now())
    return present_pause(pause, with_reveals=True)


@blp.route("/sites/<int:site_id>/address-reveals", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(RevealSchema))
def site_reveals(args: dict[str, Any], site_id: int) -> dict[str, Any]:
    """Who was shown this site's address, and when (the site's staff and admins)."""
    actor = acting()
    found, total = addresses.reveals_of_site(
        actor, inventory.get_site(site_id), args["page"], args["per_page"]
    )
    return page([present_reveal(r) for r in found], total, args)


@blp.route("/unused-records", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(UnusedRecordSchema))
def unused_records(args: dict[str, Any]) -> dict[str, Any]:
    """Survivors' records opened long ago and never used for a stay (admins)."""
    actor = acting()
    result = paginate(queries.unused_records(actor, current_app.config["UNUSED_RECORD_DAYS"], now()), args)
    audit.record_reads(actor, [record.client_id for record in result["items"]], "unused-records")
    result["items"] = [vars(record) for record in result["items"]]
    return result
