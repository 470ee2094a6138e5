"""The inventory import and export in the API: template, columns, dry run, apply, export (CSV).

A file travels as JSON (its name and its bytes in base64), like every other write of the
API; the CLI and the page take the file itself.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import Response
from flask_babel import gettext
from marshmallow import Schema, fields, validate

from ..api.common import Blueprint, EnumList, StrictSchema, WholeNumber, acting, now
from ..errors import InvalidInput
from ..services.access import require_admin
from ..vocabulary import AgeGroup, Gender, HouseholdType, SubstanceUsePolicy, Tier
from . import hsds_import, inventory_export, inventory_import, inventory_write
from .inventory_columns import COLUMNS
from .spreadsheet import LARGEST_FILE_BYTES, read_sheet

blp = Blueprint(
    "inventory_import",
    __name__,
    description="Moving a coalition's inventory in (dry run, then apply) and out (CSV); admins and partners",
)
FILE_NAME = validate.Regexp(r"^[^/\\]{1,120}\.(csv|CSV|xlsx|XLSX)$", error="A .csv or .xlsx file name.")


class FileSchema(StrictSchema):
    file_name = fields.String(required=True, validate=FILE_NAME)
    content = fields.String(
        required=True,
        validate=validate.Length(min=1, max=(LARGEST_FILE_BYTES * 4) // 3 + 4),
        metadata={"description": "The file's bytes, base64-encoded (up to 5 MB)."},
    )


def _fingerprint() -> fields.String:
    return fields.String(
        required=True,
        validate=validate.Regexp(r"^[0-9a-f]{64}$", error="The dry run's fingerprint: 64 hex digits."),
        metadata={"description": "The `fingerprint` the dry run of this same file answered."},
    )


class ApplySchema(FileSchema):
    fingerprint = _fingerprint()


class HsdsDefaultsSchema(StrictSchema):
    """What HSDS doesn't say, for every site the document brings in."""

    tier = fields.Enum(Tier, by_value=True, required=True)
    households_served = EnumList(HouseholdType, required=True, validate=validate.Length(min=1))
    genders_served = EnumList(Gender, required=True, validate=validate.Length(min=1))
    age_groups_served = EnumList(AgeGroup, required=True, validate=validate.Length(min=1))
    substance_use_policy = fields.Enum(SubstanceUsePolicy, by_value=True, required=True)
    area = fields.String(required=True, validate=validate.Length(min=1, max=120))
    unit_capacity = WholeNumber(load_default=4, validate=validate.Range(min=1, max=30))


HSDS_FILE_NAME = validate.Regexp(r"^[^/\\]{1,120}\.(json|JSON)$", error="A .json file name.")


