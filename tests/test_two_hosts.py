"""Two app hosts on one PostgreSQL (and one Redis, when there is one): the shape a coalition
that outgrows one box runs in.

Each host is a gunicorn master with its own workers, started as the benchmark starts its
server (bench/server.py: production settings, scheduler off), on its own port; both share the
database, the REDIS_URL and the SECRET_KEY, as hosts behind a load balancer do. On this
machine they are two processes on two ports of 127.0.0.1, not two network namespaces:
PostgreSQL and Redis listen on 127.0.0.1 only, and giving each server an address of its own
would mean reconfiguring both for every developer and CI.

What must hold: a change made through one host is never answered stale by the other (at
once, no waiting), a race of clients spread over both hosts books each bed once, and the
scheduler running beside each host raises each flag once.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from housing_service import clock
from housing_service.extensions import db
from housing_service.models import Role
from housing_service.vocabulary import Tier

from .test_concurrency import OVERLAPS

pytestmark = pytest.mark.postgres_only

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 2  # per host
CLIENTS = 64
BEDS = 10


# The hosts --------------------------------------------------------------------------------


def _redis_for_tests() -> str:
    """TEST_REDIS_URL, emptied for this run; skipped without it, failed with REQUIRE_REDIS=1."""
    url = os.environ.get("TEST_REDIS_URL", "")
    problem = "TEST_REDIS_URL is not set" if not url else _redis_problem(url)
    if problem and os.environ.get("REQUIRE_REDIS") == "1":
        pytest.fail(f"REQUIRE_REDIS=1 but {problem}")
    if problem:
        pytest.skip(f"{problem}; CI sets TEST_REDIS_URL and REQUIRE_REDIS=1")
    return url


def _redis_problem(url: str) -> str | None:
    """Empties the test's own Redis database (FLUSHDB, never FLUSHALL): keys kept by an earlier
    run against another database at the same revision must not answer for this one."""
    parts = urlsplit(url)
    number = parts.path.strip("/") or "0"
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=5) as conn:
            conn.sendall(f"SELECT {number}\r\nFLUSHDB\r\n".encode())
            answer = b""
            while answer.count(b"\r\n") < 2:
                chunk = conn.recv(1024)
                if not chunk:
                    break
                answer += chunk
    except OSError as error:
        return f"Redis at {url} can't be reached ({error})"
    if answer != b"+OK\r\n+OK\r\n":
        return f"Redis at {url} did not empty database {number}: {answer!r}"
    return None


@pytest.fixture(scope="module", params=["in-process cache", "Redis"])
def hosts(
    request: pytest.FixtureRequest, app: Any, database_url: str, tmp_path_factory: Any
) -> Iterator[list[Any]]:
    """Two gunicorn servers on the test database: the same SECRET_KEY and REDIS_URL (if any)."""
    from bench import server

    shared = {"SECRET_KEY": secrets.token_hex(32)}  # one key signs sessions for every host
    if request.param == "Redis":
        shared["REDIS_URL"] = _redis_for_tests()
    # The servers copy this process's environment: a developer's own REDIS_URL must not
    # turn the in-process run into a second Redis run.
    own_redis = os.environ.pop("REDIS_URL", None)
    logs = tmp_path_factory.mktemp("hosts")

    def start(name: str) -> Any:
        return server.start(
            database_url,
            workers=WORKERS,
            worker_class="sync",
            threads=1,
            timezone=app.config["COALITION_TIMEZONE"],
            log_path=logs / f"gunicorn-{name}.log",
            extra_env=shared,
        )

    with ThreadPoolExecutor(2) as pool:
        starting = [pool.submit(start, name) for name in ("a", "b")]
    started = [future.result() for future in starting if future.exception() is None]
    try:
        for future in starting:
            future.result()  # the first failure, with its log's path
        yield started
    finally:
        for each in started:
            each.stop()
        if own_redis is not None:
            os.environ["REDIS_URL"] = own_redis


def _call(host: Any, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
        host.base_url + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _token(api: Any, user: Any) -> tuple[int, str]:
    made = api(user).post("/api/v1/tokens", json={"name": "two hosts"})
    assert made.status_code == 201, made.get_json()
    return made.get_json()["id"], made.get_json()["token"]


def _free_beds(host: Any, token: str, site_id: int) -> list[int]:
    status, found = _call(host, "GET", "/api/v1/availability?adults=1", token)
    assert status == 200, found
    return sorted(
        space["id"]
        for item in found["items"]
        if item["site"]["id"] == site_id
        for space in item["free_spaces"]
    )


# A change on one host, read on the other ---------------------------------------------------


def test_a_change_on_one_host_is_never_answered_stale_by_the_other(hosts, api, make):
    a, b = hosts
    advocate = make.user(Role.ADVOCATE)
    site = make.site()
    beds = sorted(make.space(site).id for _ in range(2))
    survivor = make.client(advocates=(advocate,))
    _, token = _token(api, advocate)
    # Every worker of both hosts has read (and may keep) the board as it is.
    for host in (a, b):
        for _ in range(2 * WORKERS):
            assert _free_beds(host, token, site.id) == beds

    status, hold = _call(a, "POST", "/api/v1/holds", token, {"client_id": survivor.id, "space_id": beds[0]})
    assert status == 201, hold
    # At once, and whichever worker of the other host answers: the held bed is gone.
    for _ in range(2 * WORKERS):
        assert _free_beds(b, token, site.id) == beds[1:], "host B answered from before the hold on A"

    status, released = _call(
        b, "POST", f"/api/v1/holds/{hold['id']}/release", token, {"reason": "Found family"}
    )
    assert status == 200, released
    for _ in range(2 * WORKERS):
        assert _free_beds(a, token, site.id) == beds, "host A answered from before the release on B"


def test_a_token_revoked_on_one_host_stops_working_on_the_other_at_once(hosts, api, make):
    a, b = hosts
    advocate = make.user(Role.ADVOCATE)
    _, keeper = _token(api, advocate)
    revoked_id, revoked = _token(api, advocate)
    for host in (a, b):
        for _ in range(2 * WORKERS):  # every worker has looked the token up
            assert _call(host, "GET", "/api/v1/tokens", revoked)[0] == 200

    status, answer = _call(a, "DELETE", f"/api/v1/tokens/{revoked_id}", keeper)
    assert status == 200, answer
    for _ in range(2 * WORKERS):
        assert _call(b, "GET", "/api/v1/tokens", revoked)[0] == 401, "host B still took the revoked token"
        assert _call(b, "GET", "/api/v1/tokens", keeper)[0] == 200


# A race over both hosts ----------------------------------------------------------------------


def test_64_clients_spread_over_both_hosts_book_each_bed_once(hosts, app, api, make):
    advocate = make.user(Role.ADVOCATE)
    site = make.site()
    beds = [make.space(site).id for _ in range(BEDS)]
    survivors = [make.client(advocates=(advocate,)).id for _ in range(CLIENTS)]
    _, token = _token(api, advocate)
    today = clock.local_date(clock.now(), app.config["COALITION_TIMEZONE"])
    start = threading.Barrier(CLIENTS, timeout=60)
    answers: list[tuple[int, Any]] = [(0, None)] * CLIENTS

    def race(index: int) -> None:
        body = {
            "client_id": survivors[index],
            "space_id": beds[index % BEDS],
            # Different first nights, all within each other's stays: every pair on a bed overlaps.
            "starts_on": str(today + timedelta(days=index % 3)),
        }
        start.wait()
        answers[index] = _call(hosts[index % 2], "POST", "/api/v1/holds", token, body)

    threads = [threading.Thread(target=race, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = Counter(status for status, _ in answers)
    by_host = [Counter(status for status, _ in answers[host::2]) for host in (0, 1)]
    assert statuses == {201: BEDS, 409: CLIENTS - BEDS}, f"host A {by_host[0]}, host B {by_host[1]}"
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text(OVERLAPS)).scalar() == 0
        held = connection.execute(
            text("SELECT space_id, count(*) FROM bookings WHERE active GROUP BY space_id")
        ).all()
    assert sorted(held) == sorted((bed, 1) for bed in beds)


# A scheduler beside each host ---------------------------------------------------------------


def _scheduler(database_url: str) -> subprocess.Popen[str]:
    """`flask scheduler`, as each host would run it (its own process, production settings)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "TEST_DATABASE"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "HOUSING_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "housing_service", "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        out, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate(timeout=10)
    return out


