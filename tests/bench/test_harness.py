"""The benchmark harness runs end to end at a tiny size, so that it cannot rot.

These tests check that each benchmark runs and reports what it promises, never how fast:
speed is measured by `python -m bench.run`, not in the test suite. They use
TEST_DATABASE_URL's server but build and drop their own hs_bench_tiny_* database, and touch no
other. wrk (or gunicorn and psutil, from the test extra) may be missing on a developer's machine:
the load test is then skipped, unless REQUIRE_WRK=1 (CI), where anything missing fails it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bench import generate, load, run

pytestmark = pytest.mark.postgres_only
SHARED_CACHE_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


def _shared_cache_url() -> str:
    """The tests' Redis for the service's shared cache; '' (none) where no Redis runs, unless
    REQUIRE_REDIS=1 (CI), where that fails."""
    import redis

    try:
        redis.Redis.from_url(SHARED_CACHE_URL, socket_connect_timeout=0.5).ping()
        return SHARED_CACHE_URL
    except (redis.RedisError, OSError):
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but no Redis at {SHARED_CACHE_URL}")
        return ""


def _server_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench-results")


@pytest.fixture(scope="module")
def tiny(results: Path) -> Iterator[dict[str, Any]]:
    """A tiny coalition in a database of its own, dropped afterwards."""
    name = f"hs_bench_tiny_{os.getpid()}_{secrets.token_hex(3)}"
    info = generate.generate("tiny", name, _server_url(), results=results)
    try:
        yield info
    finally:
        generate.drop_database(_server_url(), name)


@pytest.fixture
def load_tools() -> None:
    """wrk, gunicorn and psutil: skipped without them, unless REQUIRE_WRK=1."""
    missing = [] if load.wrk_path() else ["wrk (apt-get install -y wrk)"]
    missing += [
        f"{module} (pip install -e '.[bench]')"
        for module in ("gunicorn", "psutil")
        if importlib.util.find_spec(module) is None
    ]
    if missing and os.environ.get("REQUIRE_WRK") == "1":
        pytest.fail(f"REQUIRE_WRK=1 but missing: {', '.join(missing)}")
    if missing:
        pytest.skip(f"missing: {', '.join(missing)}; CI sets REQUIRE_WRK=1")


def _query(info: dict[str, Any], sql: str) -> Any:
    with psycopg.connect(info["database_url"]) as connection:
        return connection.execute(sql).fetchone()[0]


def test_the_generator_builds_the_coalition_it_promises(tiny: dict[str, Any]) -> None:
    shape = tiny["shape"]
    counts = {
        "sites": "SELECT count(*) FROM sites",
        "spaces": "SELECT count(*) FROM spaces",
        "clients": "SELECT count(*) FROM clients",
        "current_stays": "SELECT count(*) FROM placements WHERE exited_on IS NULL",
        "past_stays": "SELECT count(*) FROM placements WHERE exited_on IS NOT NULL",
        "holds": "SELECT count(*) FROM holds WHERE status = 'held'",
    }
    assert {key: _query(tiny, sql) for key, sql in counts.items()} == {key: shape[key] for key in counts}
    assert run.overlapping_bookings(tiny["database_url"]) == 0
    # Every tier is there, each with HUD project types and stay limits that fit it (the checks held).
    assert _query(tiny, "SELECT count(DISTINCT tier) FROM sites") >= 2
    # The tokens in the file are the ones whose hashes the app will look up.
    assert set(tiny["tokens"]) == {"advocate", "admin"}
    assert _query(tiny, "SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL") == 2


def test_the_load_benchmarks_run_and_report_every_figure(
    load_tools: None, tiny: dict[str, Any], results: Path
) -> None:
    shared_cache = _shared_cache_url()
    result = run.main(
        [
            "--size", "tiny", "--database", tiny["database"], "--server", _server_url(),
            "--results", str(results), "--rounds", "1", "--duration", "1", "--warmup", "0",
            "--workers", "2", "--redis", shared_cache,
        ]
    )  # fmt: skip

    assert result["http"]["redis"] is bool(shared_cache)
    [figures] = result["http"]["rounds"]
    # The bare Flask app beside the service: every figure against it too.
    assert figures["health_vs_bare"]["throughput_ratio"] > 0
    assert figures["search"]["throughput_ratio_vs_bare"] > 0 and figures["holds"]["p99_ratio_vs_bare"] > 0
    search, holds, contention = figures["search"], figures["holds"], figures["contention"]
    assert search["load"]["requests"] > 0 and set(search["load"]["statuses"]) == {200}
    assert search["throughput_ratio"] > 0 and search["p99_ratio"] > 0
    assert holds["load"]["statuses"].get(201, 0) > 0
    assert set(holds["load"]["statuses"]) <= {201, 409}
    # All clients on ten beds: at most one hold per bed, and never two bookings of one night.
    assert 0 < contention["load"]["statuses"].get(201, 0) <= contention["beds"]
    assert contention["overlaps_on_contended_beds"] == 0 and contention["overlaps_all_bookings"] == 0
    assert search["worker_peak_rss_mb"] > 0
    # The benchmark's holds are released afterwards: the database is ready for the next run.
    assert _query(tiny, "SELECT count(*) FROM holds WHERE status = 'held'") == tiny["shape"]["holds"]
    figures_named = {row["figure"] for row in result["summary"]}
    assert {"bed search throughput", "bed search p99", "holds throughput"} <= figures_named
    assert "GET /health vs the bare app (the per-request hooks)" in figures_named
    assert json.loads(next(results.glob("run-tiny-*.json")).read_text())["environment"]["cores"] >= 1


def test_the_load_benchmarks_spread_over_two_hosts_report_each_host_and_one_alone(
    load_tools: None, tiny: dict[str, Any], results: Path
) -> None:
    result = run.main(
        [
            "--size", "tiny", "--database", tiny["database"], "--server", _server_url(),
            "--results", str(results), "--rounds", "1", "--duration", "2", "--warmup", "0",
            "--workers", "1", "--hosts", "2",
        ]
    )  # fmt: skip

    assert result["http"]["server"]["hosts"] == 2
    [figures] = result["http"]["rounds"]
    search, holds, contention = figures["search"], figures["holds"], figures["contention"]
    # Each host's figures, and the hosts together as the sum of their shares.
    assert len(search["per_host"]) == 2 and all(
        set(host["load"]["statuses"]) <= {200} for host in search["per_host"]
    )
    assert search["load"]["requests"] == sum(host["load"]["requests"] for host in search["per_host"])
    assert set(search["load"]["statuses"]) == {200}
    assert search["one_host"]["load"]["requests"] > 0 and search["ratio_to_one_host"] > 0
    assert holds["load"]["statuses"].get(201, 0) > 0 and set(holds["load"]["statuses"]) <= {201, 409}
    assert holds["one_host"]["load"]["statuses"].get(201, 0) > 0
    # Each host's clients race the other's for the same ten beds: still one hold per bed.
    assert 0 < contention["load"]["statuses"].get(201, 0) <= contention["beds"]
    assert contention["overlaps_on_contended_beds"] == 0 and contention["overlaps_all_bookings"] == 0
    assert _query(tiny, "SELECT count(*) FROM holds WHERE status = 'held'") == tiny["shape"]["holds"]
    figures_named = {row["figure"] for row in result["summary"]}
    assert "bed search, 2 hosts against host 1 alone (all connections)" in figures_named


def test_the_stay_review_benchmark_compares_with_an_orm_loop(tiny: dict[str, Any], results: Path) -> None:
    result = run.main(
        [
            "--only", "stay-review", "--review-size", "tiny", "--review-database", tiny["database"],
            "--review-rounds", "1", "--server", _server_url(), "--results", str(results),
        ]
    )  # fmt: skip

    review = result["stay_review"]
    if "status" in review:
        assert review["status"].startswith("not yet measured"), review["status"]
        return
    assert review["same_flags"], "the set-based review and the ORM loops raised different flags"
    assert review["set_based_s"] > 0 and review["orm_current_s"] > 0 and review["orm_all_s"] > 0


def test_the_matching_benchmarks_run_on_the_module_and_the_service(
    tiny: dict[str, Any], results: Path
) -> None:
    result = run.main(
        [
            "--only", "matching", "--matching-size", "tiny", "--size", "tiny", "--database", tiny["database"],
            "--matching-rounds", "1", "--matching-singles", "3", "--matching-batches", "5", "10",
            "--server", _server_url(), "--results", str(results),
        ]
    )  # fmt: skip

    matching = result["matching"]
    if "status" in matching:
        assert matching["status"].startswith("not yet measured"), matching["status"]
        return
    module, service = matching["module"], matching["service"]
    assert module["single_p99_ms"] > 0 and list(module["batch_cold_s"]) == [10, 100]
    if "status" in service:
        assert service["status"].startswith("not yet measured"), service["status"]
        return
    assert service["single_p99_ms"] >= service["single_p50_ms"] > 0
    assert service["batch_placements"] == {"5": 5, "10": 10} or service["batch_placements"] == {5: 5, 10: 10}


def test_the_reports_benchmark_times_every_report_and_the_export(tiny: dict[str, Any]) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.reports_bench", "--database", tiny["database"], "--rounds", "1",
         "--server", _server_url()],
        capture_output=True, text=True, timeout=300, check=False, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert {"point-in-time", "outcomes:all", "hmis-export"} <= set(result["medians_s"])
    assert all(seconds > 0 for seconds in result["medians_s"].values())
