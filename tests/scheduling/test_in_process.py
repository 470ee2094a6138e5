"""`flask run` (the README's first command) runs the scheduler in-process; other commands don't."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STARTED = "scheduler started in this process"


def _env(database_url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "HOUSING_ENV": "testing", **extra}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_flask_run_starts_the_scheduler_and_runs_the_jobs(app, database_url):
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "housing_service", "run", "--port", str(_free_port())],
        cwd=ROOT,
        env=_env(database_url, SCHEDULER="auto"),
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 60
        wanted = ("job stay_review", "job hold_expiry")
        while time.monotonic() < deadline and not all(any(w in line for line in seen) for w in wanted):
            line = server.stderr.readline()
            if not line:
                break
            seen.append(line)
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = "".join(seen)
    assert STARTED in output
    assert "job stay_review" in output and "job hold_expiry" in output


def test_other_commands_and_switched_off_processes_do_not_start_it(app, database_url):
    routes = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "housing_service", "routes"],
        cwd=ROOT,
        env=_env(database_url, SCHEDULER="auto"),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert STARTED not in routes.stderr
    from housing_service.scheduling.scheduler import start_in_process

    app.config["SCHEDULER"] = "off"
    assert start_in_process(app) is None
