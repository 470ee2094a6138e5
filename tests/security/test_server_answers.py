"""What every answer says about the service itself: the methods an address takes, and never
the name or version of the software that serves it."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from housing_service.models import Role

ROOT = Path(__file__).resolve().parents[2]


def test_a_405_from_the_api_says_which_methods_the_address_takes(api, make):
    response = api(make.user(Role.ADMIN)).delete("/api/v1/audit-events")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.get_json()["code"] == 405


def test_a_405_from_a_page_says_which_methods_the_address_takes(app: Flask, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    response = app.test_client().put("/sign-in")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _headers(port: int, path: str = "/api/v1/health") -> dict[str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        answer.read()
        return {name.lower(): value for name, value in answer.getheaders()} | {":status": str(answer.status)}
    finally:
        connection.close()


def test_the_development_server_sends_no_server_banner(app: Flask):
    port = _free_port()
    server = make_server("127.0.0.1", port, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        headers = _headers(port)
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert headers[":status"] == "200"
    assert "server" not in headers and "date" in headers


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[int]:
    """gunicorn serving wsgi:app from the repository's root, as the README runs it."""
    port = _free_port()
    env = {
        **os.environ,
        "HOUSING_ENV": "production",
        "SECRET_KEY": "a-production-secret-key-of-enough-length-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'banner.db'}",
        "SCHEDULER": "off",
    }
    command = [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_gunicorn_sends_no_server_banner(gunicorn: int):
    headers = _headers(gunicorn)
    assert headers[":status"] == "200"
    assert "server" not in headers and "date" in headers
