"""Where a gunicorn worker spends its time under load: py-spy on one worker while wrk drives them all.

Usage: python -m bench.profile --size L --scenario search|holds [--seconds 15] [--app-dir DIR]

Starts the production server as bench/run.py does, drives it with wrk (32 connections) and
records one worker with `py-spy record --idle` (waiting on PostgreSQL counts too), then prints
the share of samples spent in each of the app's functions, and which lines wait on the database.
The raw profile and a speedscope file are left in bench/results/ (py-spy: pip install py-spy).
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from . import generate, load, run, server


def summarise(raw: Path, top: int = 25) -> str:
    """Inclusive share of samples per housing_service function, and database waits per line."""
    total = 0
    inclusive: collections.Counter[str] = collections.Counter()
    waits: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        samples = int(count)
        total += samples
        frames = stack.split(";")
        own = [frame for frame in frames if "housing_service" in frame]
        for name in {re.sub(r":\d+\)$", ")", frame) for frame in own}:
            inclusive[name] += samples
        if own and any("psycopg" in frame and "wait" in frame for frame in frames):
            waits[own[-1]] += samples
    lines = [f"{total} samples; inclusive share per function:"]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(top)]
    lines.append("waiting on PostgreSQL, by the app's line that asked:")
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in waits.most_common(top // 2)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="L", choices=["tiny", "S", "L"])
    parser.add_argument("--scenario", default="search", choices=["search", "holds"])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--server", default=generate.DEFAULT_SERVER)
    parser.add_argument("--app-dir", type=Path, default=server.REPOSITORY)
    parser.add_argument("--results", type=Path, default=generate.RESULTS)
    options = parser.parse_args(argv)
    if shutil.which("py-spy") is None:
        raise SystemExit("py-spy is not installed: pip install py-spy")
    name = f"{generate.DATABASE_PREFIX}_{options.size.lower()}"
    info = json.loads(generate.tokens_path(name, options.results).read_text())
    url = info["database_url"]
    today = datetime.now(UTC).astimezone(ZoneInfo(info["timezone"])).date()
    token = info["tokens"]["advocate"]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    raw = options.results / f"profile-{options.scenario}-{options.size}-{stamp}.txt"
    since = run._db_now(url)
    with tempfile.TemporaryDirectory(prefix="hs-profile-") as scratch:
        workdir = Path(scratch)
        srv = server.start(
            url, workers=4, worker_class="sync", threads=1, timezone=info["timezone"],
            log_path=workdir / "gunicorn.log", app_dir=options.app_dir,
        )  # fmt: skip
        try:
            if options.scenario == "search":
                script = load.get_script(run.search_paths(today, info["shape"]["areas"]), token)
            else:
                pairs, _ = run.hold_pairs(url, today, info["advocate_id"], "profile")
                script = load.post_script(run.HOLDS_PATH, run.hold_bodies(pairs), token, 1)
            (workdir / "load.lua").write_text(script)
            wrk = subprocess.Popen(  # noqa: S603 - wrk, with arguments we built
                [load.wrk_path() or "wrk", "-t1", "-c32", f"-d{round(options.seconds) + 6}s",
                 "--timeout", "30s", "-s", str(workdir / "load.lua"), srv.base_url + run.HEALTH_PATH],
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
            time.sleep(3)  # past the first requests of each worker
            subprocess.run(  # noqa: S603 - py-spy, with arguments we built
                [shutil.which("py-spy") or "py-spy", "record", "--idle", "-p", str(srv.worker_pids()[0]),
                 "-d", str(round(options.seconds)), "-r", "200", "-f", "raw", "-o", str(raw)],
                check=True, capture_output=True,
            )  # fmt: skip
            wrk.wait()
            srv.settle()
        finally:
            srv.stop()
            run.release_bench_holds(url, info["advocate_id"], since)
    print(summarise(raw))
    print(f"raw profile: {raw}")


if __name__ == "__main__":
    main()
