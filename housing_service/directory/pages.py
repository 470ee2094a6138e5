"""The inventory import page (admins and partners): template, column list, dry run, apply;
and the inventory download as CSV."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from ..errors import DomainError, InvalidInput
from ..request_context import acting, now
from ..web import blueprint as web_blueprint
from ..web import errors as web_errors
from . import inventory_export, inventory_import, inventory_write
from .inventory_columns import COLUMNS
from .spreadsheet import LARGEST_FILE_BYTES, Sheet, read_sheet


def page_blueprint(name: str) -> Blueprint:
    """A blueprint of pages for signed-in people, with the pages' headers and error pages."""
    blueprint = Blueprint(name, __name__, template_folder="templates")
    blueprint.before_request(web_blueprint.require_sign_in)
    blueprint.after_request(web_blueprint.page_headers)
    blueprint.register_error_handler(CSRFError, web_errors.form_expired)
    blueprint.register_error_handler(DomainError, web_errors.domain_error)
    return blueprint


pages = page_blueprint("directory_pages")


def _uploaded() -> tuple[Sheet, str]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput.field("file", gettext("Choose a .csv or .xlsx file."))
    content = upload.stream.read(LARGEST_FILE_BYTES + 1)
    return read_sheet(upload.filename, content), inventory_import.fingerprint(content)


def _page(status: int = 200, **context: object) -> ResponseReturnValue:
    return render_template("directory/import.html", columns=COLUMNS, **context), status


@pages.route("/inventory-import", methods=["GET"])
def index() -> ResponseReturnValue:
    inventory_import.require_importer(acting())
    return _page()


@pages.route("/inventory-import/dry-run", methods=["POST"])
def dry_run() -> ResponseReturnValue:
    actor = acting()
    inventory_import.require_importer(actor)
    try:
        sheet, fingerprint = _uploaded()
        plan = inventory_import.plan_import(actor, sheet, fingerprint)
    except InvalidInput as error:
        return _page(422, problems=problems_of(error))
    return _page(200, plan=plan)


@pages.route("/inventory-import/apply", methods=["POST"])
def apply() -> ResponseReturnValue:
    actor = acting()
    inventory_import.require_importer(actor)
    try:
        sheet, fingerprint = _uploaded()
        result = inventory_write.apply_import(
            actor, sheet, fingerprint, request.form.get("fingerprint", ""), now()
        )
    except DomainError as error:
        return _page(error.status, problems=problems_of(error))
    return _page(200, applied=result)


def problems_of(error: DomainError) -> list[str]:
    return [f"{field}: {message}" for field, messages in error.errors.items() for message in messages] or [
        error.message
    ]


def _csv(text: str, file_name: str) -> Response:
    return Response(
        text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{file_name}"'}
    )


@pages.route("/inventory-import/template.csv", methods=["GET"])
def template_download() -> ResponseReturnValue:
    inventory_import.require_importer(acting())
    return _csv(inventory_export.template(), "inventory-template.csv")


@pages.route("/inventory-export.csv", methods=["GET"])
def export_download() -> ResponseReturnValue:
    return _csv(inventory_export.export_inventory(acting()), "inventory.csv")
