"""The service behind PgBouncer in transaction mode (`DATABASE_POOLER=on`): holds, the race for
a bed, and the audit sealer all work when every transaction may run on another server
connection. Needs the `pgbouncer` binary (Debian: `apt-get install pgbouncer`); skipped with
that reason without it, failed when REQUIRE_PGBOUNCER=1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url

from housing_service import clock, create_app
from housing_service.extensions import db
from housing_service.models import Role
from housing_service.services import audit

from .test_concurrency import OVERLAPS

pytestmark = pytest.mark.postgres_only

# Server connections taken in turn (server_round_robin), so that consecutive transactions of
# one client run on different ones, as they do under load.
SERVER_CONNECTIONS = 3


def _binary() -> str | None:
    return shutil.which("pgbouncer") or next(
        (path for path in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if Path(path).exists()), None
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def pooled_app(app) -> Iterator[Flask]:
    binary = _binary()
    if binary is None:
        if os.environ.get("REQUIRE_PGBOUNCER") == "1":
            pytest.fail("pgbouncer is not installed and REQUIRE_PGBOUNCER=1")
        pytest.skip("pgbouncer is not installed (Debian: apt-get install pgbouncer)")
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    port = _free_port()
    workdir = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    (workdir / "users.txt").write_text(f'"{url.username}" ""\n')
    (workdir / "pgbouncer.ini").write_text(
        f"""[databases]
housing = host={url.host or "127.0.0.1"} port={url.port or 5432} dbname={url.database} user={url.username}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {workdir / "users.txt"}
pool_mode = transaction
server_round_robin = 1
default_pool_size = {SERVER_CONNECTIONS}
max_client_conn = 200
logfile = {workdir / "pgbouncer.log"}
pidfile = {workdir / "pgbouncer.pid"}
"""
    )
    command = [binary, str(workdir / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        shutil.chown(workdir, "postgres")
        for path in workdir.iterdir():
            shutil.chown(path, "postgres")
        command[1:1] = ["-u", "postgres"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(
                    f"pgbouncer did not start: {process.stderr.read().decode() if process.stderr else ''}"
                )
            time.sleep(0.1)
    # Open every server connection now, and keep their clients connected (idle): each
    # transaction below then hops between them.
    warm = [
        psycopg.connect(f"host=127.0.0.1 port={port} dbname=housing user={url.username}")
        for _ in range(SERVER_CONNECTIONS)
    ]
    for connection in warm:
        connection.execute("SELECT 1")
    for connection in warm:
        connection.commit()
    pooled_url = url.set(host="127.0.0.1", port=port, database="housing")
    application = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": pooled_url.render_as_string(hide_password=False),
            "SERVER_NAME": "localhost",
            "DATABASE_POOLER": True,
        }
    )
    try:
        yield application
    finally:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
        for connection in warm:
            connection.close()
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def _bearer(api, user) -> dict[str, str]:
    token = api(user).post("/api/v1/tokens", json={"name": "load"}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_holds_through_pgbouncer_in_transaction_mode(app, api, make, pooled_app):
    advocate = make.user(Role.ADVOCATE)
    headers = _bearer(api, advocate)
    site = make.site()
    beds = [make.space(site) for _ in range(12)]
    survivors = [make.client(advocates=(advocate,)) for _ in range(12)]
    today = str(clock.local_date(clock.now(), pooled_app.config["COALITION_TIMEZONE"]))
    http = pooled_app.test_client()
    # Each statement runs more often than psycopg's prepare threshold (5): with prepared
    # statements on, one made on one server connection is missing on the next.
    for survivor, bed in zip(survivors, beds, strict=True):
        answer = http.post(
            "/api/v1/holds",
            json={"client_id": survivor.id, "space_id": bed.id, "starts_on": today},
            headers=headers,
        )
        assert answer.status_code == 201, answer.get_json()
        assert http.get(f"/api/v1/holds/{answer.get_json()['id']}", headers=headers).status_code == 200
    with pooled_app.app_context():
        assert audit.seal(pooled_app.extensions["sqlalchemy"].engine).waiting == 0
        verified = audit.verify_chain(db.session)
        db.session.rollback()
    assert verified.broken is None and verified.checked >= 24


def test_a_race_for_a_few_beds_through_pgbouncer_books_each_once(app, api, make, pooled_app):
    advocate = make.user(Role.ADVOCATE)
    headers = _bearer(api, advocate)
    site = make.site()
    beds = [make.space(site) for _ in range(4)]
    survivors = [make.client(advocates=(advocate,)) for _ in range(16)]
    today = str(clock.local_date(clock.now(), pooled_app.config["COALITION_TIMEZONE"]))
    start = threading.Barrier(len(survivors))
    statuses: list[int] = [0] * len(survivors)

    def race(index: int) -> None:
        body = {"client_id": survivors[index].id, "space_id": beds[index % len(beds)].id, "starts_on": today}
        client = pooled_app.test_client()
        start.wait()
        statuses[index] = client.post("/api/v1/holds", json=body, headers=headers).status_code

    threads = [threading.Thread(target=race, args=(index,)) for index in range(len(survivors))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert Counter(statuses) == {201: len(beds), 409: len(survivors) - len(beds)}
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text(OVERLAPS)).scalar() == 0
