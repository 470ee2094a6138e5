"""Moving a coalition in and publishing its directory: the inventory import and export
(CSV/XLSX, dry run then apply), and the public Open Referral HSDS 3.1 feed.

One package: the file handling, the import's plan, the export, the feed, their API
blueprints, pages, templates and commands. It depends on the shared layers (models,
services, api.common, web); nothing there depends on it.
"""

from __future__ import annotations

from flask import Flask


def install(app: Flask) -> None:
    """The directory's API, pages and commands (after the API and the pages are set up)."""
    from ..extensions import api
    from ..request_limits import accept_uploads
    from . import cli, hsds_api, hsds_pages, import_api, pages

    api.register_blueprint(import_api.blp, url_prefix="/api/v1")
    api.register_blueprint(hsds_api.blp, url_prefix="/api/v1/hsds")
    app.register_blueprint(pages.pages)
    app.register_blueprint(hsds_pages.pages)
    accept_uploads(app, import_api.blp.name, pages.pages.name, hsds_pages.pages.name)
    app.cli.add_command(cli.import_inventory_command)
    app.cli.add_command(cli.export_inventory_command)
    app.cli.add_command(cli.import_hsds_command)
