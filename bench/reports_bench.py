"""The reports and the HMIS export at scale: each timed in-process against a generated database.

Usage: python -m bench.reports_bench --database hs_bench_l [--rounds 3]

Each round times, as the API would run them (the service, its queries and the suppression;
the export also zips its files): the point-in-time count on the default night, the outcomes
for the last twelve months (each group of tables alone, then all together), the outcomes over
five years, and the HMIS CSV export. Prints one JSON object: the medians, and every round.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from . import generate

TARGET_S = 2.0


def _app(database_url: str) -> Any:
    os.environ.setdefault("HOUSING_ENV", "production")
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    os.environ["SCHEDULER"] = "off"
    from housing_service import create_app
    from housing_service.config import database_url as normalise

    return create_app({"SQLALCHEMY_DATABASE_URI": normalise(database_url, generate.RESULTS)})


def cases(today: date, timezone: str) -> dict[str, Callable[[], Any]]:
    """Each report, as the API calls it (None: the operator at the console, no role check)."""
    from housing_service import clock
    from housing_service.reports import hmis_export, service

    starts, ends = service.default_period(today)
    # The longest period allowed: five years, less a day.
    five_years = date(today.year - 5, today.month, min(today.day, 28)) + timedelta(days=1), today
    night = service.default_night(today)
    k = 5
    timed: dict[str, Callable[[], Any]] = {
        "point-in-time": lambda: service.point_in_time(None, night, k, today),
    }
    for name in service.OUTCOME_TABLES:
        timed[f"outcomes:{name}"] = lambda name=name: service.outcomes(
            None, starts, ends, k, today, timezone, [name]
        )
    timed["outcomes:all"] = lambda: service.outcomes(None, starts, ends, k, today, timezone)
    timed["outcomes:all, five years"] = lambda: service.outcomes(None, *five_years, k, today, timezone)
    timed["hmis-export"] = lambda: hmis_export.export_hmis(
        None, starts, ends, night, today, clock.now(), timezone
    )
    return timed


def measure(database: str, rounds: int, server: str = generate.DEFAULT_SERVER) -> dict[str, Any]:
    app = _app(generate.database_url(server, database))
    from housing_service import clock
    from housing_service.extensions import db

    per_round: list[dict[str, float]] = []
    with app.app_context():
        timezone = app.config["COALITION_TIMEZONE"]
        today = clock.local_date(clock.now(), timezone)
        for _ in range(rounds):
            figures: dict[str, float] = {}
            for name, run in cases(today, timezone).items():
                started = time.perf_counter()
                run()
                figures[name] = round(time.perf_counter() - started, 3)
                db.session.rollback()
            per_round.append(figures)
    medians = {name: statistics.median(r[name] for r in per_round) for name in per_round[0]}
    return {
        "database": database,
        "rounds": per_round,
        "medians_s": medians,
        "target_s": TARGET_S,
        "all_within_target": all(value <= TARGET_S for value in medians.values()),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="hs_bench_l")
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", generate.DEFAULT_SERVER))
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args(argv)
    print(json.dumps(measure(arguments.database, arguments.rounds, arguments.server), indent=2))


if __name__ == "__main__":
    main()
