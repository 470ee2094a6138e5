"""Reports a coalition owes its funders, and HUD's inventory export: aggregates only.

One package: its queries (queries.py, the only place that reads the data), suppression,
service functions, API blueprint, pages, templates and commands. It depends on the shared
layers (models, services, api.common, web); nothing there depends on it.
"""

from __future__ import annotations

from flask import Flask


def install(app: Flask) -> None:
    """The reports' API, pages and commands (after the API and the pages are set up)."""
    from ..extensions import api
    from . import api as reports_api
    from . import cli, pages

    api.register_blueprint(reports_api.blp, url_prefix="/api/v1")
    app.register_blueprint(pages.pages)
    app.cli.add_command(cli.export_hmis_command)
    app.cli.add_command(cli.report_command)
