"""The demo coalition gives every report real numbers, and a complete HMIS export."""

from __future__ import annotations

import io
import zipfile

from housing_service.models import Role, User


def test_every_report_of_the_demo_has_numbers(app, make, api):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from housing_service.extensions import db

        admin = db.session.query(User).filter_by(role=Role.ADMIN).one()
    session = api(admin)
    reports = [
        session.get("/api/v1/reports/point-in-time").get_json(),
        session.get("/api/v1/reports/outcomes").get_json(),
    ]
    tables = [table for body in reports for table in body["tables"]]
    assert len(tables) == 4 + 10
    for table in tables:
        published = [
            cell["value"]
            for row in table["rows"]
            for cell in row["cells"]
            if not cell["suppressed"] and cell["value"] is not None
        ]
        assert any(value > 0 for value in published), f"{table['name']} has no number to show"
        if table["counts"]:
            # Not a wall of "suppressed": most of what has people in it is shown.
            total = table["rows"][-1]["cells"][-1]
            assert not total["suppressed"] and total["value"] >= 5, table["name"]
    export = session.get("/api/v1/reports/hmis-export")
    assert export.status_code == 200, export.get_json()
    archive = zipfile.ZipFile(io.BytesIO(export.data))
    projects = archive.read("Project.csv").decode().splitlines()
    assert len(projects) == 1 + 6
