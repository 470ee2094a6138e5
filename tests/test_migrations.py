"""`db upgrade` builds the whole schema on an empty database, and matches the models."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from housing_service.extensions import db

from .conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parent.parent


def _flask(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "HOUSING_ENV": "testing"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "housing_service", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def empty_database_url(tmp_path: Path):
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    admin_url = make_url(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"housing_migration_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_db_upgrade_on_an_empty_database_creates_every_table(empty_database_url: str):
    result = _flask("db", "upgrade", database_url=empty_database_url)
    assert result.returncode == 0, result.stderr
    engine = create_engine(empty_database_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert set(db.metadata.tables) <= tables


# The bed board's index orders by an expression, and names are unique by lower(name): SQLite's
# reflection can't compare expression indexes (PostgreSQL runs compare them).
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_the_migrations_match_the_models(app):
    # A model change without its migration shows up here as a difference.
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migration_0007_makes_existing_confidential_sites_screened(empty_database_url: str):
    assert _flask("db", "upgrade", "0006", database_url=empty_database_url).returncode == 0
    engine = create_engine(empty_database_url)
    site = (
        "INSERT INTO sites (organisation_id, name, tier, hud_project_type, stay_limit_days,"
        " hold_window_hours, area_id, confidential, address, households_served, genders_served,"
        " age_groups_served, accessibility_notes, pets_allowed, substance_use_policy, intake_24_hours,"
        " intake_hours, contact,"
        " active, created_at, updated_at) VALUES (1, :name, 'emergency', 0, 60, 4, 1, :confidential, 'x',"
        " 1, 1, 4, '', false, 'harm_reduction', true, '', '', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organisations (id, name, victim_service_provider, created_at)"
                    " VALUES (1, 'Agency', true, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(text("INSERT INTO areas (id, name) VALUES (1, 'Area')"))
            connection.execute(text(site), {"name": "Safe House", "confidential": True})
            connection.execute(text(site), {"name": "Open House", "confidential": False})
        result = _flask("db", "upgrade", database_url=empty_database_url)
        assert result.returncode == 0, result.stderr
        with engine.connect() as connection:
            modes = dict(connection.execute(text("SELECT name, referral_mode FROM sites")).all())
            minutes = set(connection.execute(text("SELECT referral_response_minutes FROM sites")).scalars())
    finally:
        engine.dispose()
    assert modes == {"Safe House": "screened", "Open House": "direct"}
    assert minutes == {30}
