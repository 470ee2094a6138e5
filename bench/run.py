"""Benchmarks at coalition scale, each figure side by side with the stack's own ceiling.

Usage: python -m bench.run --size L [--rounds 3] [--duration 20] [--warmup 5]
       python -m bench.run --size L --only stay-review     (or: --only matching)
       python -m bench.run --size S --hosts 2 --workers 2  (two servers, the load spread over them)

Starts the production server (gunicorn, wsgi:app, production settings, scheduler off) on
127.0.0.1 against a generated database (bench/generate.py; built first if missing) and drives
it with wrk in its own process. In every round the trivial endpoint GET /api/v1/health runs
right before each measured load, on the same server, and each figure is reported as a ratio
to it; a bare Flask app (bench/bare_app.py, same gunicorn settings, its own port) is measured
at the start of each round, and every figure is reported as a ratio to it as well. The table
shows the median over rounds. Results: bench/results/run-<size>-<time>.json.
With --redis URL (or REDIS_URL) the service keeps its shared cache there.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import psycopg

from . import generate, load, server

MB = 1024 * 1024
SEARCH_PATH = "/api/v1/availability"
HOLDS_PATH = "/api/v1/holds"
HOLDS_PAIRS_MARGIN = 0.7  # the share of the distinct pairs a holds load aims to use
HEALTH_PATH = "/api/v1/health"
CONTENDED_BEDS = 10

TARGETS = {
    "health_vs_bare_ratio": (">=", 0.85),
    "search_throughput_ratio": (">=", 0.3),
    "search_p99_ratio": ("<=", 3.0),
    "holds_throughput_ratio": (">=", 0.15),
    "contention_overlaps": ("==", 0),
    "worker_peak_rss_mb": ("<=", 250),
    "stay_review_s": ("<=", 1.0),
    "stay_review_speedup": (">=", 10.0),
    "matching_single_p99_ms": ("<=", 20.0),
    "matching_batch_10000_s": ("<=", 10.0),
}


# The environment -------------------------------------------------------------------------


def environment(database_url: str) -> dict[str, Any]:
    """The machine and the versions behind every figure."""

    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "missing"

    with psycopg.connect(database_url) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": round(_memory_bytes() / 1024**3, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "flask": version("flask"),
        "sqlalchemy": version("sqlalchemy"),
        "psycopg": version("psycopg"),
        "gunicorn": version("gunicorn"),
        "postgresql": postgres,
        "wrk": load.wrk_version(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_bytes() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


# What the load sends -------------------------------------------------------------------------


def search_paths(today: date, areas: int, count: int = 240, seed: int = 7) -> list[str]:
    """Typical bed searches: tiers, households, genders, languages, needs, safety exclusions, dates."""
    rng = random.Random(seed)
    paths = []
    for _ in range(count):
        query: list[tuple[str, Any]] = []
        tier = rng.choices([None, "emergency", "transitional", "long_term"], [30, 35, 20, 15])[0]
        if tier:
            query.append(("tier", tier))
        household = rng.choices(["single", "parent", "couple", "minor"], [70, 20, 5, 5])[0]
        adults, children = {"single": (1, 0), "couple": (2, 0), "minor": (0, 1)}.get(
            household, (1, rng.randint(1, 3))
        )
        query.append(("adults", adults))
        if children:
            query.append(("children", children))
        gender = rng.choices([None, "woman", "man", "nonbinary"], [20, 55, 20, 5])[0]
        if gender:
            query.append(("gender", gender))
        if household != "minor" and rng.random() < 0.1:
            query.append(("age_group", "youth"))
        language = rng.choices([None, "es", "vi", "zh", "tl", "ar", "uk", "ru"], [50, 25, 5, 5, 4, 4, 4, 3])[
            0
        ]
        if language:
            query.append(("language", language))
        needs = rng.choices([[], ["wheelchair_accessible"], ["ground_floor"], ["crib"]], [85, 6, 6, 3])[0]
        if needs == ["crib"] and not children:
            needs = []
        query.extend(("needs", need) for need in needs)
        for area in rng.sample(range(1, areas + 1), k=min(areas, rng.choices([0, 1, 2], [65, 25, 10])[0])):
            query.append(("avoid_area", area))
        if rng.random() < 0.05:
            query.append(("pets", "true"))
        starts_on = today
        if rng.random() < 0.15:
            starts_on = today + timedelta(days=rng.randint(1, 14))
            query.append(("starts_on", starts_on.isoformat()))
        if tier in ("emergency", "transitional") and rng.random() < 0.1:
            query.append(("ends_on", (starts_on + timedelta(days=rng.randint(7, 30))).isoformat()))
        paths.append(f"{SEARCH_PATH}?{urlencode(query)}")
    return paths


# Clients who may hold a bed: one adult, no pets, needs or safety exclusions, no hold from
# today yet; beds in service at open sites serving single adults, free for a hold from today.
_HOLD_CLIENTS = """
    SELECT c.id, c.gender, c.age_group FROM clients c
    WHERE c.adults = 1 AND json_array_length(c.children) = 0 AND NOT c.has_pets
      AND c.accessibility_needs = 0 AND c.age_group IN ('adult', 'youth')
      AND json_array_length(c.avoid_area_ids) = 0 AND json_array_length(c.avoid_site_ids) = 0
      AND EXISTS (SELECT 1 FROM case_team_members m WHERE m.client_id = c.id AND m.user_id = %(advocate)s)
      AND NOT EXISTS (SELECT 1 FROM holds h
                      WHERE h.client_id = c.id AND h.starts_on = %(today)s AND h.status = 'held')
    ORDER BY md5(c.id::text || %(salt)s)
