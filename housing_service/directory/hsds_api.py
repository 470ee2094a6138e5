"""GET /api/v1/hsds/…: the public directory, as HSDS 3.1's API describes it. No sign-in.

Cacheable (Cache-Control and an ETag); off unless HSDS_FEED says on. Lists are pages as
HSDS's API gives them: total_items, total_pages, page_number, size, first_page, last_page,
empty, contents.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app, request
from flask_babel import gettext
from marshmallow import fields, validate

from ..api.common import A_PAGE, Blueprint, StrictSchema, today
from ..errors import NotFound
from ..request_context import now
from ..services.revision import KeptWhileCurrent
from . import hsds_package
from .hsds_feed import HSDS_VERSION, Directory, build_directory

blp = Blueprint(
    "hsds",
    __name__,
    description="The public directory in Open Referral HSDS 3.1 (no sign-in; confidential sites never in it)",
)
CACHE_SECONDS = 300
_kept: KeptWhileCurrent[Directory] = KeptWhileCurrent(size=4)


class HsdsPageArgs(StrictSchema):
    page = fields.Integer(load_default=1, validate=A_PAGE)
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


def _directory() -> Directory:
    if not current_app.config["HSDS_FEED"]:
        raise NotFound(gettext("The directory feed is turned off here (HSDS_FEED)."))
    secret = current_app.config["HSDS_ID_SECRET"]
    on = today()
    offset = _utc_offset_hours(current_app.config["COALITION_TIMEZONE"], now())
    return _kept.get(("hsds", secret, on, offset), lambda: build_directory(secret, on, offset))


def _utc_offset_hours(timezone: str, moment: datetime) -> float:
    offset = moment.astimezone(ZoneInfo(timezone)).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def _cached(body: bytes, mimetype: str, **headers: str) -> Response:
    """A public answer with an ETag; 304 when the client already has it."""
    etag = hashlib.sha256(body).hexdigest()[:32]
    if etag in request.if_none_match:
        response = Response(status=304)
    else:
        response = Response(body, mimetype=mimetype, headers=headers)
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


def _json(document: Any) -> Response:
    return _cached(json.dumps(document, separators=(",", ":")).encode(), "application/json")


def _page(records: list[dict[str, Any]], args: dict[str, Any]) -> Response:
    size, number = args["per_page"], args["page"]
    total = len(records)
    pages = max(math.ceil(total / size), 1)
    contents = records[(number - 1) * size : number * size]
    return _json(
        {
            "total_items": total,
            "total_pages": pages,
            "page_number": number,
            "size": len(contents),
            "first_page": number == 1,
            "last_page": number >= pages,
            "empty": not contents,
            "contents": contents,
        }
    )


def _one(records: list[dict[str, Any]], record_id: str, not_found: str) -> Response:
    for record in records:
        if record["id"] == record_id:
            return _json(record)
    raise NotFound(not_found)


ANY_OBJECT = {"type": "object"}


@blp.route("/", methods=["GET"])
@blp.response(200, ANY_OBJECT)
def about() -> Response:
    """Which HSDS this feed speaks, and where the full export is."""
    _directory()
    return _json({"version": HSDS_VERSION, "profile": "https://openreferral.org/hsds/3.1"})


@blp.route("/services", methods=["GET"])
@blp.arguments(HsdsPageArgs, location="query")
@blp.response(200, ANY_OBJECT)
def services(args: dict[str, Any]) -> Response:
    """Services (one per site's programme), with locations, phones, languages, intake hours and capacity."""
    return _page(_directory().services, args)


@blp.route("/services/<string:service_id>", methods=["GET"])
@blp.response(200, ANY_OBJECT)
def service(service_id: str) -> Response:
    """One service, in full."""
    return _one(_directory().services, service_id, gettext("No service has this id."))


@blp.route("/organizations", methods=["GET"])
@blp.arguments(HsdsPageArgs, location="query")
@blp.response(200, ANY_OBJECT)
def organizations(args: dict[str, Any]) -> Response:
    """Organisations with at least one public service."""
    return _page(_directory().organizations, args)


@blp.route("/organizations/<string:organization_id>", methods=["GET"])
@blp.response(200, ANY_OBJECT)
def organization(organization_id: str) -> Response:
    return _one(_directory().organizations, organization_id, gettext("No organization has this id."))


@blp.route("/locations", methods=["GET"])
@blp.arguments(HsdsPageArgs, location="query")
@blp.response(200, ANY_OBJECT)
def locations(args: dict[str, Any]) -> Response:
    """Locations of public sites (a confidential site is never one)."""
    return _page(_directory().locations, args)


@blp.route("/locations/<string:location_id>", methods=["GET"])
@blp.response(200, ANY_OBJECT)
def location(location_id: str) -> Response:
    return _one(_directory().locations, location_id, gettext("No location has this id."))


@blp.route("/export.zip", methods=["GET"])
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/zip")
def export_zip() -> Response:
    """The whole directory as an HSDS tabular datapackage: CSV files and datapackage.json."""
    content = hsds_package.datapackage_zip(_directory())
    return _cached(
        content, "application/zip", **{"Content-Disposition": 'attachment; filename="hsds-directory.zip"'}
    )
