"""Moving a coalition in: importing an inventory CSV at size L (2,000 sites, 60,000 beds and
units), dry run included, into an empty database.

Usage: python -m bench.import_bench [--size L] [--rounds 3] [--server postgresql://postgres@127.0.0.1:5432]

Each round starts from an empty inventory (the tables truncated) in database hs_bench_import
(created if missing, else upgraded to the migrations' head)
and times, from the file's bytes: reading and checking it (the dry run) and then applying it
(which plans again from the file, as the API does) with its commit. The file is made once,
seeded, with the generator's shape for the size (sites, spaces, organisations, areas): 1 unit
of 3 people in every 10 spaces, the rest beds. Prints one JSON object: the medians and every round.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import secrets
import statistics
import time
from typing import Any

from . import generate

DATABASE = "hs_bench_import"


def inventory_file(size: str, seed: int = 42) -> bytes:
    """The coalition of `size` as one inventory CSV (the import's own columns)."""
    from housing_service.directory.inventory_columns import COLUMN_NAMES

    shape, rng = generate.SIZES[size], random.Random(seed)
    per_site = shape.spaces // shape.sites
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    tiers = [("emergency", "0", "60"), ("transitional", "2", "240"), ("long_term", "9", "")]
    for number in range(shape.sites):
        tier, hud, limit = tiers[number % 3]
        units = per_site // 10
        writer.writerow(
            {
                "organisation": f"Organisation {number % shape.organisations + 1}",
                "organisation_external_id": f"ORG-{number % shape.organisations + 1}",
                "victim_service_provider": "yes" if number % shape.organisations % 2 else "no",
                "site_external_id": f"SITE-{number + 1}",
                "site": f"Site {number + 1}",
                "tier": tier,
                "hud_project_type": hud,
                "stay_limit_days": limit,
                "area": f"Area {number % shape.areas + 1}",
                "confidential": "yes" if number % 4 == 0 else "no",
                "street_address": f"{number + 1} Main St",
                "city": "Oakland",
                "state": "CA",
                "postal_code": f"94{number % 1000:03d}",
                "households_served": "single_adults|adults_with_children",
                "genders_served": rng.choice(["woman", "woman|nonbinary", "woman|man|nonbinary"]),
                "age_groups_served": "youth|adult",
                "languages": rng.choice(["en", "en|es", "en|es|vi", "en|zh"]),
                "substance_use_policy": rng.choice(["harm_reduction", "sobriety_required"]),
                "pets_allowed": rng.choice(["yes", "no"]),
                "intake_24_hours": rng.choice(["yes", "no"]),
                "intake_hours": "Mon-Fri 9am-5pm",
                "contact": f"510-555-{number % 10000:04d}",
                "accessibility_notes": "Step-free entrance",
                "hold_window_hours": "4",
                "beds": str(per_site - units),
                "units": str(units),
                "unit_capacity": "3" if units else "",
            }
        )
    return buffer.getvalue().encode()


def _app(database_url: str) -> Any:
    os.environ.setdefault("HOUSING_ENV", "production")
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    os.environ["SCHEDULER"] = "off"
    from housing_service import create_app
    from housing_service.config import database_url as normalise

    return create_app({"SQLALCHEMY_DATABASE_URI": normalise(database_url, generate.RESULTS)})


def _empty_inventory() -> Any:
    """An empty inventory and one admin to import as."""
    from sqlalchemy import text

    from housing_service.extensions import db
    from housing_service.models import Role, User
    from housing_service.services.actor import Actor

    db.session.execute(
        text(
            "TRUNCATE audit_events, space_status_changes, spaces, site_languages, site_funders, sites,"
            " organisations, areas, users RESTART IDENTITY CASCADE"
        )
    )
    # No password: the benchmark acts as this admin, it never signs in.
    admin = User(email="admin@bench.test", display_name="Bench admin", role=Role.ADMIN, password_hash="!")  # noqa: S106
    db.session.add(admin)
    db.session.commit()
    return Actor(user=admin, address="bench")


def one_round(content: bytes) -> dict[str, Any]:
    from sqlalchemy import func, select

    from housing_service import clock
    from housing_service.directory import inventory_import, inventory_write
    from housing_service.directory.spreadsheet import read_sheet
    from housing_service.extensions import db
    from housing_service.models import Site, Space

    actor = _empty_inventory()
    started = time.perf_counter()
    fingerprint = inventory_import.fingerprint(content)
    plan = inventory_import.plan_import(actor, read_sheet("inventory.csv", content), fingerprint)
    dry_run_s = time.perf_counter() - started
    if plan.refusals:
        raise SystemExit(f"the benchmark's file has refused rows: {plan.refusals[:3]}")
    step = time.perf_counter()
    result = inventory_write.apply_import(
        actor, read_sheet("inventory.csv", content), fingerprint, fingerprint, clock.now()
    )
    db.session.commit()
    apply_s = time.perf_counter() - step
    sites = db.session.scalar(select(func.count()).select_from(Site))
    spaces = db.session.scalar(select(func.count()).select_from(Space))
    return {
        "dry_run_s": round(dry_run_s, 2),
        "apply_s": round(apply_s, 2),
        "total_s": round(dry_run_s + apply_s, 2),
        "sites": sites,
        "spaces": spaces,
        "summary": result.summary,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="L", choices=sorted(generate.SIZES))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server", default=generate.DEFAULT_SERVER)
    args = parser.parse_args()
    content = inventory_file(args.size)
    # Reused when it exists (each round empties the inventory first): dropping a database
    # waits for a checkpoint, minutes on a busy server.
    if not generate.database_exists(args.server, DATABASE):
        generate.create_database(args.server, DATABASE)
    url = generate.database_url(args.server, DATABASE)
    generate.migrate(url)
    app = _app(url)
    rounds = []
    with app.app_context():
        for _ in range(args.rounds):
            rounds.append(one_round(content))
    medians = {key: statistics.median(r[key] for r in rounds) for key in ("dry_run_s", "apply_s", "total_s")}
    print(
        json.dumps(
            {"size": args.size, "file_bytes": len(content), "medians": medians, "rounds": rounds}, indent=2
        )
    )


if __name__ == "__main__":
    main()
