"""Two app hosts on one PostgreSQL (and one Redis, when there is one): the shape a coalition
that outgrows one box runs in.

Each host is a gunicorn master with its own workers, started as the benchmark starts its
server (bench/server.py: production settings, scheduler off), on its own port; both share the
database, the REDIS_URL and the SECRET_KEY, as hosts behind a load balancer do. On this
machine they are two processes on two ports of 127.0.0.1, not two network namespaces:
PostgreSQL and Redis listen on 127.0.0.1 only, and giving each server an address of its own
would mean reconfiguring both for every developer and CI.

What must hold: a change made through one host (a hold, a release, a revoked token) is never
answered stale by the other, at once, with no waiting; a browser signed in through one is
signed in on the other (no sticky sessions); a race of clients spread over both hosts books
each bed once; and the scheduler running beside each host raises each flag once.
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
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import text

from housing_service import clock
from housing_service.extensions import db
from housing_service.models import Role
from housing_service.vocabulary import Tier

from .factories import PASSWORD
from .test_concurrency import OVERLAPS

pytestmark = pytest.mark.postgres_only

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 2  # per host
CLIENTS = 64
BEDS = 10


# The hosts --------------------------------------------------------------------------------


def _redis_for_tests() -> str:
    """TEST_REDIS_URL, if Redis answers there; skipped without it, failed with REQUIRE_REDIS=1."""
    url = os.environ.get("TEST_REDIS_URL", "")
    problem = "TEST_REDIS_URL is not set" if not url else None
    if url:
        try:
            if _redis(url, "PING") != "PONG":
                problem = f"Redis at {url} did not answer PING"
        except OSError as error:
            problem = f"Redis at {url} can't be reached ({error})"
    if problem and os.environ.get("REQUIRE_REDIS") == "1":
        pytest.fail(f"REQUIRE_REDIS=1 but {problem}")
    if problem:
        pytest.skip(f"{problem}; CI sets TEST_REDIS_URL and REQUIRE_REDIS=1")
    return url


def _redis(url: str, *command: str) -> Any:
    """One command to the Redis database in `url` (RESP over a socket: the test needs no client)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=5) as conn:
        stream = conn.makefile("rb")
        for each in (("SELECT", parts.path.strip("/") or "0"), command):
            conn.sendall(
                f"*{len(each)}\r\n".encode()
                + b"".join(f"${len(arg.encode())}\r\n{arg}\r\n".encode() for arg in each)
            )
            answer = _resp(stream)
        return answer


def _resp(stream: Any) -> Any:
    line = stream.readline().rstrip(b"\r\n")
    kind, rest = line[:1], line[1:].decode()
    if kind == b"-":
        raise OSError(f"Redis said {rest}")
    if kind == b":":
        return int(rest)
    if kind == b"$":
        return None if rest == "-1" else stream.read(int(rest) + 2)[:-2].decode()
    if kind == b"*":
        return [_resp(stream) for _ in range(int(rest))]
    return rest


def _forget_keys(url: str, prefix: str) -> None:
    """Delete the keys the hosts kept under this run's prefix."""
    cursor = "0"
    while True:
        cursor, keys = _redis(url, "SCAN", cursor, "MATCH", f"{prefix}:*", "COUNT", "1000")
        if keys:
            _redis(url, "DEL", *keys)
        if cursor == "0":
            return


@pytest.fixture(scope="module", params=["in-process cache", "Redis"])
def hosts(
    request: pytest.FixtureRequest, app: Any, database_url: str, tmp_path_factory: Any
) -> Iterator[list[Any]]:
    """Two gunicorn servers on the test database: the same SECRET_KEY and REDIS_URL (if any)."""
    from bench import server

    shared = {"SECRET_KEY": secrets.token_hex(32)}  # one key signs sessions for every host
    if request.param == "Redis":
        # A prefix of this run's own: keys another run kept at the same revision numbers (of
        # another database) are never taken for this one's.
        shared["REDIS_URL"] = _redis_for_tests()
        shared["REDIS_KEY_PREFIX"] = f"hs-test-two-hosts-{secrets.token_hex(4)}"
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
        if "REDIS_URL" in shared:
            _forget_keys(shared["REDIS_URL"], shared["REDIS_KEY_PREFIX"])
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


class _Browser:
    """A browser without a load balancer's stickiness: it keeps its cookies, whichever host it
    asks, and follows no redirect by itself (the cookies are Secure; we send them anyway)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
            return None

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self._opener = urllib.request.build_opener(self._NoRedirect)

    def open(self, host: Any, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, Location, body)."""
        request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
            host.base_url + path,
            data=None if form is None else urlencode(form).encode(),
            headers={"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())},
        )
        try:
            answer = self._opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            answer = error
        with answer:
            for header in answer.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return answer.status, answer.headers.get("Location", ""), answer.read().decode()


def test_a_browser_signed_in_on_one_host_is_signed_in_on_the_other(hosts, make):
    """No sticky sessions: the session is a cookie signed with the hosts' one SECRET_KEY and
    checked against the account in the database, so any host answers any request."""
    a, b = hosts
    advocate = make.user(Role.ADVOCATE)
    browser = _Browser()
    status, _, form_page = browser.open(a, "/sign-in")
    assert status == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form_page)
    assert csrf, "no CSRF token on the sign-in page"

    # The form's CSRF token, from host A's page, is accepted by host B.
    status, location, _ = browser.open(
        b, "/sign-in", {"email": advocate.email, "password": PASSWORD, "csrf_token": csrf.group(1)}
    )
    assert status == 303 and "sign-in" not in location, (status, location)
    for host in (a, b):
        status, location, _ = browser.open(host, "/")
        assert status == 303 and "sign-in" not in location, f"{host.base_url} did not know the session"
        status, _, main_page = browser.open(host, urlsplit(location).path)
        assert status == 200 and advocate.display_name in main_page
    stranger = _Browser().open(b, "/")
    assert urlsplit(stranger[1]).path == "/sign-in", f"a browser without the cookie got {stranger[:2]}"


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
