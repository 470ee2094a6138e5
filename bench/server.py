"""The production server for a benchmark: gunicorn serving wsgi:app on 127.0.0.1, and its memory.

Needs gunicorn and psutil (both in the test extra): pip install -e '.[test]'.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

REPOSITORY = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running gunicorn master (started by us) and how to reach it."""

    process: subprocess.Popen[bytes]
    base_url: str
    workers: int
    log_path: Path
    database_url: str | None = None

    def worker_pids(self) -> list[int]:
        import psutil

        try:
            return [child.pid for child in psutil.Process(self.process.pid).children()]
        except psutil.NoSuchProcess:
            return []

    def settle(self, timeout: float = 120, idle_percent: float = 5.0) -> float:
        """Wait until the workers are idle: wrk has stopped, but they may still be answering
        requests it had sent, which would weigh on the next load. Idle means little CPU in the
        workers and no query of theirs running in the database. Returns the seconds waited."""
        import psutil

        started = time.monotonic()
        workers = [psutil.Process(pid) for pid in self.worker_pids()]
        for worker in workers:
            worker.cpu_percent(None)
        quiet = 0
        while time.monotonic() - started < timeout:
            time.sleep(0.5)
            busy = sum(worker.cpu_percent(None) for worker in workers)
            quiet = quiet + 1 if busy < idle_percent * len(workers) and self._queries_running() == 0 else 0
            if quiet >= 2:
                break
        return time.monotonic() - started

    def _queries_running(self) -> int:
        """Queries of the workers' database sessions still running (0 if it can't tell)."""
        if self.database_url is None:
            return 0
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()"
                " AND backend_type = 'client backend'"
            ).fetchone()[0]

    def stop(self) -> None:
        """Stop the master we started (it stops its workers), by its own pid."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start(
    database_url: str,
    *,
    workers: int,
    worker_class: str,
    threads: int,
    timezone: str,
    log_path: Path,
    app_dir: Path = REPOSITORY,
    extra_env: dict[str, str] | None = None,
    app_spec: str = "wsgi:app",
) -> Server:
    """gunicorn wsgi:app in production mode, with a fresh SECRET_KEY and the scheduler off
    (or, with `app_spec`, another app on the same settings: bench/bare_app.py)."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ARGON2_", "TEST_DATABASE", "PYTEST"))
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "HOUSING_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "SCHEDULER": "off",
            "COALITION_TIMEZONE": timezone,
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(app_dir),
            **(extra_env or {}),
        }
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app_spec,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--timeout",
        "60",
        "--log-level",
        "warning",
        "--chdir",
        str(app_dir),
    ]
    log = log_path.open("wb")
    process = subprocess.Popen(  # noqa: S603 - gunicorn, with arguments we built
        command, cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    server = Server(process, f"http://127.0.0.1:{port}", workers, log_path, database_url)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}); see {log_path}")
        try:
            with urllib.request.urlopen(f"{server.base_url}/api/v1/health", timeout=2) as answer:  # noqa: S310
                if answer.status == 200 and len(server.worker_pids()) >= workers:
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer within 60 s; see {log_path}")


def peak_rss_bytes(pid: int) -> int | None:
    """The kernel's high-water mark of a process's resident memory (Linux VmHWM)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@dataclass
class MemorySampler:
    """Samples every worker's RSS (psutil) while a load runs; keeps each worker's maximum."""

    pids: list[int]
    interval: float = 0.1
    peaks: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> MemorySampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()

    def _sample(self) -> None:
        import psutil

        for pid in self.pids:
            try:
                rss = psutil.Process(pid).memory_info().rss
            except psutil.NoSuchProcess:
                continue
            self.peaks[pid] = max(self.peaks.get(pid, 0), rss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)
