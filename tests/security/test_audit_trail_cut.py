"""The audit trail can't be cut unnoticed: TRUNCATE is refused, a head kept elsewhere proves the
tail, a checkpoint writes that head out, and the app's own role can't lift the guards."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DatabaseError, ProgrammingError

from housing_service import create_app
from housing_service.extensions import db
from housing_service.models import AuditEvent, Role
from housing_service.services import audit
from housing_service.services.audit import entry_hash

from ..conftest import POSTGRES_URL
from .test_audit import _ids, _some_history

postgres_only = pytest.mark.postgres_only
HEAD = re.compile(r"--expect (\d+:[0-9a-f]{64})")


@contextmanager
def _owner_with_triggers_disabled(app) -> Iterator[Connection]:
    """What the tables' owner can do: lift the append-only triggers, change rows, restore them."""
    with app.app_context(), db.engine.begin() as connection:
        if POSTGRES_URL:
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            triggers = connection.execute(
                text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'"
                )
            ).all()
            assert triggers
            for name, _sql in triggers:
                connection.execute(text(f"DROP TRIGGER {name}"))
        yield connection
        if POSTGRES_URL:
            connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
        else:
            for _name, sql in triggers:
                connection.execute(text(sql))


def _verify(app, *expectations: str):
    args = ["audit-verify"]
    for expectation in expectations:
        args += ["--expect", expectation]
    return app.test_cli_runner().invoke(args=args)


def _head(app) -> str:
    """The head as an operator keeps it: the line audit-verify prints."""
    result = _verify(app)
    assert result.exit_code == 0, result.output
    return HEAD.search(result.output).group(1)


@postgres_only
def test_truncate_is_refused(app, api, make):
    _some_history(api, make)
    before = _ids(app)
    with (
        app.app_context(),
        pytest.raises(DatabaseError, match="append-only"),
        db.engine.begin() as connection,
    ):
        connection.execute(text("TRUNCATE audit_events"))
    assert _ids(app) == before
    assert _verify(app).exit_code == 0


@postgres_only
def test_truncate_through_a_cascade_is_refused_too(app, api, make):
    _some_history(api, make)
    with (
        app.app_context(),
        pytest.raises(DatabaseError, match="append-only"),
        db.engine.begin() as connection,
    ):
        connection.execute(text("TRUNCATE users CASCADE"))
    assert len(_ids(app)) >= 3


def test_a_head_recorded_earlier_still_verifies(app, api, make):
    _some_history(api, make)
    head = _head(app)
    api(make.user(Role.ADMIN)).post("/api/v1/areas", json={"name": "Hillside"})
    result = _verify(app, head)
    assert result.exit_code == 0, result.output
    assert f"It still holds entry id {head.split(':')[0]} with the expected hash." in result.output


def test_expect_catches_a_tail_cut_by_the_owner_with_the_triggers_disabled(app, api, make):
    _some_history(api, make)
    head = _head(app)
    kept = _ids(app)[:-2]
    # The owner disables the triggers, deletes the last two entries and enables them again.
    with _owner_with_triggers_disabled(app) as connection:
        connection.execute(text("DELETE FROM audit_events WHERE id > :last"), {"last": kept[-1]})
    assert _verify(app).exit_code == 0  # the chain alone can't tell: what is left is intact
    result = _verify(app, head)
    assert result.exit_code == 1
    assert f"the trail ends at entry id {kept[-1]}, before entry id {head.split(':')[0]}" in result.output
    assert "CUT OR REWRITTEN" in result.output


def test_expect_catches_a_trail_rehashed_after_a_change(app, api, make):
    _some_history(api, make)
    head = _head(app)
    first = _ids(app)[0]
    # The owner changes an entry and recomputes every hash after it: the chain verifies again.
    with app.app_context():
        rows = db.session.scalars(select_all()).all()
        entries = [(row.id, _fields(row)) for row in rows]
        db.session.rollback()
    previous = "0" * 64
    with _owner_with_triggers_disabled(app) as connection:
        for entry_id, fields in entries:
            if entry_id == first:
                fields["actor_id"] = None
            digest = entry_hash(previous, fields)
            connection.execute(
                text(
                    "UPDATE audit_events SET actor_id = :actor, previous_hash = :previous, "
                    "entry_hash = :digest WHERE id = :id"
                ),
                {"actor": fields["actor_id"], "previous": previous, "digest": digest, "id": entry_id},
            )
            previous = digest
    assert _verify(app).exit_code == 0
    result = _verify(app, head)
    assert result.exit_code == 1
    assert f"entry id {head.split(':')[0]} has hash {previous}" in result.output


def select_all():
    return select(AuditEvent).order_by(AuditEvent.id)


def _fields(row: AuditEvent) -> dict:
    return {
        "occurred_at": row.occurred_at,
        "actor_id": row.actor_id,
        "action": row.action,
        "record_type": row.record_type,
        "record_id": row.record_id,
        "address": row.address,
        "details": row.details,
    }


def test_an_empty_trail_fails_any_expectation(app):
    result = _verify(app, f"1:{'a' * 64}")
    assert result.exit_code == 1
    assert "the trail is empty, but entry id 1 was recorded earlier" in result.output


