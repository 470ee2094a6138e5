# ruff: noqa: E501 - the SQL below reads best unwrapped
"""A synthetic coalition written straight into a fresh PostgreSQL database, set-based.

Usage: python -m bench.generate --size tiny|S|L|review [--server postgresql://postgres@127.0.0.1:5432]

The schema comes from the migrations; the rows come from a few INSERT ... SELECT statements
over generate_series (no ORM, no per-row round trips). Every booking respects the exclusion
constraint, which stays on: each space gets one timeline of back-to-back, non-overlapping
past stays ending before its current stay, hold or free period. Randomness is seeded and
the plans are kept serial, so one seed gives one coalition.

Writes bench/results/<database>.json: the database URL, the coalition's "today", and two
API tokens (an advocate on every client's case team, and an admin). Only their sha256 is
stored in the database, as the app does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

REPOSITORY = Path(__file__).resolve().parents[1]
RESULTS = REPOSITORY / "bench" / "results"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE_PREFIX = "hs_bench"
TIMEZONE = "America/Los_Angeles"
TOKEN_PREFIX = "hs_"  # noqa: S105 - the label of the app's tokens (housing_service.services.accounts)


@dataclass(frozen=True)
class Size:
    """How big a coalition: inventory, people, and the bookings on it."""

    sites: int
    spaces: int
    areas: int
    organisations: int
    clients: int
    current_stays: int  # placements with no exit (one per client: uq_placements_one_current_per_client)
    holds: int  # active holds, today or on a future start date
    past_stays: int  # exited placements
    advocates: int
    case_managers: int


SIZES: dict[str, Size] = {
    "tiny": Size(
        sites=6, spaces=60, areas=4, organisations=3, clients=120, current_stays=18, holds=12,
        past_stays=200, advocates=4, case_managers=2,
    ),
    "S": Size(
        sites=50, spaces=1_000, areas=10, organisations=15, clients=1_000, current_stays=300, holds=533,
        past_stays=16_667, advocates=20, case_managers=6,
    ),
    # The brief's 50,000 active stays and holds with 20,000 clients: a client has at most one
    # current stay, so 18,000 current stays (2,000 clients awaiting a place) and 32,000 holds.
    "L": Size(
        sites=2_000, spaces=60_000, areas=40, organisations=500, clients=20_000, current_stays=18_000,
        holds=32_000, past_stays=1_000_000, advocates=200, case_managers=50,
    ),
    # For the stay review: 1,000,000 placements of which 100,000 current.
    "review": Size(
        sites=2_000, spaces=120_000, areas=40, organisations=500, clients=100_000,
        current_stays=100_000, holds=0, past_stays=900_000, advocates=200, case_managers=50,
    ),
}  # fmt: skip

BENCH_ADMIN_ID = 1
BENCH_ADVOCATE_ID = 2

# Staff languages: share of sites listing each (English nearly everywhere).
SITE_LANGUAGES = {
    "en": 0.95, "es": 0.45, "vi": 0.08, "zh": 0.08, "tl": 0.06, "ar": 0.05, "uk": 0.04,
    "ru": 0.04, "fr": 0.05, "ht": 0.03, "ko": 0.03, "pt": 0.05,
}  # fmt: skip
# Survivors' languages, most comfortable first, with weights.
CLIENT_LANGUAGES = [
    ('["en"]', 40), ('["es"]', 18), ('["es","en"]', 12), ('["vi"]', 4), ('["zh","en"]', 4),
    ('["tl","en"]', 4), ('["ar"]', 3), ('["uk","en"]', 3), ('["ru"]', 2), ('["ht","fr"]', 2),
    ('["ko"]', 2), ('["pt","es"]', 2), ('["en","es"]', 4),
]  # fmt: skip
# HUD 3.12 exit destinations of past stays (17 needs a text, 435 a subsidy type).
DESTINATIONS = [(302, 18), (435, 14), (410, 12), (312, 10), (313, 8), (101, 10), (30, 8), (99, 6),
                (17, 4), (422, 5), (205, 3), (8, 2)]  # fmt: skip


def database_url(server: str, name: str) -> str:
    """The URL of database `name` on the server `server` points at."""
    params = conninfo_to_dict(server)
    params["dbname"] = name
    return "postgresql://{user}@{host}:{port}/{dbname}".format(
        user=params.get("user", "postgres"),
        host=params.get("host", "127.0.0.1"),
        port=params.get("port", "5432"),
        dbname=name,
    )


def _admin_conninfo(server: str) -> str:
    params = conninfo_to_dict(server)
    params["dbname"] = "postgres"
    return make_conninfo(**params)


def _check_name(name: str) -> None:
    if not name.startswith(DATABASE_PREFIX) or not name.replace("_", "").isalnum():
        raise ValueError(f"benchmark databases are named {DATABASE_PREFIX}*, not {name!r}")


def create_database(server: str, name: str) -> None:
    """Drop and create database `name` (only hs_bench* names)."""
    _check_name(name)
    with psycopg.connect(_admin_conninfo(server), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(server: str, name: str) -> None:
    _check_name(name)
    with psycopg.connect(_admin_conninfo(server), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_exists(server: str, name: str) -> bool:
    with psycopg.connect(_admin_conninfo(server), autocommit=True) as connection:
        row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def migrate(url: str) -> None:
    """The schema, from the app's own migrations (what `flask db upgrade` runs).

    Through a bare Flask app holding only the database extension, so that building the data
    does not depend on every blueprint of the app importing cleanly.
    """
    from flask import Flask
    from flask_migrate import Migrate, upgrade

    from housing_service.extensions import db

    app = Flask("bench_generate")
    app.config["SQLALCHEMY_DATABASE_URI"] = url.replace("postgresql://", "postgresql+psycopg://", 1)
    db.init_app(app)
    Migrate(app, db, directory=str(REPOSITORY / "migrations"))
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


def tokens_path(name: str, results: Path = RESULTS) -> Path:
    return results / f"{name}.json"


def generate(
    size: str, name: str | None = None, server: str = DEFAULT_SERVER, seed: int = 42, results: Path = RESULTS
) -> dict[str, Any]:
    """Build database `name` (default hs_bench_<size>) at `size`; returns what the runner reads."""
    shape = SIZES[size]
    name = name or f"{DATABASE_PREFIX}_{size.lower()}"
    url = database_url(server, name)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    create_database(server, name)
    migrate(url)
    timings["schema_s"] = time.perf_counter() - started

    now = datetime.now(UTC).replace(microsecond=0)
    today = now.astimezone(ZoneInfo(TIMEZONE)).date()
    tokens = {
        "admin": TOKEN_PREFIX + secrets.token_urlsafe(32),
        "advocate": TOKEN_PREFIX + secrets.token_urlsafe(32),
    }
    started = time.perf_counter()
    with psycopg.connect(url) as connection:
        _fill(connection, shape, seed, now, today, tokens, timings)
    with psycopg.connect(url, autocommit=True) as connection:
        step = time.perf_counter()
        connection.execute("VACUUM ANALYZE")
        timings["vacuum_analyze_s"] = time.perf_counter() - step
    timings["data_s"] = time.perf_counter() - started

    info = {
        "size": size,
        "shape": asdict(shape),
        "database": name,
        "database_url": url,
        "generated_at": now.isoformat(),
        "today": today.isoformat(),
        "timezone": TIMEZONE,
        "seed": seed,
        "tokens": tokens,
        "advocate_id": BENCH_ADVOCATE_ID,
        "admin_id": BENCH_ADMIN_ID,
        "timings": {key: round(value, 2) for key, value in timings.items()},
    }
    results.mkdir(parents=True, exist_ok=True)
    path = tokens_path(name, results)
    path.write_text(json.dumps(info, indent=2))
    path.chmod(0o600)
    return info


def _weighted_case(expression: str, choices: list[tuple[Any, int]]) -> str:
    """SQL CASE picking a value by weight from a uniform [0, 1) `expression`."""
    total = sum(weight for _, weight in choices)
    parts, cumulative = [], 0
    for value, weight in choices[:-1]:
        cumulative += weight
        parts.append(f"WHEN {expression} < {cumulative / total!r} THEN {_sql(value)}")
    return f"(CASE {' '.join(parts)} ELSE {_sql(choices[-1][0])} END)"


def _sql(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def _fill(
    connection: psycopg.Connection,
    shape: Size,
    seed: int,
    now: datetime,
    today: date,
    tokens: dict[str, str],
    timings: dict[str, float],
) -> None:
    from argon2 import PasswordHasher

    if shape.current_stays > shape.clients:
        raise ValueError("a client has at most one current stay: more clients than current stays, please")
    # Nobody signs in with these accounts; a real hash of a random password keeps them valid.
    password_hash = PasswordHasher().hash(secrets.token_urlsafe(24))
    first_advocate = BENCH_ADVOCATE_ID
    last_advocate = BENCH_ADVOCATE_ID + shape.advocates - 1
    first_case_manager = last_advocate + 1
    last_case_manager = last_advocate + shape.case_managers
    first_partner = last_case_manager + 1
    p: dict[str, Any] = {
        "now": now,
        "today": today,
        "tz": TIMEZONE,
        "hash": password_hash,
        "areas": shape.areas,
        "orgs": shape.organisations,
        "sites": shape.sites,
        "spaces": shape.spaces,
        "clients": shape.clients,
        "current": shape.current_stays,
        "holds": shape.holds,
        "past": shape.past_stays,
        "adv_first": first_advocate,
        "adv_count": shape.advocates,
        "cm_first": first_case_manager,
        "cm_count": shape.case_managers,
        "partner_first": first_partner,
    }

    # Client-side binding: one call may then carry several statements.
    cursor = psycopg.ClientCursor(connection)

    def run(label: str, sql: str) -> None:
        step = time.perf_counter()
        cursor.execute(sql, p)
        timings[label] = timings.get(label, 0.0) + time.perf_counter() - step

    # Serial plans: random() is then drawn in the same order on every run with one seed.
    connection.execute("SET max_parallel_workers_per_gather = 0")
    connection.execute("SET work_mem = '256MB'")
    connection.execute("SELECT setseed(%s)", (((seed % 1000) / 1000.0),))

    run(
        "inventory",
        """
        INSERT INTO areas (id, name)
        SELECT i, 'Area ' || lpad(i::text, 2, '0') FROM generate_series(1, %(areas)s) i;

        INSERT INTO organisations (id, name, victim_service_provider, created_at)
        SELECT i, 'Provider ' || lpad(i::text, 4, '0'), random() < 0.7,
               %(now)s - make_interval(days => (random() * 1500)::int)
        FROM generate_series(1, %(orgs)s) i;
    """,
    )
    run(
        "accounts",
        """
        INSERT INTO users (id, email, display_name, role, organisation_id, password_hash, active,
                           session_version, created_at, password_changed_at)
        VALUES (1, 'bench-admin@example.org', 'Bench admin', 'admin', NULL, %(hash)s, true, 1, %(now)s, %(now)s);
        INSERT INTO users (id, email, display_name, role, organisation_id, password_hash, active,
                           session_version, created_at, password_changed_at)
        SELECT %(adv_first)s + i - 1,
               CASE WHEN i = 1 THEN 'bench-advocate@example.org' ELSE 'advocate' || i || '@example.org' END,
               CASE WHEN i = 1 THEN 'Bench advocate' ELSE 'Advocate ' || i END,
               'advocate', 1 + floor(random() * %(orgs)s)::int, %(hash)s, true, 1, %(now)s, %(now)s
        FROM generate_series(1, %(adv_count)s) i;
        INSERT INTO users (id, email, display_name, role, organisation_id, password_hash, active,
                           session_version, created_at, password_changed_at)
        SELECT %(cm_first)s + i - 1, 'case-manager' || i || '@example.org', 'Case manager ' || i,
               'case_manager', 1 + floor(random() * %(orgs)s)::int, %(hash)s, true, 1, %(now)s, %(now)s
        FROM generate_series(1, %(cm_count)s) i;
        INSERT INTO users (id, email, display_name, role, organisation_id, password_hash, active,
                           session_version, created_at, password_changed_at)
        SELECT %(partner_first)s + i - 1, 'partner' || i || '@example.org', 'Partner ' || i,
               'partner', i, %(hash)s, true, 1, %(now)s, %(now)s
        FROM generate_series(1, %(orgs)s) i;
        SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
    """,
    )
    for role, user_id in (("admin", BENCH_ADMIN_ID), ("advocate", BENCH_ADVOCATE_ID)):
        connection.execute(
            "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (
                user_id,
                f"benchmark ({role})",
                hashlib.sha256(tokens[role].encode()).hexdigest(),
                tokens[role][:10],
                now,
                now + timedelta(days=30),
            ),
        )

    # Sites: tier first, then what follows from it (HUD project type, stay limit, households).
    tier = _weighted_case("r_tier", [("emergency", 45), ("transitional", 35), ("long_term", 20)])
    run(
        "sites",
        f"""
        CREATE TEMP TABLE g_site AS
        SELECT i AS id, {tier} AS tier, r_hud, r_limit, r_minor, r_hh, r_gender, r_age, r_window,
               1 + floor(power(r_area, 1.4) * %(areas)s)::int AS area_id,
               1 + floor(random() * %(orgs)s)::int AS organisation_id,
               random() < 0.2 AS confidential, random() < 0.2 AS pets_allowed,
               random() < 0.6 AS harm_reduction, r_intake, random() >= 0.02 AS active, r_confirmed
        FROM (SELECT i, random() r_tier, random() r_hud, random() r_limit, random() r_minor, random() r_hh,
                     random() r_gender, random() r_age, random() r_window, random() r_area, random() r_intake,
                     random() r_confirmed
              FROM generate_series(1, %(sites)s) i) r;

        INSERT INTO sites (id, organisation_id, name, tier, hud_project_type, stay_limit_days, hold_window_hours,
                           area_id, confidential, address, households_served, genders_served, age_groups_served,
                           accessibility_notes, pets_allowed, substance_use_policy, intake_24_hours, intake_hours,
                           contact, active, availability_confirmed_at, availability_confirmed_by_id,
                           created_at, updated_at)
        SELECT id, organisation_id,
               initcap(replace(tier, '_', '-')) || ' programme ' || lpad(id::text, 4, '0'),
               tier,
               CASE tier WHEN 'emergency' THEN CASE WHEN r_hud < 0.8 THEN 0 ELSE 1 END
                         WHEN 'transitional' THEN 2
                         ELSE {_weighted_case("r_hud", [(3, 40), (13, 30), (9, 20), (10, 10)])} END,
               CASE tier WHEN 'emergency' THEN {_weighted_case("r_limit", [(30, 20), (60, 50), (90, 30)])}
                         WHEN 'transitional' THEN {_weighted_case("r_limit", [(180, 25), (240, 50), (365, 25)])}
                         END,
               {_weighted_case("r_window", [(2, 15), (4, 60), (8, 15), (24, 10)])},
               area_id, confidential,
               CASE WHEN confidential THEN 'Confidential location ' || id ELSE id || ' Main Street' END,
               -- households: 1 single adults, 2 adults with children, 4 minors only (few, licensed)
               CASE WHEN minors THEN 4
                    WHEN tier = 'long_term' THEN {_weighted_case("r_hh", [(1, 30), (3, 50), (2, 20)])}
                    ELSE {_weighted_case("r_hh", [(1, 50), (3, 35), (2, 15)])} END,
               -- genders: 1 woman, 2 man, 4 nonbinary
               {_weighted_case("r_gender", [(1, 35), (5, 10), (7, 45), (2, 10)])},
               -- age groups: 1 minor, 2 youth, 4 adult
               CASE WHEN minors THEN 1 WHEN r_age < 0.06 THEN 2 ELSE 6 END,
               CASE WHEN random() < 0.3 THEN 'Ramp at the side entrance.' ELSE '' END,
               pets_allowed,
               CASE WHEN harm_reduction THEN 'harm_reduction' ELSE 'sobriety_required' END,
               tier = 'emergency' AND r_intake < 0.5,
               CASE WHEN tier = 'emergency' AND r_intake < 0.5 THEN '24 hours' ELSE 'Mon-Fri 9:00-17:00' END,
               'intake@provider' || organisation_id || '.example.org',
               active,
               CASE WHEN r_confirmed < 0.1 THEN NULL
                    ELSE %(now)s - make_interval(mins => floor(power(r_confirmed, 2) * 6 * 24 * 60)::int) END,
               CASE WHEN r_confirmed < 0.1 THEN NULL ELSE %(partner_first)s + organisation_id - 1 END,
               %(now)s - interval '400 days', %(now)s
        FROM (SELECT *, r_minor < 0.03 AND tier <> 'long_term' AS minors FROM g_site) s;

        INSERT INTO availability_confirmations (site_id, confirmed_by_id, confirmed_at, changes)
        SELECT id, availability_confirmed_by_id, availability_confirmed_at, floor(random() * 4)::int
        FROM sites WHERE availability_confirmed_at IS NOT NULL;
    """,
    )
    languages = " UNION ALL ".join(
        f"SELECT {_sql(code)} AS code, {share} AS share" for code, share in SITE_LANGUAGES.items()
    )
    run(
        "sites",
        f"""
        INSERT INTO site_languages (site_id, code)
        SELECT s.id, l.code FROM sites s CROSS JOIN ({languages}) l
        WHERE random() + 0 * s.id < l.share;  -- per pair: the planner can't push it into the list
    """,
    )

    # Spaces: sizes vary by site; a family-serving site has units of 2-6, long-term mostly units.
    capacity = _weighted_case("r_cap", [(2, 20), (3, 30), (4, 25), (5, 15), (6, 10)])
    run(
        "spaces",
        f"""
        CREATE TEMP TABLE g_alloc AS
        SELECT id AS site_id, w, sum(w) OVER (ORDER BY id) AS cum, sum(w) OVER () AS total
        FROM (SELECT id, 0.3 + random() * 1.7 AS w FROM sites) s;

        CREATE TEMP TABLE g_space AS
        SELECT a.site_id, n, s.tier, s.households_served,
               random() r_unit, random() r_cap, random() r_wheel, random() r_ground, random() r_crib,
               random() r_service, random() r_reason
        FROM (SELECT site_id,
                     1 + round(cum / total * (%(spaces)s - %(sites)s))::int
                       - round((cum - w) / total * (%(spaces)s - %(sites)s))::int AS count
              FROM g_alloc) a
        JOIN sites s ON s.id = a.site_id
        CROSS JOIN LATERAL generate_series(1, a.count) n;

        INSERT INTO spaces (id, site_id, label, kind, capacity, features, in_service, out_of_service_reason,
                            created_at)
        SELECT row_number() OVER (ORDER BY site_id, n), site_id,
               CASE WHEN unit THEN 'Unit ' ELSE 'Bed ' END || lpad(n::text, 3, '0'),
               CASE WHEN unit THEN 'unit' ELSE 'bed' END,
               capacity,
               CASE WHEN r_wheel < 0.08 THEN 1 ELSE 0 END
                 + CASE WHEN r_wheel < 0.08 OR r_ground < 0.25 THEN 2 ELSE 0 END
                 + CASE WHEN capacity >= 2 AND r_crib < 0.3 THEN 4 ELSE 0 END,
               r_service >= 0.03,
               CASE WHEN r_service < 0.03 THEN {_weighted_case("r_reason", [("Repairs", 50), ("Deep cleaning", 30), ("Pest treatment", 20)])} END,
               %(now)s - interval '400 days'
        FROM (SELECT g.*,
                     CASE WHEN households_served & 2 <> 0
                              AND r_unit < CASE tier WHEN 'emergency' THEN 0.35 WHEN 'transitional' THEN 0.6 ELSE 0.9 END
                              THEN true
                          WHEN tier = 'long_term' AND households_served & 4 = 0 AND r_unit < 0.8 THEN true
                          ELSE false END AS unit,
                     CASE WHEN households_served & 2 <> 0
                              AND r_unit < CASE tier WHEN 'emergency' THEN 0.35 WHEN 'transitional' THEN 0.6 ELSE 0.9 END
                              THEN {capacity}
                          ELSE 1 END AS capacity
              FROM g_space g) x;
        SELECT setval(pg_get_serial_sequence('spaces', 'id'), (SELECT max(id) FROM spaces));
        SELECT setval(pg_get_serial_sequence('sites', 'id'), (SELECT max(id) FROM sites));
        SELECT setval(pg_get_serial_sequence('areas', 'id'), (SELECT max(id) FROM areas));
        SELECT setval(pg_get_serial_sequence('organisations', 'id'), (SELECT max(id) FROM organisations));
    """,
    )

    household = _weighted_case("r_household", [("single", 70), ("parent", 20), ("couple", 5), ("minor", 5)])
    client_languages = _weighted_case("r_language", CLIENT_LANGUAGES)
    run(
        "clients",
        f"""
        INSERT INTO clients (id, code, alias, organisation_id, case_manager_id, created_by_id, adults, children,
                             gender, age_group, languages, accessibility_needs, has_pets, avoid_area_ids,
                             avoid_site_ids, preferred_area_ids, substance_use_preference, case_phase,
                             stage_of_change, has_income, has_identity_documents, legal_status,
                             says_ready_to_move, created_at, updated_at)
        SELECT i, 'HS-' || lpad(i::text, 7, '0'),
               CASE WHEN random() < 0.3 THEN 'Alias ' || i END,
               1 + floor(random() * %(orgs)s)::int,
               CASE WHEN random() < 0.7 THEN %(cm_first)s + floor(random() * %(cm_count)s)::int END,
               %(adv_first)s + floor(random() * %(adv_count)s)::int,
               CASE household WHEN 'minor' THEN 0 WHEN 'couple' THEN 2 ELSE 1 END,
               (CASE household
                    WHEN 'parent' THEN (SELECT json_agg(b ORDER BY b) FROM (
                        SELECT (ARRAY['0-2','3-5','6-12','13-17'])[1 + floor(random() * 4)::int] AS b
                        FROM generate_series(1, 1 + floor(r_children * 3)::int) k WHERE k > 0 * i) c)::text
                    WHEN 'minor' THEN '["13-17"]'
                    ELSE '[]' END)::json,
               CASE WHEN household = 'minor' AND r_gender < 0.9 THEN 'woman'
                    ELSE {_weighted_case("r_gender", [("woman", 65), ("man", 20), ("nonbinary", 5), (None, 10)])}
                    END,
               CASE WHEN household = 'minor' THEN 'minor' WHEN r_age < 0.2 THEN 'youth' ELSE 'adult' END,
               {client_languages}::json,
               CASE WHEN r_needs < 0.05 THEN 1 WHEN r_needs < 0.10 THEN 2 ELSE 0 END,
               random() < 0.08,
               (CASE WHEN r_avoid < 0.25 THEN '[' || (1 + floor(random() * %(areas)s)::int) || ']'
                     WHEN r_avoid < 0.40 THEN '[' || (1 + floor(random() * %(areas)s)::int) || ','
                                                  || (1 + floor(random() * %(areas)s)::int) || ']'
                     ELSE '[]' END)::json,
               (CASE WHEN random() < 0.05 THEN '[' || (1 + floor(random() * %(sites)s)::int) || ']'
                     ELSE '[]' END)::json,
               (CASE WHEN random() < 0.3 THEN '[' || (1 + floor(random() * %(areas)s)::int) || ']'
                     ELSE '[]' END)::json,
               {_weighted_case("r_substance", [(None, 60), ("harm_reduction", 25), ("sobriety_required", 15)])},
               {_weighted_case("r_phase", [("crisis", 40), ("stabilisation", 45), ("sustainability", 15)])},
               CASE WHEN random() < 0.5 THEN
                    (ARRAY['precontemplation','contemplation','preparation','action','maintenance','relapse'])
                        [1 + floor(random() * 6)::int] END,
               random() < 0.4, random() < 0.6,
               (ARRAY['not_applicable','not_applicable','not_started','in_progress','granted'])
                   [1 + floor(random() * 5)::int],
               random() < 0.4,
               %(now)s - make_interval(days => floor(random() * 1000)::int), %(now)s
        FROM (SELECT i, {household} AS household, r_children, r_gender, r_age, r_language, r_needs, r_avoid,
                     r_substance, r_phase
              FROM (SELECT i, random() r_household, random() r_children, random() r_gender, random() r_age,
                           random() r_language, random() r_needs, random() r_avoid, random() r_substance,
                           random() r_phase
                    FROM generate_series(1, %(clients)s) i) r) c;
        SELECT setval(pg_get_serial_sequence('clients', 'id'), (SELECT max(id) FROM clients));

        -- The bench advocate works every case (the holds benchmark needs many different clients);
        -- most cases have another advocate too.
        INSERT INTO case_team_members (client_id, user_id, added_at)
        SELECT id, {BENCH_ADVOCATE_ID}, created_at FROM clients;
        INSERT INTO case_team_members (client_id, user_id, added_at)
        SELECT id, %(adv_first)s + 1 + floor(random() * (%(adv_count)s - 1))::int, created_at
        FROM clients WHERE random() < 0.6 AND %(adv_count)s > 1;
    """,
    )

    # Each space's current state: a current stay, an active hold, or free (in service first,
    # at open sites; out of service and closed sites stay free). Then its history behind it.
    run(
        "timeline",
        """
        CREATE TEMP TABLE g_slot AS
        SELECT sp.id AS space_id, sp.site_id, s.tier, s.stay_limit_days AS lim, s.hold_window_hours,
               row_number() OVER (ORDER BY NOT (sp.in_service AND s.active), random()) AS rank,
               random() AS r_start, random() AS r_overdue, random() AS r_past
        FROM spaces sp JOIN sites s ON s.id = sp.site_id;

        CREATE TEMP TABLE g_current AS
        SELECT space_id, site_id, tier, lim, rank::int AS client_id,
               CASE WHEN tier = 'long_term' THEN %(today)s::date - floor(r_start * 1500)::int
                    WHEN r_overdue < 0.02 THEN %(today)s::date - lim - 1 - floor(r_start * 10)::int
                    ELSE %(today)s::date - floor(r_start * lim)::int END AS starts_on
        FROM g_slot WHERE rank <= %(current)s;

        CREATE TEMP TABLE g_hold AS
        SELECT space_id, site_id, tier, lim, hold_window_hours, client_id,
               %(today)s::date + ((CASE WHEN (client_id * 7919) %% 100 < 55 THEN 0
                                        ELSE 1 + (client_id * 31) %% 14 END + round) %% 15) AS starts_on,
               r_start
        FROM (SELECT *, ((rank - %(current)s - 1) %% %(clients)s + 1)::int AS client_id,
                     ((rank - %(current)s - 1) / %(clients)s)::int AS round
              FROM g_slot WHERE rank > %(current)s AND rank <= %(current)s + %(holds)s) h;

        -- Where each space's history ends: the current stay's start, or a while before today.
        CREATE TEMP TABLE g_anchor AS
        SELECT g.space_id, g.site_id, g.tier, g.lim,
               COALESCE(c.starts_on, %(today)s::date - floor(g.r_start * CASE WHEN g.tier = 'long_term'
                                                                         THEN 60 ELSE 10 END)::int) AS anchor,
               -- Turnover: short emergency stays leave many more past stays per space.
               (CASE g.tier WHEN 'emergency' THEN 6.0 WHEN 'transitional' THEN 1.5 ELSE 0.3 END)
                   * (0.5 + g.r_past) AS w
        FROM g_slot g LEFT JOIN g_current c ON c.space_id = g.space_id;
    """,
    )
    run(
        "past stays",
        """
        CREATE TEMP TABLE g_past_count AS
        SELECT space_id, site_id, tier, lim, anchor,
               round(cum / total * %(past)s)::int - round((cum - w) / total * %(past)s)::int AS n
        FROM (SELECT *, sum(w) OVER (ORDER BY space_id) AS cum, sum(w) OVER () AS total FROM g_anchor) a;

        CREATE TEMP TABLE g_past AS
        SELECT space_id, site_id, tier, lim, i, len,
               anchor - (sum(len + gap) OVER (PARTITION BY space_id ORDER BY i))::int AS starts_on,
               client_id, r_destination, r_hold, r_placed_by
        FROM (SELECT c.space_id, c.site_id, c.tier, c.lim, c.anchor, i,
                     CASE WHEN c.tier = 'long_term' THEN 180 + floor(random() * 1300)::int
                          WHEN random() < 0.03 THEN c.lim + 1 + floor(random() * 30)::int  -- extended
                          WHEN c.tier = 'transitional' THEN 14 + floor(random() * (c.lim - 14))::int
                          ELSE 1 + floor(power(random(), 1.5) * c.lim)::int END AS len,
                     floor(power(random(), 2) * 8)::int AS gap,
                     1 + floor(random() * %(clients)s)::int AS client_id,
                     random() AS r_destination, random() AS r_hold, random() AS r_placed_by
              FROM g_past_count c CROSS JOIN LATERAL generate_series(1, c.n) i) x;
    """,
    )

    destination = _weighted_case("r_destination", DESTINATIONS)
    run(
        "bookings",
        """
        -- Past stays: bookings [start, exit), placements exited, half of them through a hold.
        CREATE TEMP TABLE g_booking AS
        SELECT row_number() OVER (ORDER BY starts_on, space_id) AS id, 'past' AS kind, space_id, site_id,
               tier, lim, client_id, starts_on, starts_on + len AS ends_on, r_destination, r_hold, r_placed_by
        FROM g_past;
        INSERT INTO g_booking
        SELECT (SELECT max(id) FROM g_booking) + row_number() OVER (ORDER BY space_id), 'current', space_id,
               site_id, tier, lim, client_id, starts_on,
               CASE WHEN tier = 'long_term' THEN NULL ELSE starts_on + lim END, random(), random(), random()
        FROM g_current;
        INSERT INTO g_booking
        SELECT (SELECT coalesce(max(id), 0) FROM g_booking) + row_number() OVER (ORDER BY space_id), 'hold',
               space_id, site_id, tier, lim, client_id, starts_on,
               CASE WHEN tier = 'long_term' THEN NULL ELSE starts_on + lim END, r_start, random(), random()
        FROM g_hold;

        INSERT INTO bookings (id, space_id, client_id, starts_on, ends_on, active)
        SELECT id, space_id, client_id, starts_on, ends_on, true FROM g_booking ORDER BY id;

        -- Holds that expired or were released: inactive bookings, anywhere in the past.
        INSERT INTO bookings (id, space_id, client_id, starts_on, ends_on, active)
        SELECT (SELECT max(id) FROM g_booking) + i, 1 + floor(random() * %(spaces)s)::int,
               1 + floor(random() * %(clients)s)::int, d, d + 30, false
        FROM (SELECT i, %(today)s::date - 1 - floor(random() * 1000)::int AS d
              FROM generate_series(1, %(past)s / 10) i) x;
        SELECT setval(pg_get_serial_sequence('bookings', 'id'), (SELECT max(id) FROM bookings));
    """,
    )
    run(
        "holds",
        """
        -- Placed holds behind half of the past stays (the placement shares the hold's booking).
        INSERT INTO holds (id, booking_id, client_id, space_id, site_id, starts_on, status, expires_at,
                           held_by_id, created_at, ended_at, ended_by_id)
        SELECT id, id, client_id, space_id, site_id, starts_on, 'placed',
               (starts_on::timestamp AT TIME ZONE %(tz)s) + interval '28 hours',
               %(adv_first)s + floor(r_placed_by * %(adv_count)s)::int,
               (starts_on::timestamp AT TIME ZONE %(tz)s) + interval '10 hours',
               (starts_on::timestamp AT TIME ZONE %(tz)s) + interval '18 hours',
               %(partner_first)s
        FROM g_booking WHERE kind IN ('past', 'current') AND r_hold < 0.5;

        -- Expired and released holds on the inactive bookings.
        INSERT INTO holds (id, booking_id, client_id, space_id, site_id, starts_on, status, expires_at,
                           held_by_id, created_at, ended_at, release_reason)
        SELECT b.id, b.id, b.client_id, b.space_id, sp.site_id, b.starts_on,
               CASE WHEN random() < 0.6 THEN 'expired' ELSE 'released' END,
               (b.starts_on::timestamp AT TIME ZONE %(tz)s) + interval '4 hours',
               %(adv_first)s + floor(random() * %(adv_count)s)::int,
               (b.starts_on::timestamp AT TIME ZONE %(tz)s),
               (b.starts_on::timestamp AT TIME ZONE %(tz)s) + interval '4 hours',
               NULL
        FROM bookings b JOIN spaces sp ON sp.id = b.space_id WHERE NOT b.active;

        -- Active holds: tonight (within the window) or from a future date.
        INSERT INTO holds (id, booking_id, client_id, space_id, site_id, starts_on, status, expires_at,
                           held_by_id, created_at)
        SELECT id, id, client_id, space_id, site_id, starts_on, 'held',
               CASE WHEN starts_on = %(today)s THEN %(now)s + make_interval(mins => (1 + floor(r_destination * hold_window_hours * 60))::int)
                    ELSE ((starts_on + 1)::timestamp AT TIME ZONE %(tz)s) + make_interval(hours => hold_window_hours) END,
               %(adv_first)s + floor(r_placed_by * %(adv_count)s)::int,
               %(now)s - make_interval(mins => floor(r_hold * 600)::int)
        FROM (SELECT b.*, s.hold_window_hours FROM g_booking b JOIN sites s ON s.id = b.site_id
              WHERE b.kind = 'hold') h;
        SELECT setval(pg_get_serial_sequence('holds', 'id'), (SELECT max(id) FROM holds));
    """,
    )
    run(
        "placements",
        f"""
        -- One episode per stay (the generated timelines have no moves within a tier).
        INSERT INTO stay_episodes (id, client_id, tier, starts_on, created_at)
        SELECT id, client_id, tier, starts_on, (starts_on::timestamp AT TIME ZONE %(tz)s) + interval '18 hours'
        FROM g_booking WHERE kind IN ('past', 'current');
        SELECT setval(pg_get_serial_sequence('stay_episodes', 'id'), (SELECT max(id) FROM stay_episodes));
        INSERT INTO placements (id, booking_id, client_id, space_id, site_id, hold_id, episode_id, tier,
                                stay_limit_days, starts_on, expected_end_on, exited_on, destination,
                                subsidy_type, destination_text, placed_by_id, exit_recorded_by_id, created_at)
        SELECT id, id, client_id, space_id, site_id, CASE WHEN r_hold < 0.5 THEN id END, id, tier, lim,
               starts_on,
               CASE WHEN tier = 'long_term' THEN NULL ELSE starts_on + lim END,
               CASE WHEN kind = 'past' THEN ends_on END,
               CASE WHEN kind = 'past' THEN destination END,
               CASE WHEN kind = 'past' AND destination = 435 THEN 431 END,
               CASE WHEN kind = 'past' AND destination = 17 THEN 'Repatriation' END,
               %(adv_first)s + floor(r_placed_by * %(adv_count)s)::int,
               CASE WHEN kind = 'past' THEN %(partner_first)s END,
               (starts_on::timestamp AT TIME ZONE %(tz)s) + interval '18 hours'
        FROM (SELECT *, {destination} AS destination FROM g_booking WHERE kind IN ('past', 'current')) b;
        SELECT setval(pg_get_serial_sequence('placements', 'id'), (SELECT max(id) FROM placements));
    """,
    )
    run(
        "reporting",
        """
        -- What HUD's inventory export needs of every site (a confidential site has no street),
        -- one funder each, and bed searches that found nothing (the reports' unmet demand).
        UPDATE sites s SET
            street_address = CASE WHEN s.confidential THEN NULL ELSE s.id || ' Main Street' END,
            city = 'City ' || s.area_id, state = 'CA',
            postal_code = lpad((90000 + s.area_id * 7)::text, 5, '0'),
            coc_code = 'CA-' || lpad((500 + s.area_id)::text, 3, '0'),
            geocode = lpad((60000 + s.area_id)::text, 6, '0'),
            geography_type = 1 + s.id %% 3,
            housing_type = CASE WHEN s.tier = 'long_term' THEN 3 ELSE 1 END,
            es_bed_type = CASE WHEN s.tier = 'emergency' THEN 1 END,
            bed_availability = CASE WHEN s.tier = 'emergency' THEN 1 END,
            target_population = CASE WHEN o.victim_service_provider THEN 1 ELSE 4 END,
            operating_start_on = DATE '2015-01-01',
            hmis_participation = CASE WHEN o.victim_service_provider THEN 2 ELSE 1 END
        FROM organisations o WHERE o.id = s.organisation_id;

        INSERT INTO site_funders (site_id, funder, grant_id, starts_on, created_at, updated_at)
        SELECT id, CASE tier WHEN 'emergency' THEN 8 WHEN 'transitional' THEN 5 ELSE 2 END,
               'GRANT-' || id, DATE '2015-01-01', %(now)s, %(now)s
        FROM sites;

        INSERT INTO unmet_searches (searched_on, tier, household_type)
        SELECT %(today)s::date - floor(random() * 1000)::int,
               (ARRAY['emergency', 'emergency', 'transitional', 'long_term', NULL])[1 + floor(random() * 5)::int],
               (ARRAY['single_adults', 'single_adults', 'adults_with_children', 'minors_only'])[1 + floor(random() * 4)::int]
        FROM generate_series(1, %(past)s / 20);
    """,
    )
    connection.commit()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), default="S")
    parser.add_argument("--database", help="default: hs_bench_<size>; must start with hs_bench")
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", DEFAULT_SERVER))
    parser.add_argument("--seed", type=int, default=42)
    arguments = parser.parse_args(argv)
    started = time.perf_counter()
    info = generate(arguments.size, arguments.database, arguments.server, arguments.seed)
    print(f"{info['database']}: size {info['size']} generated in {time.perf_counter() - started:.1f} s")
    print(json.dumps(info["timings"]))
    print(f"tokens and settings: {tokens_path(info['database'])}")


if __name__ == "__main__":
    main()
