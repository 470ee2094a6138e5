"""Next-tier suggestions from the database: one placement at a time, and caseloads of 1,000 and 10,000.

Usage: python -m bench.matching_service_bench --database hs_bench_l [--rounds 3] [--singles 30]
(or through the runner: python -m bench.run --only matching)

Times housing_service.services.suggestions as the API and the pages call it, in one process
with the app: `suggest_for_placement` for current stays picked at random (p50 and p99 of the
calls), and `suggest_for_caseload` for the bench advocate's first 1,000 and 10,000 stays. The
pure module's own benchmark is bench/matching_bench.py. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import generate
from .stay_review_bench import _app

BATCHES = (1_000, 10_000)


def measure(
    info: dict[str, Any],
    rounds: int = 3,
    singles: int = 30,
    batches: tuple[int, ...] = BATCHES,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Median figures over `rounds`; each round times `singles` placements and each batch size."""
    from sqlalchemy import select

    from housing_service.extensions import db
    from housing_service.models import Placement, User
    from housing_service.services import suggestions
    from housing_service.services.actor import Actor
    from housing_service.vocabulary import Tier

    app = _app(info["database_url"])
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo(info.get("timezone", generate.TIMEZONE))).date()
    rng = random.Random(11)
    runs: list[dict[str, Any]] = []
    with app.app_context():
        placement_ids = list(
            db.session.scalars(
                select(Placement.id).where(Placement.exited_on.is_(None), Placement.tier != Tier.LONG_TERM)
            )
        )
        log(f"matching service: {len(placement_ids)} current emergency and transitional stays")
        for number in range(1, rounds + 1):
            figures: dict[str, Any] = {"round": number}
            latencies = []
            for placement_id in rng.sample(placement_ids, k=min(singles, len(placement_ids))):
                actor = Actor(db.session.get(User, info["advocate_id"]))
                placement = db.session.get(Placement, placement_id)
                started = time.perf_counter()
                suggestions.suggest_for_placement(actor, placement, today, now)
                latencies.append(time.perf_counter() - started)
                db.session.remove()
            latencies.sort()
            figures["single_p50_ms"] = statistics.median(latencies) * 1000
            figures["single_p99_ms"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
            figures["singles"] = len(latencies)
            for size in batches:
                actor = Actor(db.session.get(User, info["advocate_id"]))
                started = time.perf_counter()
                pairs, _total = suggestions.suggest_for_caseload(actor, today, now, 1, size)
                figures[f"batch_{size}_s"] = time.perf_counter() - started
                figures[f"batch_{size}_placements"] = len(pairs)
                db.session.remove()
            log(
                "  round {}: one placement p50 {:.0f} ms, p99 {:.0f} ms; ".format(
                    number, figures["single_p50_ms"], figures["single_p99_ms"]
                )
                + ", ".join(
                    f"caseload of {figures[f'batch_{size}_placements']}: {figures[f'batch_{size}_s']:.2f} s"
                    for size in batches
                )
            )
            runs.append(figures)
    medians = {
        key: statistics.median(run[key] for run in runs) for key in runs[0] if key.endswith(("_ms", "_s"))
    }
    small, large = batches[0], batches[-1]
    return {
        "rounds": runs,
        **medians,
        "batch_placements": {size: runs[0][f"batch_{size}_placements"] for size in batches},
        "batch_ratio": statistics.median(r[f"batch_{large}_s"] / r[f"batch_{small}_s"] for r in runs),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"{generate.DATABASE_PREFIX}_l")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--singles", type=int, default=30)
    parser.add_argument("--batches", type=int, nargs="+", default=list(BATCHES))
    parser.add_argument("--results", type=Path, default=generate.RESULTS)
    arguments = parser.parse_args(argv)
    info = json.loads(generate.tokens_path(arguments.database, arguments.results).read_text())
    result = measure(
        info,
        arguments.rounds,
        arguments.singles,
        tuple(arguments.batches),
        log=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
