"""Fixtures: one app per session, a clean database per test, factories, signed-in clients.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set; the
schema comes from the migrations, so they are tested on every run.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ["HOUSING_ENV"] = "testing"
os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")
os.environ["ARGON2_TIME_COST"] = "1"
os.environ["ARGON2_MEMORY_KIB"] = "1024"
os.environ["SCHEDULER"] = "off"
# Tests move the clock months ahead of the moment their accounts were made, which would put
# every account past its grace period for two-step sign-in. The suite's coalition requires it
# for nobody; the tests of two-step sign-in turn the requirement on themselves
# (tests/security/test_two_step.py), and test_config.py checks the production default.
os.environ.setdefault("TWO_FACTOR_REQUIRED_ROLES", "")

from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from housing_service import create_app
from housing_service.extensions import db

from .factories import Factory

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
_workdir = Path(tempfile.mkdtemp(prefix="housing-tests-"))
_sqlite_path = _workdir / "test.db"
_sqlite_template = _workdir / "template.db"


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL (TEST_DATABASE_URL)' if POSTGRES_URL else 'SQLite'}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if POSTGRES_URL:
        return
    # Marked tests need PostgreSQL itself (real row locks, advisory locks, concurrency):
    # on SQLite they are reported as skipped with this reason, never as passed.
    reason = "needs PostgreSQL: run with TEST_DATABASE_URL (CI does)"
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def database_url() -> str:
    if POSTGRES_URL:
        from housing_service.config import database_url as normalise

        return normalise(POSTGRES_URL, _workdir)
    return f"sqlite:///{_sqlite_path}"


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    from flask_migrate import upgrade

    application = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SERVER_NAME": "localhost", "HSDS_FEED": True}
    )
    with application.app_context():
        if POSTGRES_URL:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        db.session.remove()
        db.engine.dispose()
        if not POSTGRES_URL:
            shutil.copyfile(_sqlite_path, _sqlite_template)
    yield application
    shutil.rmtree(_workdir, ignore_errors=True)


def _reset_database(application: Flask) -> None:
    from housing_service.services.revision import forget_everything_kept

    # A fresh SQLite copy starts the revision at 0 again: answers kept from an earlier test
    # (matchers, bed board pages) must not be taken for this one's.
    with application.app_context():
        forget_everything_kept()
        db.session.remove()
        if POSTGRES_URL:
            # The coalition's revision keeps counting up across tests, as it does in production.
            kept = ("alembic_version", "coalition_revisions")
            tables = ", ".join(t.name for t in db.metadata.sorted_tables if t.name not in kept)
            with db.engine.begin() as connection:
                # The audit trail refuses TRUNCATE; the tests' owner role lifts that for the reset.
                connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_truncate"))
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
                connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_truncate"))
        else:
            db.engine.dispose()
            for suffix in ("-wal", "-shm"):
                Path(f"{_sqlite_path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(_sqlite_template, _sqlite_path)


@pytest.fixture(autouse=True)
def clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    _reset_database(application)
    yield
    with application.app_context():
        db.session.remove()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An application context for tests that call services directly."""
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def make(app: Flask) -> Factory:
    return Factory(app)


class ApiClient:
    """A test client signed in as one account, speaking JSON."""

    def __init__(self, flask_client: FlaskClient) -> None:
        self.http = flask_client

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        if method not in ("GET", "HEAD") and kwargs.get("json") is None and "data" not in kwargs:
            kwargs["json"] = {}  # API writes say they are JSON, even without a body
        return self.http.open(path, method=method, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self._call("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self._call("POST", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self._call("PUT", path, json=json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self._call("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self._call("DELETE", path, **kwargs)


@pytest.fixture
def api(app: Flask, make: Factory) -> Any:
    """`api(user)` gives a client signed in as `user`; `api(None)` one that is not signed in."""

    def signed_in_as(user: Any) -> ApiClient:
        flask_client = app.test_client()
        if user is not None:
            with flask_client.session_transaction() as session:
                session["_user_id"] = make.session_id(user)
                session["_fresh"] = True
                session["signed_in_at"] = session["confirmed_at"] = __import__("time").time()
        return ApiClient(flask_client)

    return signed_in_as


class Inbox:
    """What a fake SMTP server on 127.0.0.1 received."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(app: Flask) -> Iterator[Inbox]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that the app sends to for this test."""
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {key: app.config[key] for key in ("SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False)
    yield inbox
    app.config.update(saved)
    controller.stop()