class HsdsFileSchema(StrictSchema):
    file_name = fields.String(required=True, validate=HSDS_FILE_NAME)
    content = fields.String(
        required=True,
        validate=validate.Length(min=1, max=(LARGEST_FILE_BYTES * 4) // 3 + 4),
        metadata={"description": "An HSDS 3.1 document (a list or a page of services), base64-encoded."},
    )
    defaults = fields.Nested(HsdsDefaultsSchema, required=True)


class HsdsApplySchema(HsdsFileSchema):
    fingerprint = _fingerprint()


class RefusalSchema(Schema):
    file = fields.String()
    row = WholeNumber()
    column = fields.String()
    reason = fields.String()


class DryRunSchema(Schema):
    file_name = fields.String()
    fingerprint = fields.String()
    rows = WholeNumber()
    summary = fields.String()
    counts = fields.Dict(keys=fields.String(), values=WholeNumber())
    refusals = fields.List(fields.Nested(RefusalSchema))
    callouts = fields.List(
        fields.String(), metadata={"description": "Changes of a site's confidential status or tier."}
    )
    notes = fields.List(fields.String())


class AppliedSchema(Schema):
    summary = fields.String()
    counts = fields.Dict(keys=fields.String(), values=WholeNumber())


class ColumnSchema(Schema):
    name = fields.String()
    required = fields.Boolean()
    meaning = fields.String()
    example = fields.String()


def decoded(args: dict[str, Any]) -> bytes:
    try:
        return base64.b64decode(args["content"], validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput.field(
            "content", gettext("Not base64: encode the file's bytes in base64.")
        ) from None


def _csv(text: str, file_name: str) -> Response:
    return Response(
        text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{file_name}"'}
    )


@blp.route("/inventory-import/columns", methods=["GET"])
@blp.response(200, ColumnSchema(many=True))
def columns() -> list[Any]:
    """The file's columns: what each holds, and which are required (admins and partners)."""
    inventory_import.require_importer(acting())
    return list(COLUMNS)


@blp.route("/inventory-import/template", methods=["GET"])
@blp.response(200, {"type": "string"}, content_type="text/csv")
def template() -> Response:
    """A CSV with the header and one example row (admins and partners)."""
    inventory_import.require_importer(acting())
    return _csv(inventory_export.template(), "inventory-template.csv")


@blp.route("/inventory-import/dry-run", methods=["POST"])
@blp.arguments(FileSchema)
@blp.response(200, DryRunSchema)
def dry_run(args: dict[str, Any]) -> dict[str, Any]:
    """What the file would create, update and leave, and each refused row and why. Writes nothing."""
    actor = acting()
    inventory_import.require_importer(actor)
    content = decoded(args)
    sheet = read_sheet(args["file_name"], content)
    return inventory_import.plan_import(actor, sheet, inventory_import.fingerprint(content)).as_dict()


@blp.route("/inventory-import/apply", methods=["POST"])
@blp.arguments(ApplySchema)
@blp.response(200, AppliedSchema)
def apply(args: dict[str, Any]) -> dict[str, Any]:
    """Import the file of a dry run, all or nothing: any refused row refuses the whole file (422)."""
    actor = acting()
    inventory_import.require_importer(actor)
    content = decoded(args)
    sheet = read_sheet(args["file_name"], content)
    result = inventory_write.apply_import(
        actor, sheet, inventory_import.fingerprint(content), args["fingerprint"], now()
    )
    return {"summary": result.summary, "counts": result.counts}


@blp.route("/inventory-export", methods=["GET"])
@blp.response(200, {"type": "string"}, content_type="text/csv")
def export() -> Response:
    """The sites you manage, with their beds and units, as the import's CSV (admins: every site)."""
    return _csv(inventory_export.export_inventory(acting()), "inventory.csv")


def _defaults(args: dict[str, Any]) -> hsds_import.Defaults:
    given = args["defaults"]
    return hsds_import.Defaults(
        tier=given["tier"],
        households_served=frozenset(given["households_served"]),
        genders_served=frozenset(given["genders_served"]),
        age_groups_served=frozenset(given["age_groups_served"]),
        substance_use_policy=given["substance_use_policy"],
        area=" ".join(given["area"].split()),
        unit_capacity=given["unit_capacity"],
    )


@blp.route("/hsds-import/dry-run", methods=["POST"])
@blp.arguments(HsdsFileSchema)
@blp.response(200, DryRunSchema)
def hsds_dry_run(args: dict[str, Any]) -> dict[str, Any]:
    """What an HSDS document's services would become (one site per service and location); admins."""
    actor = acting()
    require_admin(actor)
    return hsds_import.plan_hsds_import(actor, args["file_name"], decoded(args), _defaults(args)).as_dict()


@blp.route("/hsds-import/apply", methods=["POST"])
@blp.arguments(HsdsApplySchema)
@blp.response(200, AppliedSchema)
def hsds_apply(args: dict[str, Any]) -> dict[str, Any]:
    """Import the HSDS document of a dry run, all or nothing; admins."""
    actor = acting()
    require_admin(actor)
    result = hsds_import.apply_hsds_import(
        actor, args["file_name"], decoded(args), _defaults(args), args["fingerprint"], now()
    )
    return {"summary": result.summary, "counts": result.counts}
