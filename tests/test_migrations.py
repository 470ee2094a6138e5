"""`db upgrade` builds the whole schema on an empty database, and matches the models."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import date
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


def _insert(connection, table: str, **values) -> None:
    # The table and column names are this test's own literals; only the values vary.
    placeholders = ", ".join(":" + column for column in values)
    statement = f"INSERT INTO {table} ({', '.join(values)}) VALUES ({placeholders})"  # noqa: S608
    connection.execute(text(statement), values)


def test_migration_0010_gives_existing_stays_episodes_declines_survivors_and_sites_age_ranges(
    empty_database_url: str,
):
    assert _flask("db", "upgrade", "0006", database_url=empty_database_url).returncode == 0
    engine = create_engine(empty_database_url)
    now = "2027-03-10 20:00:00+00:00"
    try:
        with engine.begin() as connection:
            _insert(
                connection, "organisations", id=1, name="Org", victim_service_provider=True, created_at=now
            )
            _insert(connection, "areas", id=1, name="Area")
            _insert(
                connection,
                "users",
                id=1,
                email="a@example.org",
                display_name="A",
                role="admin",
                password_hash="x",
                active=True,
                session_version=1,
                created_at=now,
                password_changed_at=now,
            )
            # age_groups_served is a bit mask: minor 1, youth 2, adult 4.
            for site_id, mask in ((1, 6), (2, 1), (3, 2), (4, 5)):
                _insert(
                    connection,
                    "sites",
                    id=site_id,
                    organisation_id=1,
                    name=f"Site {site_id}",
                    tier="emergency",
                    hud_project_type=0,
                    stay_limit_days=60,
                    hold_window_hours=4,
                    area_id=1,
                    confidential=False,
                    address="",
                    households_served=7,
                    genders_served=15,
                    age_groups_served=mask,
                    accessibility_notes="",
                    pets_allowed=False,
                    substance_use_policy="harm_reduction",
                    intake_24_hours=True,
                    intake_hours="",
                    contact="",
                    active=True,
                    created_at=now,
                    updated_at=now,
                )
            _insert(
                connection,
                "spaces",
                id=1,
                site_id=1,
                label="Bed 1",
                kind="bed",
                capacity=1,
                features=0,
                in_service=True,
                created_at=now,
            )
            _insert(
                connection,
                "clients",
                id=1,
                code="S-AAAAAA",
                adults=1,
                children="[]",
                age_group="adult",
                languages="[]",
                accessibility_needs=0,
                has_pets=False,
                avoid_area_ids="[]",
                avoid_site_ids="[]",
                preferred_area_ids="[]",
                case_phase="crisis",
                has_income=False,
                has_identity_documents=False,
                says_ready_to_move=False,
                created_at=now,
                updated_at=now,
            )
            first, end = date(2027, 2, 1), date(2027, 4, 2)
            _insert(
                connection,
                "bookings",
                id=1,
                space_id=1,
                client_id=1,
                starts_on=first,
                ends_on=end,
                active=True,
            )
            _insert(
                connection,
                "placements",
                id=1,
                booking_id=1,
                client_id=1,
                space_id=1,
                site_id=1,
                tier="emergency",
                stay_limit_days=60,
                starts_on=first,
                expected_end_on=end,
                placed_by_id=1,
                created_at=now,
            )
            _insert(
                connection,
                "suggestion_decisions",
                id=1,
                placement_id=1,
                site_id=2,
                decision="declined",
                reason="Too far",
                recorded_by_id=1,
                recorded_at=now,
            )
        result = _flask("db", "upgrade", database_url=empty_database_url)
        assert result.returncode == 0, result.stderr
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, min_age, max_age FROM sites ORDER BY id"))
            ranges = {row[0]: (row[1], row[2]) for row in rows}
            # Site 4 serves minors and adults but not youth: no one range, the groups still decide.
            assert ranges == {1: (18, None), 2: (0, 17), 3: (18, 24), 4: (None, None)}
            episode = connection.execute(
                text("SELECT id, client_id, tier, starts_on FROM stay_episodes")
            ).one()
            assert (episode[0], episode[1], episode[2], str(episode[3])) == (1, 1, "emergency", "2027-02-01")
            assert connection.execute(text("SELECT episode_id FROM placements")).scalar_one() == 1
            assert connection.execute(text("SELECT client_id FROM suggestion_decisions")).scalar_one() == 1
        # A new episode after the migration does not collide with the copied ids.
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO stay_episodes (client_id, tier, starts_on, created_at)"
                    " VALUES (1, 'emergency', :first, :now)"
                ),
                {"first": date(2027, 3, 1), "now": now},
            )
    finally:
        engine.dispose()