def test_an_expectation_that_is_not_id_and_hash_is_refused(app):
    result = _verify(app, "12:not-a-hash")
    assert result.exit_code == 2 and "is not ID:HASH" in result.output


def test_the_checkpoint_logs_the_head_and_mails_it_to_active_admins(app, api, make, smtp, caplog):
    _some_history(api, make)  # one admin, one case manager
    retired = make.user(Role.ADMIN, email="retired@example.org")
    with app.app_context():
        retired = db.session.merge(retired)
        retired.active = False
        db.session.commit()
    head = _head(app)
    caplog.set_level(logging.INFO, logger="housing_service.services.audit_checkpoint")
    result = app.test_cli_runner().invoke(args=["run-job", "audit_checkpoint"])
    assert result.exit_code == 0, result.output
    assert any(head in record.getMessage() for record in caplog.records)
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] != "retired@example.org"
    assert f"audit-verify --expect {head}" in message.get_content()
    # What the email says holds when checked.
    assert _verify(app, head).exit_code == 0


def test_the_checkpoint_without_smtp_only_logs(app, api, make, caplog):
    _some_history(api, make)
    head = _head(app)
    caplog.set_level(logging.INFO, logger="housing_service.services.audit_checkpoint")
    from housing_service.scheduling.runner import run_job

    with app.app_context():
        report = run_job("audit_checkpoint", datetime(2027, 3, 10, 20, tzinfo=UTC))
    assert report.ran and report.outcome.records_changed == 0
    assert any(head in record.getMessage() for record in caplog.records)


def test_grant_app_role_explains_that_sqlite_has_no_roles(app):
    if POSTGRES_URL:
        pytest.skip("the SQLite answer; PostgreSQL is tested below")
    result = app.test_cli_runner().invoke(args=["db", "grant-app-role", "housing_app"])
    assert result.exit_code == 1 and "SQLite has no roles" in result.output


@pytest.fixture
def app_role(app):
    """A fresh PostgreSQL role set up by `db grant-app-role`, dropped afterwards."""
    name = f"housing_app_{uuid.uuid4().hex[:8]}"
    result = app.test_cli_runner().invoke(args=["db", "grant-app-role", name])
    assert result.exit_code == 0, result.output
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(username=name, password=None)
    yield url.render_as_string(hide_password=False)
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text(f"DROP OWNED BY {name}"))
        connection.execute(text(f"DROP ROLE {name}"))


@postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
        "ALTER TABLE audit_events DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_events_no_truncate ON audit_events",
        "TRUNCATE audit_events",
        "DELETE FROM audit_events",
        "UPDATE audit_events SET action = 'nothing.happened'",
        "UPDATE audit_events SET action = 'nothing.happened', entry_hash = NULL, previous_hash = NULL",
    ],
)
def test_the_app_role_cannot_lift_the_guards_or_cut_the_trail(app, api, make, app_role, statement):
    _some_history(api, make)
    engine = create_engine(app_role)
    try:
        with pytest.raises(ProgrammingError, match=r"must be owner|permission denied"), engine.begin() as c:
            c.execute(text(statement))
    finally:
        engine.dispose()
    assert _verify(app).exit_code == 0 and len(_ids(app)) >= 3


@postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET entry_hash = repeat('a', 64), previous_hash = repeat('b', 64)",
        "UPDATE audit_events SET entry_hash = NULL, previous_hash = NULL",
    ],
)
def test_the_app_role_cannot_change_a_sealed_entrys_hashes(app, api, make, app_role, statement):
    _some_history(api, make)  # sealed
    engine = create_engine(app_role)
    try:
        with pytest.raises(DatabaseError, match="audit_events is append-only"), engine.begin() as c:
            c.execute(text(statement))
    finally:
        engine.dispose()
    assert _verify(app).exit_code == 0 and len(_ids(app)) >= 3


@postgres_only
def test_the_app_runs_as_the_app_role(app, make, app_role):
    manager = make.user(Role.CASE_MANAGER)
    as_role = create_app({"SQLALCHEMY_DATABASE_URI": app_role, "SERVER_NAME": "localhost"})
    browser = as_role.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = make.session_id(manager)
        session["signed_in_at"] = time.time()
    try:
        created = browser.post("/api/v1/clients", json={"age_group": "adult"})
        assert created.status_code == 201, created.get_json()
        assert browser.get(f"/api/v1/clients/{created.get_json()['id']}").status_code == 200
        with as_role.app_context():  # the role's scheduler seals what its requests wrote
            assert audit.seal(db.engine) == audit.Sealed(sealed=2, waiting=0)
    finally:
        with as_role.app_context():
            db.session.remove()
            db.engine.dispose()
    assert make.count(AuditEvent, action="client.read") == 1
    assert _verify(app).exit_code == 0


@postgres_only
def test_grant_app_role_refuses_a_role_that_could_lift_the_guards(app):
    # The tests connect as a superuser that owns the tables: the app must not run as it.
    with app.app_context():
        current = db.session.scalar(text("SELECT current_user"))
        db.session.rollback()
    result = app.test_cli_runner().invoke(args=["db", "grant-app-role", current])
    assert result.exit_code == 1 and "could disable the audit trail's triggers" in result.output
