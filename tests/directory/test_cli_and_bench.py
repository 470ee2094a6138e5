"""`flask import-inventory` (dry run, then --apply) and `flask export-inventory`; the import
benchmark's file, at size tiny, imports without a refusal."""

from __future__ import annotations

from pathlib import Path

from bench.import_bench import inventory_file
from housing_service.models import Role, Site, Space

from .helpers import inventory_csv, site_row


def test_the_command_dry_runs_then_applies(app, make, tmp_path: Path):
    make.user(Role.ADMIN, email="lead@example.org")
    file = tmp_path / "coalition.csv"
    file.write_bytes(inventory_csv([site_row(), site_row(site="Bay House", confidential="yes")]))
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["import-inventory", str(file), "--as", "lead@example.org"])
    assert checked.exit_code == 0, checked.output
    assert (
        "Will create 2 sites, 20 beds and 4 units" in checked.output
        and "nothing was written" in checked.output
    )
    assert make.count(Site) == 0
    applied = runner.invoke(args=["import-inventory", str(file), "--as", "lead@example.org", "--apply"])
    assert applied.exit_code == 0, applied.output
    assert make.count(Site) == 2 and make.count(Space) == 24
    out = tmp_path / "out.csv"
    exported = runner.invoke(args=["export-inventory", "--out", str(out), "--as", "lead@example.org"])
    assert exported.exit_code == 0 and out.read_bytes().count(b"\r\n") == 3


def test_the_command_refuses_a_bad_file_and_writes_nothing(app, make, tmp_path: Path):
    make.user(Role.ADMIN, email="lead@example.org")
    file = tmp_path / "coalition.csv"
    file.write_bytes(inventory_csv([site_row(), site_row(site="Other", households_served="everyone")]))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-inventory", str(file), "--as", "lead@example.org", "--apply"])
    assert result.exit_code != 0
    assert "coalition.csv row 3, households_served: 'everyone' is not one of" in result.output
    assert "row 3: households_served" in result.output
    assert make.count(Site) == 0
    nobody = runner.invoke(args=["import-inventory", str(file), "--as", "nobody@example.org"])
    assert nobody.exit_code != 0 and "No active admin account" in nobody.output


def test_the_benchmark_s_file_imports_cleanly_at_size_tiny(app, make, tmp_path: Path):
    make.user(Role.ADMIN, email="lead@example.org")
    file = tmp_path / "tiny.csv"
    file.write_bytes(inventory_file("tiny"))
    result = app.test_cli_runner().invoke(
        args=["import-inventory", str(file), "--as", "lead@example.org", "--apply"]
    )
    assert result.exit_code == 0, result.output
    assert make.count(Site) == 6 and make.count(Space) == 60
