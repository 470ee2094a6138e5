"""`flask … export-hmis --out FILE.zip` and `flask … report NAME --from --to` for operators."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import clock
from ..errors import DomainError
from . import hmis_export, service
from .csv_download import table_csv
from .suppression import DEFAULT_K

REPORT_NAMES = ("point-in-time", "outcomes", *service.OUTCOME_TABLES)


def _today() -> date:
    return clock.local_date(clock.now(), current_app.config["COALITION_TIMEZONE"])


def _problem(error: DomainError) -> click.ClickException:
    details = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.errors.items())
    return click.ClickException(details or error.message)


@click.command("export-hmis")
@with_appcontext
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="FILE.zip")
@click.option("--from", "starts", type=click.DateTime(["%Y-%m-%d"]), help="Default: a year before --to.")
@click.option("--to", "ends", type=click.DateTime(["%Y-%m-%d"]), help="Default: today.")
@click.option(
    "--night", type=click.DateTime(["%Y-%m-%d"]), help="HIC night (default: last Wednesday of January)."
)
def export_hmis_command(
    out: Path, starts: datetime | None, ends: datetime | None, night: datetime | None
) -> None:
    """Write HUD's HMIS CSV project descriptor files, zipped (no client-level file, ever)."""
    on = _today()
    try:
        first, last = service.period_asked(starts and starts.date(), ends and ends.date(), on)
        export = hmis_export.export_hmis(
            None,
            first,
            last,
            night.date() if night else service.default_night(on),
            on,
            clock.now(),
            current_app.config["COALITION_TIMEZONE"],
        )
    except DomainError as error:
        raise _problem(error) from error
    # Written only once the whole export is made: a refused export leaves no file behind.
    out.write_bytes(export.content)
    projects, inventory = len(export.files["Project"]), len(export.files["Inventory"])
    click.echo(f"Wrote {out} ({projects} projects, {inventory} inventory rows).")


@click.command("report")
@with_appcontext
@click.argument("name", type=click.Choice(REPORT_NAMES))
@click.option("--from", "starts", type=click.DateTime(["%Y-%m-%d"]), help="Default: a year before --to.")
@click.option("--to", "ends", type=click.DateTime(["%Y-%m-%d"]), help="Default: today.")
@click.option("--night", type=click.DateTime(["%Y-%m-%d"]), help="point-in-time: the night counted.")
@click.option("--k", type=int, default=DEFAULT_K, show_default=True, help="Smallest count published.")
@click.option("--format", "output", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
def report_command(
    name: str, starts: datetime | None, ends: datetime | None, night: datetime | None, k: int, output: str
) -> None:
    """Print a report (suppressed exactly as on the pages): point-in-time, outcomes, or one of its parts."""
    on = _today()
    try:
        if name == "point-in-time":
            shown = service.point_in_time(None, night.date() if night else service.default_night(on), k, on)
        else:
            first, last = service.period_asked(starts and starts.date(), ends and ends.date(), on)
            only = None if name == "outcomes" else [name]
            timezone = current_app.config["COALITION_TIMEZONE"]
            shown = service.outcomes(None, first, last, k, on, timezone, only)
    except DomainError as error:
        raise _problem(error) from error
    if output == "json":
        click.echo(json.dumps(shown.as_dict(), indent=2))
        return
    click.echo("\n".join(table_csv(shown, table) for table in shown.tables), nl=False)