"""
_HOLD_SPACES = """
    SELECT sp.id, s.genders_served, s.age_groups_served FROM spaces sp JOIN sites s ON s.id = sp.site_id
    WHERE s.active AND sp.in_service AND s.households_served & 1 <> 0
      AND NOT EXISTS (SELECT 1 FROM bookings b
                      WHERE b.space_id = sp.id AND b.active AND (b.ends_on IS NULL OR b.ends_on > %(today)s)
                        AND (s.stay_limit_days IS NULL OR b.starts_on < %(today)s + s.stay_limit_days))
      AND NOT EXISTS (SELECT 1 FROM placements p
                      WHERE p.space_id = sp.id AND p.exited_on IS NULL AND p.expected_end_on <= %(today)s)
    ORDER BY md5(sp.id::text || %(salt)s)
"""
_GENDER_BITS = {"woman": 1, "man": 2, "nonbinary": 4}
_AGE_BITS = {"minor": 1, "youth": 2, "adult": 4}


def hold_pairs(
    database_url: str, today: date, advocate_id: int, salt: str
) -> tuple[list[tuple[int, int]], list[int]]:
    """Distinct (client, bed) pairs where the hold fits and the bed is free, and the beds left over."""
    params = {"today": today, "advocate": advocate_id, "salt": salt}
    with psycopg.connect(database_url) as connection:
        clients = connection.execute(_HOLD_CLIENTS, params).fetchall()
        spaces = connection.execute(_HOLD_SPACES, params).fetchall()
    groups: dict[tuple[int, int], list[int]] = {}
    for space_id, genders, ages in spaces:
        groups.setdefault((genders, ages), []).append(space_id)
    # Beds every eligible client may hold are kept for the contention variant first.
    everyone = [key for key in groups if key[0] == 7 and key[1] & 6 == 6]
    left = [space_id for key in everyone for space_id in groups[key][:CONTENDED_BEDS]]
    for key in everyone:
        groups[key] = groups[key][CONTENDED_BEDS:]
    pairs = []
    for client_id, gender, age_group in clients:
        gender_bit, age_bit = _GENDER_BITS.get(gender or "", 0), _AGE_BITS[age_group]
        # The most plentiful fitting group first, so that scarce beds stay for clients who need them.
        fitting = [
            k for k, v in groups.items() if v and (not gender_bit or k[0] & gender_bit) and k[1] & age_bit
        ]
        if fitting:
            key = max(fitting, key=lambda k: len(groups[k]))
            pairs.append((client_id, groups[key].pop()))
    return pairs, left


def hold_bodies(pairs: list[tuple[int, int]]) -> list[str]:
    """One hold per client, each on its own free bed."""
    if not pairs:
        raise RuntimeError("no client and free bed to hold: is the database generated and not full?")
    return [json.dumps({"client_id": c, "space_id": s}) for c, s in pairs]


def contention_bodies(clients: list[int], beds: list[int]) -> list[str]:
    """Every client on one of a few beds: one hold per bed can win, the rest must get 409."""
    if not beds:
        raise RuntimeError("no free bed left for the contention variant")
    return [json.dumps({"client_id": c, "space_id": beds[i % len(beds)]}) for i, c in enumerate(clients)]


def release_bench_holds(database_url: str, advocate_id: int, since: datetime) -> int:
    """Release the holds the loads made (as the app does: status released, booking inactive)."""
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            """
            WITH released AS (
                UPDATE holds SET status = 'released', ended_at = now(), ended_by_id = %(advocate)s,
                                 release_reason = 'benchmark clean-up'
                WHERE held_by_id = %(advocate)s AND status = 'held' AND created_at >= %(since)s
                RETURNING booking_id)
            UPDATE bookings SET active = false WHERE id IN (SELECT booking_id FROM released)
            """,
            {"advocate": advocate_id, "since": since},
        ).rowcount
    return rows


def overlapping_bookings(database_url: str, space_ids: list[int] | None = None) -> int:
    """Pairs of active bookings of one space whose nights overlap (must be 0)."""
    scope = "AND a.space_id = ANY(%(spaces)s)" if space_ids is not None else ""
    with psycopg.connect(database_url) as connection:
        if space_ids is not None:
            return connection.execute(
                f"""
                SELECT count(*) FROM bookings a JOIN bookings b
                  ON a.space_id = b.space_id AND a.id < b.id
                WHERE a.active AND b.active {scope}
                  AND daterange(a.starts_on, a.ends_on, '[)') && daterange(b.starts_on, b.ends_on, '[)')
                """,
                {"spaces": space_ids},
            ).fetchone()[0]
        # Whole table: sorted by start, any overlap shows between neighbours.
        return connection.execute(
            """
            SELECT count(*) FROM (
                SELECT ends_on, lead(starts_on) OVER (PARTITION BY space_id ORDER BY starts_on, id) AS next
                FROM bookings WHERE active AND (ends_on IS NULL OR ends_on > starts_on)) x
            WHERE next IS NOT NULL AND (ends_on IS NULL OR next < ends_on)
            """
        ).fetchone()[0]


def _db_now(database_url: str) -> datetime:
    with psycopg.connect(database_url) as connection:
        return connection.execute("SELECT now()").fetchone()[0]


# The HTTP benchmarks -------------------------------------------------------------------------


def measure_http(
    info: dict[str, Any], options: argparse.Namespace, workdir: Path, log: Callable[[str], None]
) -> dict[str, Any]:
    """Bed search, holds and the contention variant, each after the trivial endpoint, per round."""
    url = info["database_url"]
    today = datetime.now(UTC).astimezone(ZoneInfo(info["timezone"])).date()
    advocate = info["tokens"]["advocate"]
    paths = search_paths(today, info["shape"]["areas"])
    wrk_options = {"connections": options.connections, "threads": options.wrk_threads, "workdir": workdir}
    since = _db_now(url)  # holds made from here on are the benchmark's: released after each load
    settings = {
        "workers": options.workers,
        "worker_class": options.worker_class,
        "threads": options.worker_threads,
        "timezone": info["timezone"],
    }
    # Never a REDIS_URL from the shell unless asked for: the run says whether it had Redis.
    redis_env = {"REDIS_URL": options.redis, "REDIS_KEY_PREFIX": f"hs-bench-{os.getpid()}"}
    servers = start_hosts(info, options, workdir, redis_env)
    try:
        bare_srv = server.start(
            url, log_path=workdir / "bare.log", app_spec="bench.bare_app:app", **settings
        )
    except BaseException:
        for host in servers:
            host.stop()
        raise
    rounds: list[dict[str, Any]] = []

    def run_load(
        script: str | list[str], *, seconds: float, name: str, hosts: list[server.Server] | None = None
    ) -> list[load.Load]:
        """One load on every host at once (or on `hosts`); one script each, or the same for all."""
        hosts = hosts or servers
        scripts = script if isinstance(script, list) else [script] * len(hosts)
        urls = [host.base_url + HEALTH_PATH for host in hosts]  # the scripts set each request's path
        results = load.run_wrk_on_hosts(urls, scripts, seconds=seconds, name=name, **wrk_options)
        for host in servers:
            host.settle()  # the next load starts on idle workers
        return results

    def holds_scripts(bodies: list[str]) -> list[str]:
        """Each host its own share of the bodies: no pair is sent twice, whichever host takes it."""
        share = len(servers)
        return [
            load.post_script(HOLDS_PATH, bodies[i::share], advocate, options.wrk_threads)
            for i in range(share)
        ]

    try:
        pids = [pid for host in servers for pid in host.worker_pids()]
        search = load.get_script(paths, advocate)
        trivial = load.get_script([HEALTH_PATH], None)
        # Holds created per second so far: the holds load stops before its distinct pairs
        # run out (a repeated pair gets a cheap 409, which would flatter the figure).
        hold_rates: list[float] = []
        if options.warmup:
            log(f"warm-up: {options.warmup} s trivial, {options.warmup} s search, {options.warmup} s holds")
            run_load(trivial, seconds=options.warmup, name="warmup-bare", hosts=[bare_srv])
            run_load(trivial, seconds=options.warmup, name="warmup-health")
            run_load(search, seconds=options.warmup, name="warmup-search")
            pairs, _ = hold_pairs(url, today, info["advocate_id"], "warmup")
            warm = run_load(holds_scripts(hold_bodies(pairs)), seconds=options.warmup, name="warmup-holds")
            hold_rates.append(load.combined(warm).rate_of(201))
            release_bench_holds(url, info["advocate_id"], since)
        rss_after_warmup = {pid: server.peak_rss_bytes(pid) or 0 for pid in pids}
        for number in range(1, options.rounds + 1):
            figures: dict[str, Any] = {"round": number}
            seconds = options.duration

            # The bare app on its one server, with every connection (as one host has them).
            [bare] = run_load(trivial, seconds=seconds, name=f"r{number}-bare", hosts=[bare_srv])
            base = run_load(trivial, seconds=seconds, name=f"r{number}-health-search")
            figures["health_vs_bare"] = _versus(load.combined(base), bare)
            log(_line("health", figures["health_vs_bare"], label="bare"))
            with server.MemorySampler(pids) as memory:
                found = run_load(search, seconds=seconds, name=f"r{number}-search")
            figures["search"] = _versus_hosts(found, base, bare)
            figures["search"]["worker_peak_rss_mb"] = max(memory.peaks.values()) / MB
            figures["search"]["worker_vmhwm_mb"] = max(server.peak_rss_bytes(pid) or 0 for pid in pids) / MB
            log(_line("search", figures["search"]))
            if len(servers) > 1:
                # The same load on the first host alone, with every connection: what the others add.
                alone_base = run_load(
                    trivial, seconds=seconds, name=f"r{number}-one-health", hosts=servers[:1]
                )
                alone = run_load(search, seconds=seconds, name=f"r{number}-one-search", hosts=servers[:1])
                _compare_with_one_host(figures["search"], alone, alone_base)
                log(_line("  1 host", figures["search"]["one_host"]))

            base = run_load(trivial, seconds=seconds, name=f"r{number}-health-holds")
            pairs, left = hold_pairs(url, today, info["advocate_id"], f"round{number}")
            bodies = hold_bodies(pairs)
            held = run_load(
                holds_scripts(bodies),
                seconds=holds_seconds(seconds, len(bodies), hold_rates),
                name=f"r{number}-holds",
            )
            hold_rates.append(load.combined(held).rate_of(201))
            figures["holds"] = _versus_hosts(held, base, bare)
            figures["holds"]["distinct_pairs"] = len(bodies)
            figures["holds"]["released_after"] = release_bench_holds(url, info["advocate_id"], since)
            log(_line("holds", figures["holds"]))
            if len(servers) > 1:
                alone_base = run_load(
                    trivial, seconds=seconds, name=f"r{number}-one-health-h", hosts=servers[:1]
                )
                alone_pairs, _ = hold_pairs(url, today, info["advocate_id"], f"round{number}-one")
                alone_bodies = hold_bodies(alone_pairs)
                alone = run_load(
                    load.post_script(HOLDS_PATH, alone_bodies, advocate, options.wrk_threads),
                    seconds=holds_seconds(seconds, len(alone_bodies), hold_rates),
                    name=f"r{number}-one-holds",
                    hosts=servers[:1],
                )
                _compare_with_one_host(figures["holds"], alone, alone_base)
                release_bench_holds(url, info["advocate_id"], since)
                log(_line("  1 host", figures["holds"]["one_host"]))

            # Beds every eligible client may hold (all genders, youth and adults), still free;
            # with several hosts, each host's clients race the others' for the same beds.
            beds = left[:CONTENDED_BEDS]
            clients = [client_id for client_id, _ in pairs]
            share = len(servers)
            contended = run_load(
                [
                    load.post_script(
                        HOLDS_PATH, contention_bodies(clients[i::share], beds), advocate, options.wrk_threads
                    )
                    for i in range(share)
                ],
                seconds=seconds,
                name=f"r{number}-contention",
            )
            figures["contention"] = _versus_hosts(contended, base, bare)
            figures["contention"]["beds"] = len(beds)
            figures["contention"]["overlaps_on_contended_beds"] = overlapping_bookings(url, beds)
            figures["contention"]["overlaps_all_bookings"] = overlapping_bookings(url)
            figures["contention"]["released_after"] = release_bench_holds(url, info["advocate_id"], since)
            log(_line("contention", figures["contention"]))
            rounds.append(figures)
    finally:
        for host in servers:
            host.stop()
        bare_srv.stop()
        release_bench_holds(url, info["advocate_id"], since)
    return {
        "rounds": rounds,
        "worker_rss_after_warmup_mb": max(rss_after_warmup.values(), default=0) / MB,
        "search_paths": len(paths),
        "redis": bool(options.redis),
        "server": {
            "hosts": len(servers),
            "workers": options.workers,  # per host
            "worker_class": options.worker_class,
            "threads": options.worker_threads,
        },
        "wrk": {
            "connections": options.connections,  # in all, shared between the hosts
            "threads": options.wrk_threads,
            "seconds": options.duration,
        },
    }


def start_hosts(
    info: dict[str, Any], options: argparse.Namespace, workdir: Path, extra_env: dict[str, str]
) -> list[server.Server]:
    """`--hosts` gunicorn servers on the one database, each with `--workers` workers and the
    same SECRET_KEY (as app hosts behind a load balancer) and the same shared cache, if any;
    all stopped if one fails to start."""
    shared = {"SECRET_KEY": secrets.token_hex(32), **extra_env}
    servers: list[server.Server] = []
    try:
        for number in range(1, options.hosts + 1):
            servers.append(
                server.start(
                    info["database_url"],
                    workers=options.workers,
                    worker_class=options.worker_class,
                    threads=options.worker_threads,
                    timezone=info["timezone"],
                    log_path=workdir / ("gunicorn.log" if options.hosts == 1 else f"gunicorn-{number}.log"),
                    app_dir=options.app_dir,
                    extra_env=shared,
                )
            )
    except BaseException:
        for started in servers:
            started.stop()
        raise
    return servers


def holds_seconds(seconds: float, pairs: int, rates: list[float]) -> float:
    """How long the holds load may run before the fastest rate seen so far would use up its pairs."""
    if not rates or max(rates) <= 0:
        return seconds
    return max(1.0, min(seconds, round(HOLDS_PAIRS_MARGIN * pairs / max(rates), 1)))


def _versus(measured: load.Load, trivial: load.Load, bare: load.Load | None = None) -> dict[str, Any]:
    """A load's figures and their ratios to the trivial endpoint measured just before it (and
    to the bare Flask app measured at the start of the round)."""
    figures = {
        "load": measured.as_dict(),
        "trivial": trivial.as_dict(),
        **_ratios(measured, trivial, ""),
    }
    if bare is not None:
        figures["bare"] = bare.as_dict()
        figures.update(_ratios(measured, bare, "_vs_bare"))
    return figures


def _ratios(measured: load.Load, base: load.Load, suffix: str) -> dict[str, float]:
    return {
        f"throughput_ratio{suffix}": measured.throughput / base.throughput,
        f"p99_ratio{suffix}": measured.latency_us["p99"] / base.latency_us["p99"],
        f"p50_ratio{suffix}": measured.latency_us["p50"] / base.latency_us["p50"],
    }


def _versus_hosts(
    measured: list[load.Load], trivial: list[load.Load], bare: load.Load | None = None
) -> dict[str, Any]:
    """`_versus` for the hosts together; with several, each host's own figures as well."""
    figures = _versus(load.combined(measured), load.combined(trivial), bare)
    if len(measured) > 1:
        figures["per_host"] = [_versus(each, base) for each, base in zip(measured, trivial, strict=True)]
    return figures


