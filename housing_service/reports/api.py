"""GET /api/v1/reports/…: the point-in-time count, outcomes, and the HMIS CSV export (admins)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, current_app
from marshmallow import Schema, fields, validate

from ..api.common import Blueprint, StrictSchema, WholeNumber, acting, now, today
from ..services import audit
from . import hmis_export, service
from .suppression import DEFAULT_K

blp = Blueprint(
    "reports", __name__, description="Reports for funders: aggregates only, small cells suppressed"
)

K_FIELD = {
    "load_default": DEFAULT_K,
    "validate": validate.Range(min=2, max=service.LARGEST_K),
    "metadata": {"description": "Counts from 1 to k−1 are suppressed (with what would give them away)."},
}


class NightArgs(StrictSchema):
    night = fields.Date(
        metadata={"description": "Default: the last Wednesday of January most recently passed."}
    )
    k = WholeNumber(**K_FIELD)


class PeriodArgs(StrictSchema):
    starts = fields.Date(data_key="from", metadata={"description": "First day. Default: a year before `to`."})
    ends = fields.Date(data_key="to", metadata={"description": "Last day (at most today). Default: today."})
    table = fields.List(
        fields.String(validate=validate.OneOf(list(service.OUTCOME_TABLES))),
        metadata={"description": "Only these groups of tables (default: all)."},
    )
    k = WholeNumber(**K_FIELD)


class ExportArgs(StrictSchema):
    starts = fields.Date(data_key="from", metadata={"description": "Default: a year before `to`."})
    ends = fields.Date(data_key="to", metadata={"description": "Default: today."})
    night = fields.Date(
        metadata={"description": "The HIC night for PITCount. Default: last Wednesday of January."}
    )


class CellSchema(Schema):
    value = fields.Raw(allow_none=True, metadata={"description": "Null when suppressed."})
    suppressed = fields.Boolean()


class RowSchema(Schema):
    label = fields.String()
    cells = fields.List(fields.Nested(CellSchema))


class TableSchema(Schema):
    name = fields.String()
    title = fields.String()
    row_header = fields.String()
    columns = fields.List(fields.String())
    counts = fields.Boolean(metadata={"description": "Counts (suppressed) or figures (rates, averages)."})
    note = fields.String()
    rows = fields.List(fields.Nested(RowSchema))


class ReportSchema(Schema):
    report = fields.String()
    title = fields.String()
    parameters = fields.Dict(keys=fields.String(), values=fields.String())
    k = WholeNumber()
    suppression = fields.String()
    tables = fields.List(fields.Nested(TableSchema))


def period_of(args: dict[str, Any], on: date) -> tuple[date, date]:
    """The period asked for: the end defaults to today, the start to a year before the end."""
    return service.period_asked(args.get("starts"), args.get("ends"), on)


@blp.route("/reports/point-in-time", methods=["GET"])
@blp.arguments(NightArgs, location="query")
@blp.response(200, ReportSchema)
def point_in_time(args: dict[str, Any]) -> dict[str, Any]:
    """Sheltered persons and households on one night, by tier and household type (admins, case managers)."""
    on = today()
    night = args.get("night") or service.default_night(on)
    return service.point_in_time(acting(), night, args["k"], on).as_dict()


@blp.route("/reports/outcomes", methods=["GET"])
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, ReportSchema)
def outcomes(args: dict[str, Any]) -> dict[str, Any]:
    """Served, length of stay, exits, moves, limits, utilisation and unmet demand (admins, case managers)."""
    on = today()
    starts, ends = period_of(args, on)
    report = service.outcomes(
        acting(), starts, ends, args["k"], on, current_app.config["COALITION_TIMEZONE"], args.get("table")
    )
    return report.as_dict()


@blp.route("/reports/hmis-export", methods=["GET"])
@blp.arguments(ExportArgs, location="query")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/zip")
def hmis_export_zip(args: dict[str, Any]) -> Response:
    """HMIS CSV FY2026 project descriptor files, zipped (admins). Never a client-level file."""
    actor, on = acting(), today()
    starts, ends = period_of(args, on)
    export = hmis_export.export_hmis(
        actor,
        starts,
        ends,
        args.get("night") or service.default_night(on),
        on,
        now(),
        current_app.config["COALITION_TIMEZONE"],
    )
    audit.record(
        actor, "report.hmis_export", "export", None, {"from": starts.isoformat(), "to": ends.isoformat()}
    )
    return Response(
        export.content,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{export.file_name}"'},
    )
