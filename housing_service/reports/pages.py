"""The report pages for admins and case managers: tables with charts, and a CSV of each table."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from ..errors import DomainError, InvalidInput, NotFound
from ..request_context import acting, now, today
from ..services import audit
from ..services.access import require_admin
from ..web import blueprint as web_blueprint
from ..web import errors as web_errors
from . import hmis_export, service
from .charts import chart_of
from .csv_download import file_name, table_csv
from .suppression import DEFAULT_K

pages = Blueprint("report_pages", __name__, template_folder="templates")
pages.before_request(web_blueprint.require_sign_in)
pages.after_request(web_blueprint.page_headers)
pages.register_error_handler(CSRFError, web_errors.form_expired)
pages.register_error_handler(DomainError, web_errors.domain_error)


def _date(name: str, default: Any) -> date:
    text = request.args.get(name, "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.field(name, gettext("Give a date as YYYY-MM-DD.")) from None


def _k() -> int:
    text = request.args.get("k", "").strip()
    if not text:
        return DEFAULT_K
    if not text.isdigit() or len(text) > 3:
        raise InvalidInput.field(
            "k", gettext("k is a whole number from 2 to %(largest)s.", largest=service.LARGEST_K)
        )
    return int(text)


def _optional_date(name: str) -> date | None:
    return _date(name, None) if request.args.get(name, "").strip() else None


def _period(on: date) -> tuple[date, date]:
    return service.period_asked(_optional_date("from"), _optional_date("to"), on)


def _point_in_time() -> service.Report:
    on = today()
    return service.point_in_time(acting(), _date("night", service.default_night(on)), _k(), on)


def _outcomes() -> service.Report:
    on = today()
    starts, ends = _period(on)
    return service.outcomes(acting(), starts, ends, _k(), on, current_app.config["COALITION_TIMEZONE"])


REPORTS = {"point-in-time": _point_in_time, "outcomes": _outcomes}


def _with_problem(template: str, error: InvalidInput, **context: Any) -> ResponseReturnValue:
    problems = [message for messages in error.errors.values() for message in messages] or [error.message]
    return render_template(template, report=None, problems=problems, args=request.args, **context), 422


@pages.route("/reports", methods=["GET"])
def index() -> ResponseReturnValue:
    actor = acting()
    service.require_reader(actor)
    on = today()
    starts, ends = service.default_period(on)
    return render_template(
        "reports/index.html",
        night=service.default_night(on),
        starts=starts,
        ends=ends,
        k=DEFAULT_K,
        may_export=actor.is_admin,
    )


@pages.route("/reports/<any('point-in-time', outcomes):name>", methods=["GET"])
def report(name: str) -> ResponseReturnValue:
    service.require_reader(acting())
    template = f"reports/{name}.html"
    try:
        shown = REPORTS[name]()
    except InvalidInput as error:
        return _with_problem(template, error)
    charts = {
        table.name: chart_of(table) for table in shown.tables if table.counts or table.name == "utilisation"
    }
    return render_template(
        template,
        report=shown,
        charts=charts,
        problems=[],
        args=request.args,
        note=service.suppression_note(shown.k),
    )


@pages.route("/reports/<any('point-in-time', outcomes):name>/<table_name>.csv", methods=["GET"])
def table_download(name: str, table_name: str) -> Response:
    service.require_reader(acting())
    shown = REPORTS[name]()
    table = shown.table(table_name)
    if table is None:
        raise NotFound(gettext("This report has no table by that name."))
    return Response(
        table_csv(shown, table),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{file_name(shown, table)}"'},
    )


@pages.route("/reports/hmis-export.zip", methods=["GET"])
def hmis_export_download() -> ResponseReturnValue:
    actor = acting()
    require_admin(actor)
    on = today()
    try:
        starts, ends = _period(on)
        export = hmis_export.export_hmis(
            actor,
            starts,
            ends,
            _date("night", service.default_night(on)),
            on,
            now(),
            current_app.config["COALITION_TIMEZONE"],
        )
    except InvalidInput as error:
        return _with_problem(
            "reports/index.html",
            error,
            night=service.default_night(on),
            starts=service.default_period(on)[0],
            ends=on,
            k=DEFAULT_K,
            may_export=True,
        )
    audit.record(
        actor, "report.hmis_export", "export", None, {"from": starts.isoformat(), "to": ends.isoformat()}
    )
    return Response(
        export.content,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{export.file_name}"'},
    )
