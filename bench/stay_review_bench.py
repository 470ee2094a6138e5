"""The stay review at scale: the set-based review vs a plain ORM loop over the same placements.

Usage: python -m bench.stay_review_bench --database hs_bench_review [--rounds 3]
(or through the runner: python -m bench.run --only stay-review)

Each round starts from an empty flags table and times, each including the commit that writes
the flags: the set-based review (housing_service.services.stay_review.review_stays); the same
review run again with every flag already there; a plain ORM loop over the current stays; and
a plain ORM loop over every placement (the same rows the review judges). Every variant must
raise the same number of flags. Prints one JSON object: the medians, and every round.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import generate


def _app(database_url: str) -> Any:
    os.environ.setdefault("HOUSING_ENV", "production")
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    os.environ["SCHEDULER"] = "off"
    from housing_service import create_app
    from housing_service.config import database_url as normalise

    return create_app({"SQLALCHEMY_DATABASE_URI": normalise(database_url, generate.RESULTS)})


def _clear_flags() -> None:
    from sqlalchemy import text

    from housing_service.extensions import db

    db.session.execute(text("TRUNCATE flags"))
    db.session.commit()


def _count_flags() -> int:
    from sqlalchemy import func, select

    from housing_service.extensions import db
    from housing_service.models import Flag

    return db.session.scalar(select(func.count()).select_from(Flag)) or 0


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    from housing_service.extensions import db

    started = time.perf_counter()
    value = action()
    db.session.commit()
    elapsed = time.perf_counter() - started
    db.session.remove()
    return elapsed, value


def orm_loop(
    thresholds: dict[str, tuple[int, ...]], today: date, now: datetime, *, current_only: bool
) -> int:
    """The review written the plain way: load each placement, decide in Python, add Flag objects."""
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    from housing_service.extensions import db
    from housing_service.models import Flag, FlagKind, Placement
    from housing_service.vocabulary import threshold_day

    existing = set(db.session.scalars(select(Flag.key)))
    # The episode is loaded with each stay, as a plain ORM loop would (its first night is the
    # clock's start; the flag keys name it).
    query = select(Placement).options(joinedload(Placement.episode))
    if current_only:
        query = query.where(Placement.exited_on.is_(None))
    raised = 0
    for placement in db.session.scalars(query.execution_options(yield_per=10_000)):
        if placement.exited_on is not None or placement.expected_end_on is None:
            continue
        end = placement.expected_end_on
        episode = placement.episode
        due = [
            (f"stay:{episode.id}:{end}:{days}", FlagKind.NEARING_LIMIT, days)
            for days in thresholds.get(placement.tier.value, ())
            if threshold_day(end, days) <= today
        ]
        if end <= today:
            due.append((f"stay:{episode.id}:{end}:over", FlagKind.OVER_LIMIT, 0))
        for key, kind, days in due:
            if key in existing:
                continue
            existing.add(key)
            db.session.add(
                Flag(
                    key=key,
                    kind=kind,
                    client_id=placement.client_id,
                    placement_id=placement.id,
                    site_id=placement.site_id,
                    subject_on=end,
                    days_before=days,
                    act_by=end,
                    raised_at=now,
                    job_run_id=None,
                )
            )
            raised += 1
    db.session.flush()
    return raised


def measure(info: dict[str, Any], rounds: int = 3, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Time each variant `rounds` times on the database `info` describes; medians and every round."""
    from sqlalchemy import func, select

    from housing_service.extensions import db
    from housing_service.models import Placement
    from housing_service.services.stay_review import review_stays

    app = _app(info["database_url"])
    thresholds = app.config["STAY_REVIEW_THRESHOLDS"]
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo(info.get("timezone", generate.TIMEZONE))).date()
    runs: list[dict[str, Any]] = []
    with app.app_context():
        placements = db.session.scalar(select(func.count()).select_from(Placement))
        current = db.session.scalar(
            select(func.count()).select_from(Placement).where(Placement.exited_on.is_(None))
        )
        log(f"stay review: {placements} placements, {current} current; thresholds {thresholds}")
        for number in range(1, rounds + 1):
            figures: dict[str, Any] = {"round": number}
            _clear_flags()
            figures["set_based_s"], result = _timed(lambda: review_stays(thresholds, today, now))
            figures["flags_raised"] = _count_flags()
            figures["set_based_rerun_s"], rerun = _timed(lambda: review_stays(thresholds, today, now))
            figures["rerun_raised"] = rerun.raised
            _clear_flags()
            figures["orm_current_s"], _ = _timed(lambda: orm_loop(thresholds, today, now, current_only=True))
            figures["orm_current_raised"] = _count_flags()
            _clear_flags()
            figures["orm_all_s"], _ = _timed(lambda: orm_loop(thresholds, today, now, current_only=False))
            figures["orm_all_raised"] = _count_flags()
            _clear_flags()
            same = figures["flags_raised"] == figures["orm_current_raised"] == figures["orm_all_raised"]
            figures["same_flags"] = same and result.raised == figures["flags_raised"]
            log(
                "  round {round}: set-based {set_based_s:.2f} s ({flags_raised} flags; "
                "re-run {set_based_rerun_s:.2f} s), "
                "ORM loop over current stays {orm_current_s:.1f} s, over all placements {orm_all_s:.1f} s; "
                "same flags: {same_flags}".format(**figures)
            )
            runs.append(figures)
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0] if key.endswith("_s")}
    return {
        "placements": placements,
        "current": current,
        "rounds": runs,
        **median,
        "flags_raised": runs[0]["flags_raised"],
        "same_flags": all(run["same_flags"] for run in runs),
        "speedup_vs_orm_current": statistics.median(r["orm_current_s"] / r["set_based_s"] for r in runs),
        "speedup_vs_orm_all": statistics.median(r["orm_all_s"] / r["set_based_s"] for r in runs),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"{generate.DATABASE_PREFIX}_review")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--results", type=Path, default=generate.RESULTS)
    arguments = parser.parse_args(argv)
    info = json.loads(generate.tokens_path(arguments.database, arguments.results).read_text())
    result = measure(info, arguments.rounds, log=lambda line: print(line, file=sys.stderr, flush=True))
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
