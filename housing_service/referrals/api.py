"""Referrals under /api/v1: send, list, answer (accept or decline), withdraw. No address, ever."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from ..api.common import (
    AN_ID,
    Blueprint,
    EnumList,
    PageArgs,
    StrictSchema,
    WholeNumber,
    acting,
    now,
    page_of,
    paginate,
    today,
)
from ..models import Referral, ReferralStatus
from ..services.access import manages_site
from ..services.actor import Actor
from ..vocabulary import ReferralUrgency, SpaceFeature
from . import service

blp = Blueprint("referrals", __name__, description="Screened referrals to confidential sites")


class ReferralSchema(Schema):
    id = WholeNumber()
    site_id = WholeNumber()
    site_name = fields.String()
    status = fields.Enum(ReferralStatus, by_value=True)
    urgency = fields.Enum(ReferralUrgency, by_value=True)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    household_size = WholeNumber()
    adults = WholeNumber()
    children = fields.List(fields.String(), metadata={"description": "Age brackets: 0-2, 3-5, 6-12, 13-17."})
    accessibility_needs = EnumList(SpaceFeature)
    languages = fields.List(fields.String())
    has_pets = fields.Boolean()
    callback_phone = fields.String(allow_none=True)
    created_at = fields.DateTime()
    respond_by = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    decline_reason = fields.String(allow_none=True)
    hold_id = WholeNumber(
        allow_none=True,
        metadata={"description": "The hold an accepted referral made (sender and site only)."},
    )
    client_id = WholeNumber(
        allow_none=True, metadata={"description": "The sender's record: never shown to the site's staff."}
    )


class ReferralCreateSchema(StrictSchema):
    site_id = WholeNumber(required=True, validate=AN_ID)
    client_id = WholeNumber(required=True, validate=AN_ID)
    starts_on = fields.Date(metadata={"description": "First night wanted; default tonight."})
    ends_on = fields.Date(allow_none=True, metadata={"description": "The first night no longer needed."})
    urgency = fields.Enum(ReferralUrgency, by_value=True, required=True)
    callback_phone = fields.String(required=True, validate=validate.Length(min=1, max=40))


class ReferralListArgs(PageArgs):
    status = fields.Enum(ReferralStatus, by_value=True)
    site_id = WholeNumber(validate=AN_ID)


class AcceptSchema(StrictSchema):
    space_id = WholeNumber(required=True, validate=AN_ID)


class DeclineSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(max=1000))


def present_referral(referral: Referral, actor: Actor) -> dict[str, Any]:
    """A referral; the sender's record only to the sender's side, never to the site's staff."""
    site_side = manages_site(actor, referral.site) and not actor.is_admin
    return {
        **{
            name: getattr(referral, name)
            for name in ReferralSchema._declared_fields
            if hasattr(referral, name)
        },
        "site_name": referral.site.name,
        "client_id": None if site_side else referral.client_id,
    }


@blp.route("/referrals", methods=["GET"])
@blp.arguments(ReferralListArgs, location="query")
@blp.response(200, page_of(ReferralSchema))
def list_referrals(args: dict[str, Any]) -> dict[str, Any]:
    """Referrals to your sites (partners), or that you or your cases' team sent; newest first."""
    actor = acting()
    result = paginate(service.list_referrals(actor, args.get("status"), args.get("site_id")), args)
    result["items"] = [present_referral(referral, actor) for referral in result["items"]]
    return result


@blp.route("/referrals", methods=["POST"])
@blp.arguments(ReferralCreateSchema)
@blp.response(201, ReferralSchema)
def send_referral(data: dict[str, Any]) -> dict[str, Any]:
    """Ask a screened site for a place: the household and its needs, never who the survivor is."""
    actor = acting()
    request = service.ReferralRequest(
        site_id=data["site_id"],
        client_id=data["client_id"],
        starts_on=data.get("starts_on") or today(),
        ends_on=data.get("ends_on"),
        urgency=data["urgency"],
        callback_phone=data["callback_phone"],
    )
    return present_referral(service.send_referral(actor, request, now(), today()), actor)


@blp.route("/referrals/<int:referral_id>", methods=["GET"])
@blp.response(200, ReferralSchema)
def get_referral(referral_id: int) -> dict[str, Any]:
    """One referral and where it stands."""
    actor = acting()
    return present_referral(service.get_referral(actor, referral_id), actor)


@blp.route("/referrals/<int:referral_id>/accept", methods=["POST"])
@blp.arguments(AcceptSchema)
@blp.response(200, ReferralSchema)
def accept_referral(data: dict[str, Any], referral_id: int) -> dict[str, Any]:
    """The site's staff take the household in the bed or unit they choose (this holds it)."""
    actor = acting()
    referral = service.accept(
        actor, service.get_referral(actor, referral_id), data["space_id"], now(), today()
    )
    return present_referral(referral, actor)


@blp.route("/referrals/<int:referral_id>/decline", methods=["POST"])
@blp.arguments(DeclineSchema)
@blp.response(200, ReferralSchema)
def decline_referral(data: dict[str, Any], referral_id: int) -> dict[str, Any]:
    """The site's staff can't take the household, and say why."""
    actor = acting()
    referral = service.decline(actor, service.get_referral(actor, referral_id), data["reason"], now())
    return present_referral(referral, actor)


@blp.route("/referrals/<int:referral_id>/withdraw", methods=["POST"])
@blp.response(200, ReferralSchema)
def withdraw_referral(referral_id: int) -> dict[str, Any]:
    """The sender no longer needs the place."""
    actor = acting()
    referral = service.withdraw(actor, service.get_referral(actor, referral_id), now())
    return present_referral(referral, actor)