RAN = re.compile(r"job (\w+) slot (\S+): \d+ ms")


def test_a_scheduler_on_each_host_raises_each_flag_once(app, make, database_url):
    from housing_service.scheduling.jobs import JOBS

    partner_organisation = make.organisation()
    partner = make.user(Role.PARTNER, organisation=partner_organisation)
    manager = make.user(Role.CASE_MANAGER)
    advocate = make.user(Role.ADVOCATE)
    now = clock.now()
    today = clock.local_date(now, app.config["COALITION_TIMEZONE"])
    # Stays on night 49 of 60: past the 14-day threshold (night 46), not the 7-day one (night 53).
    shelter = make.site(organisation=partner_organisation, tier=Tier.EMERGENCY, stay_limit_days=60)
    for _ in range(20):
        survivor = make.client(case_manager=manager)
        make.placement(survivor, make.space(shelter), shelter, today - timedelta(days=48), partner)
    # Holds whose window ends within the hour: each holder is warned once.
    for _ in range(5):
        survivor = make.client(advocates=(advocate,))
        make.hold(
            survivor, make.space(shelter), shelter, today, advocate, expires_at=now + timedelta(minutes=30)
        )
    # Sites whose beds nobody has confirmed for two days: their partners are asked once.
    for _ in range(3):
        make.site(organisation=partner_organisation, availability_confirmed_at=now - timedelta(days=2))

    schedulers = [_scheduler(database_url) for _host in ("a", "b")]
    outputs: list[str] = []
    try:
        deadline = time.monotonic() + 60
        with app.app_context():
            while time.monotonic() < deadline:
                done = {
                    job
                    for (job,) in db.session.execute(
                        text("SELECT job FROM job_runs WHERE finished_at IS NOT NULL")
                    )
                }
                db.session.rollback()
                if done >= set(JOBS) or any(process.poll() is not None for process in schedulers):
                    break
                time.sleep(0.25)
    finally:
        outputs = [_stop(process) for process in schedulers]
    said = "\n".join(f"--- scheduler {host}:\n{out}" for host, out in zip("ab", outputs, strict=True))
    assert all("Scheduler running jobs" in out for out in outputs), said
    assert done >= set(JOBS), f"not every job ran within 60 s: {sorted(set(JOBS) - done)}\n{said}"
    assert "Traceback" not in said and " failed" not in said, said
    ran = [Counter(RAN.findall(out)) for out in outputs]
    assert {job for runs in ran for job, _ in runs} == set(JOBS), said  # each run logged by its runner
    assert not set(ran[0]) & set(ran[1]), f"both schedulers ran {set(ran[0]) & set(ran[1])}"
    assert all(count == 1 for runs in ran for count in runs.values()), ran

    with app.app_context(), db.engine.connect() as connection:
        flags = dict(connection.execute(text("SELECT kind, count(*) FROM flags GROUP BY kind")).all())
        twice = connection.execute(
            text(
                "SELECT count(*) FROM (SELECT kind, placement_id, hold_id, site_id, days_before FROM flags"
                " GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1) x"
            )
        ).scalar()
        runs = connection.execute(
            text("SELECT count(*) FROM (SELECT job, slot FROM job_runs GROUP BY 1, 2 HAVING count(*) > 1) x")
        ).scalar()
    assert flags == {"nearing_limit": 20, "hold_expiring": 5, "stale_availability": 3}, flags
    assert twice == 0 and runs == 0