def _compare_with_one_host(figures: dict[str, Any], alone: list[load.Load], base: list[load.Load]) -> None:
    figures["one_host"] = _versus(alone[0], base[0])
    figures["ratio_to_one_host"] = figures["load"]["throughput"] / max(0.1, alone[0].throughput)


def _line(name: str, figures: dict[str, Any], label: str = "trivial") -> str:
    loaded, base = figures["load"], figures["trivial"]
    line = (
        f"  {name:<10} {loaded['throughput']:8.1f} req/s ({label} {base['throughput']:8.1f}; "
        f"ratio {figures['throughput_ratio']:.3f})  p99 {loaded['latency_ms']['p99']:8.1f} ms "
        f"({label} {base['latency_ms']['p99']:.1f}; ratio {figures['p99_ratio']:.2f})  "
    )
    if "bare" in figures:
        line += (
            f"vs bare: ratio {figures['throughput_ratio_vs_bare']:.3f}, "
            f"p99 {figures['p99_ratio_vs_bare']:.2f}  "
        )
    return line + f"statuses {loaded['statuses']}"


# Stay review and matching --------------------------------------------------------------------


def measure_stay_review(
    server_url: str, options: argparse.Namespace, log: Callable[[str], None]
) -> dict[str, Any]:
    """The set-based stay review over 1,000,000 placements vs a plain ORM loop over the same rows."""
    if importlib.util.find_spec("housing_service.services.stay_review") is None:
        return {"status": "not yet measured: housing_service/services/stay_review.py does not exist"}
    size = options.review_size
    name = options.review_database or f"{generate.DATABASE_PREFIX}_{size.lower()}"
    _ensure_database(size, name, server_url, options.regenerate, log, options.results)
    # Its own process: the ORM loop's million objects, and the app, leave with it.
    completed = subprocess.run(  # noqa: S603 - this repository's own module
        [
            sys.executable,
            "-m",
            "bench.stay_review_bench",
            "--database",
            name,
            "--rounds",
            str(options.review_rounds),
            "--results",
            str(options.results),
        ],
        cwd=server.REPOSITORY,
        stdout=subprocess.PIPE,
        stderr=None,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        return {"status": f"failed (exit {completed.returncode}); see the output above"}
    return {"database": name, **json.loads(completed.stdout.strip().splitlines()[-1])}


def measure_matching(
    server_url: str, options: argparse.Namespace, log: Callable[[str], None]
) -> dict[str, Any]:
    """The pure module's own benchmark, and the database-backed suggestions service."""
    if importlib.util.find_spec("housing_service.matching") is None:
        return {"status": "not yet measured: housing_service/matching does not exist"}
    from . import matching_bench

    log(f"matching: bench/matching_bench.py run(size={options.matching_size!r}) (in memory, no database)")
    figures: dict[str, Any] = {"module": dict(matching_bench.run(size=options.matching_size))}
    module = figures["module"]
    log(
        f"  one placement p99 {module['single_p99_ms']:.2f} ms; batches (cold) "
        + ", ".join(f"{count}: {seconds:.2f} s" for count, seconds in module["batch_cold_s"].items())
    )
    if importlib.util.find_spec("housing_service.services.suggestions") is None:
        figures["service"] = {
            "status": "not yet measured: housing_service/services/suggestions.py does not exist"
        }
        return figures
    name = options.database or f"{generate.DATABASE_PREFIX}_{options.size.lower()}"
    _ensure_database(options.size, name, server_url, options.regenerate, log, options.results)
    command = [
        sys.executable, "-m", "bench.matching_service_bench", "--database", name,
        "--rounds", str(options.matching_rounds), "--singles", str(options.matching_singles),
        "--results", str(options.results), "--batches", *map(str, options.matching_batches),
    ]  # fmt: skip
    completed = subprocess.run(  # noqa: S603 - this repository's own module
        command, cwd=server.REPOSITORY, stdout=subprocess.PIPE, text=True, check=False
    )
    if completed.returncode != 0:
        figures["service"] = {"status": f"failed (exit {completed.returncode}); see the output above"}
    else:
        figures["service"] = {"database": name, **json.loads(completed.stdout.strip().splitlines()[-1])}
    return figures


# Putting it together ---------------------------------------------------------------------------


def _ensure_database(
    size: str, name: str, server_url: str, regenerate: bool, log: Callable[[str], None], results: Path
) -> dict[str, Any]:
    path = generate.tokens_path(name, results)
    exists = generate.database_exists(server_url, name)
    if exists and not regenerate:
        if not path.exists():
            # Never drop a database we can't account for: someone else's run may be using it.
            raise SystemExit(f"{name} exists but {path} does not: pass --regenerate to rebuild it")
        info = json.loads(path.read_text())
        generate.migrate(info["database_url"])  # the schema the code expects (new migrations: new indexes)
        return info
    log(f"generating {name} (size {size}) ...")
    started = time.perf_counter()
    info = generate.generate(size, name, server_url, results=results)
    log(f"generated in {time.perf_counter() - started:.0f} s")
    return info


def _median(rounds: list[dict[str, Any]], *keys: str) -> float:
    values = []
    for figures in rounds:
        value: Any = figures
        for key in keys:
            value = value[key]
        values.append(value)
    return statistics.median(values)


def summary(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The table: each figure, its ratio, the target, pass or miss (medians over rounds)."""
    rows: list[dict[str, Any]] = []

    def add(name: str, figure: str, ratio: float | None, key: str | None, value: float | None = None) -> None:
        target, verdict = "", ""
        if key is not None:
            operator, bound = TARGETS[key]
            measured = ratio if value is None else value
            target = f"{operator} {bound:g}"
            verdict = {
                ">=": measured >= bound,
                "<=": measured <= bound,
                "==": measured == bound,
            }[operator]
            verdict = "pass" if verdict else "MISS"
        rows.append({"figure": name, "value": figure, "ratio": ratio, "target": target, "verdict": verdict})

    http = result.get("http")
    if http:
        rounds = http["rounds"]
        n = len(rounds)
        trivial_rps = _median(rounds, "search", "trivial", "throughput")
        trivial_p99 = _median(rounds, "search", "trivial", "latency_ms", "p99")
        with_bare = all("health_vs_bare" in r for r in rounds)
        if with_bare:
            bare_rps = _median(rounds, "health_vs_bare", "trivial", "throughput")
            bare_p99 = _median(rounds, "health_vs_bare", "trivial", "latency_ms", "p99")
            bare = f"{bare_rps:.0f} req/s, p99 {bare_p99:.1f} ms"
            add("bare Flask app (bench/bare_app.py)", bare, None, None)
        hosts = http["server"].get("hosts", 1)
        spread = f" over {hosts} hosts" if hosts > 1 else ""
        add(
            f"trivial GET /health, {http['wrk']['connections']} conn{spread}",
            f"{trivial_rps:.0f} req/s, p99 {trivial_p99:.1f} ms",
            None,
            None,
        )
        if with_bare:
            add(
                "GET /health vs the bare app (the per-request hooks)",
                f"p99 ratio {_median(rounds, 'health_vs_bare', 'p99_ratio'):.2f}",
                _median(rounds, "health_vs_bare", "throughput_ratio"),
                "health_vs_bare_ratio",
            )
        rps = _median(rounds, "search", "load", "throughput")
        add(
            "bed search throughput",
            f"{rps:.0f} req/s",
            _median(rounds, "search", "throughput_ratio"),
            "search_throughput_ratio",
        )
        p99 = _median(rounds, "search", "load", "latency_ms", "p99")
        add("bed search p99", f"{p99:.1f} ms", _median(rounds, "search", "p99_ratio"), "search_p99_ratio")
        if with_bare:
            for load_name, label in (("search", "bed search"), ("holds", "holds")):
                add(
                    f"{label} vs the bare app: throughput (p99 ratio)",
                    f"p99 ratio {_median(rounds, load_name, 'p99_ratio_vs_bare'):.2f}",
                    _median(rounds, load_name, "throughput_ratio_vs_bare"),
                    None,
                )
        p50 = _median(rounds, "search", "load", "latency_ms", "p50")
        add("bed search p50", f"{p50:.1f} ms", _median(rounds, "search", "p50_ratio"), None)
        rps = _median(rounds, "holds", "load", "throughput")
        created = _median(
            [
                {"x": r["holds"]["load"]["statuses"].get(201, 0) / r["holds"]["load"]["seconds"]}
                for r in rounds
            ],
            "x",
        )
        refused = sum(r["holds"]["load"]["statuses"].get(409, 0) for r in rounds)
        add(
            "holds throughput",
            f"{rps:.0f} req/s ({created:.0f} created/s; {refused} × 409 in {n} runs)",
            _median(rounds, "holds", "throughput_ratio"),
            "holds_throughput_ratio",
        )
        add(
            "holds p99",
            f"{_median(rounds, 'holds', 'load', 'latency_ms', 'p99'):.1f} ms",
            _median(rounds, "holds", "p99_ratio"),
            None,
        )
        won = [r["contention"]["load"]["statuses"].get(201, 0) for r in rounds]
        overlaps = max(
            max(r["contention"]["overlaps_on_contended_beds"], r["contention"]["overlaps_all_bookings"])
            for r in rounds
        )
        add(
            "contention: 10 beds, overlapping bookings",
            f"{overlaps} (holds won per run: {won})",
            None,
            "contention_overlaps",
            overlaps,
        )
        add(
            "contention throughput",
            f"{_median(rounds, 'contention', 'load', 'throughput'):.0f} req/s",
            _median(rounds, "contention", "throughput_ratio"),
            None,
        )
        rss = max(r["search"]["worker_peak_rss_mb"] for r in rounds)
        add("worker peak RSS after bed search", f"{rss:.0f} MB", None, "worker_peak_rss_mb", rss)
        if "one_host" in rounds[0]["search"]:
            for load_name, label in (("search", "bed search"), ("holds", "holds")):
                _hosts_rows(rounds, load_name, label, add)
    review = result.get("stay_review")
    if review and "set_based_s" in review:
        add(
            "stay review (set-based, with flags written)",
            f"{review['set_based_s']:.2f} s ({review['flags_raised']} flags)",
            None,
            "stay_review_s",
            review["set_based_s"],
        )
        add(
            "stay review vs ORM loop over current stays",
            f"{review['orm_current_s']:.1f} s",
            review["speedup_vs_orm_current"],
            "stay_review_speedup",
        )
        if "orm_all_s" in review:
            add(
                "stay review vs ORM loop over all placements",
                f"{review['orm_all_s']:.1f} s",
                review["speedup_vs_orm_all"],
                None,
            )
    elif review:
        add("stay review", review["status"], None, None)
    matching = result.get("matching")
    if matching and "module" in matching:
        module = matching["module"]
        small, large = module["batch_cold_s"]
        add(
            "matching, pure module: one placement p99",
            f"{module['single_p99_ms']:.2f} ms",
            None,
            "matching_single_p99_ms",
            module["single_p99_ms"],
        )
        add(
            f"matching, pure module: batch {large} vs {small} (cold)",
            f"{module['batch_cold_s'][large]:.2f} s vs {module['batch_cold_s'][small]:.2f} s",
            module["ratio_cold"],
            "matching_batch_10000_s" if large == 10_000 else None,
            module["batch_cold_s"][large],
        )
        service = matching["service"]
        if "status" in service:
            add("matching service (database)", service["status"], None, None)
        else:
            small, large = (int(size) for size in service["batch_placements"])
            count_small, count_large = service["batch_placements"].values()
            add(
                "matching service (database): one placement p99",
                f"{service['single_p99_ms']:.0f} ms (p50 {service['single_p50_ms']:.0f} ms)",
                None,
                "matching_single_p99_ms",
                service["single_p99_ms"],
            )
            add(
                f"matching service (database): caseload {count_large} vs {count_small}",
                f"{service[f'batch_{large}_s']:.2f} s vs {service[f'batch_{small}_s']:.2f} s",
                service["batch_ratio"],
                "matching_batch_10000_s" if count_large == 10_000 else None,
                service[f"batch_{large}_s"],
            )
    elif matching:
        add("matching", matching["status"], None, None)
    return rows


def _hosts_rows(rounds: list[dict[str, Any]], name: str, label: str, add: Callable[..., None]) -> None:
    """With several hosts: each host's share, and the hosts together against the first alone."""
    shares = []
    for number in range(len(rounds[0][name]["per_host"])):
        host = [r[name]["per_host"][number] for r in rounds]
        shares.append(
            f"host {number + 1}: {_median(host, 'load', 'throughput'):.0f} req/s"
            f" (p99 {_median(host, 'load', 'latency_ms', 'p99'):.0f} ms)"
        )
    hosts = len(shares)
    add(f"{label}, each host's share", ", ".join(shares), None, None)
    alone = _median(rounds, name, "one_host", "load", "throughput")
    add(
        f"{label}, {hosts} hosts against host 1 alone (all connections)",
        f"{_median(rounds, name, 'load', 'throughput'):.0f} vs {alone:.0f} req/s "
        f"(host 1 alone: ratio to its trivial {_median(rounds, name, 'one_host', 'throughput_ratio'):.3f})",
        _median(rounds, name, "ratio_to_one_host"),
        None,
    )


def print_table(rows: list[dict[str, Any]], write: Callable[[str], None]) -> None:
    write("| figure | measured (median) | ratio | target | |")
    write("|---|---|---|---|---|")
    for row in rows:
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.3f}"
        write(f"| {row['figure']} | {row['value']} | {ratio} | {row['target']} | {row['verdict']} |")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["tiny", "S", "L"], default="L")
    parser.add_argument("--database", help="default hs_bench_<size>")
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", generate.DEFAULT_SERVER))
    parser.add_argument("--regenerate", action="store_true", help="build the database even if it exists")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=20, help="seconds per measured load")
    parser.add_argument("--warmup", type=float, default=5, help="seconds per warm-up load (0: none)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=4, help="sync workers per host")
    parser.add_argument(
        "--hosts",
        type=int,
        default=1,
        help="gunicorn servers on the one database, the load spread over them (connections shared)",
    )
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--worker-threads", type=int, default=1)
    parser.add_argument(
        "--redis",
        default=os.environ.get("REDIS_URL", ""),
        help="the service's shared cache (default: REDIS_URL; none: each worker keeps its own)",
    )
    parser.add_argument("--only", choices=["http", "stay-review", "matching"], action="append")
    parser.add_argument(
        "--stay-review", action="store_true", help="also the stay review (builds hs_bench_review)"
    )
    parser.add_argument("--matching", action="store_true", help="also bench/matching_bench.py")
    parser.add_argument("--matching-size", default="full", choices=["tiny", "full"])
    parser.add_argument("--matching-rounds", type=int, default=3)
    parser.add_argument("--matching-singles", type=int, default=30, help="placements timed one at a time")
    parser.add_argument("--matching-batches", type=int, nargs=2, default=[1_000, 10_000])
    parser.add_argument("--review-rounds", type=int, default=3)
    parser.add_argument("--review-size", default="review", choices=list(generate.SIZES))
    parser.add_argument("--review-database", help="default hs_bench_<review size>")
    parser.add_argument("--results", type=Path, default=generate.RESULTS)
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=server.REPOSITORY,
        help="the checkout gunicorn serves (default: this one)",
    )
    options = parser.parse_args(argv)
    parts = set(options.only or ["http"])
    if options.stay_review:
        parts.add("stay-review")
    if options.matching:
        parts.add("matching")

    def log(message: str) -> None:
        print(message, flush=True)

    name = options.database or f"{generate.DATABASE_PREFIX}_{options.size.lower()}"
    result: dict[str, Any] = {
        "size": options.size,
        "database": name,
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    info = None
    if "http" in parts:
        info = _ensure_database(options.size, name, options.server, options.regenerate, log, options.results)
    env_url = info["database_url"] if info else generate.database_url(options.server, "postgres")
    result["environment"] = environment(env_url)
    env = result["environment"]
    log(
        f"{env['cores']} cores ({env['cpu']}), {env['memory_gb']} GB; "
        f"Python {env['python']}, Flask {env['flask']}, "
        f"SQLAlchemy {env['sqlalchemy']}, psycopg {env['psycopg']}, PostgreSQL {env['postgresql']}, "
        f"gunicorn {env['gunicorn']}, {env['wrk']}"
    )
    if info:
        result["shape"] = info["shape"]
        log(f"database {name}: {json.dumps(info['shape'])}")
        with tempfile.TemporaryDirectory(prefix="hs-bench-") as scratch:
            workdir = Path(scratch)
            hosts = f"{options.hosts} hosts, each " if options.hosts > 1 else ""
            log(
                f"{hosts}gunicorn wsgi:app, {options.workers} {options.worker_class} workers; "
                f"wrk {options.connections} connections, {options.wrk_threads} thread(s), "
                f"{options.duration:g} s per load, {options.rounds} rounds"
            )
            try:
                result["http"] = measure_http(info, options, workdir, log)
            finally:
                log_text = "".join(path.read_text() for path in sorted(workdir.glob("gunicorn*.log")))
                if log_text.strip():
                    result["gunicorn_log_tail"] = log_text[-4000:]
    if "stay-review" in parts:
        result["stay_review"] = measure_stay_review(options.server, options, log)
    if "matching" in parts:
        result["matching"] = measure_matching(options.server, options, log)
    result["summary"] = summary(result)
    options.results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = options.results / f"run-{options.size}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    log("")
    print_table(result["summary"], log)
    log(f"\nfull results: {path}")
    return result


if __name__ == "__main__":
    main()
