"""The sealer chains audit entries written without a lock, in id order, and never skips one that
commits late (PostgreSQL; SQLite chains each entry as it is written). See services/audit.py."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from housing_service.extensions import db
from housing_service.models import Role
from housing_service.services import audit

pytestmark = pytest.mark.postgres_only
_names = itertools.count()

ENTRY = (
    "INSERT INTO audit_events (occurred_at, actor_id, action, record_type, record_id, address, details) "
    "VALUES (now(), NULL, :action, 'test', NULL, NULL, '{}') RETURNING id"
)


@contextmanager
def open_transaction(app) -> Iterator[Connection]:
    """A second connection whose transaction stays open until the block ends (then commits)."""
    with app.app_context():
        engine = db.engine
    with engine.connect() as connection:
        connection.begin()
        yield connection
        if connection.in_transaction():
            connection.commit()


def _history(api, make, areas: int = 3) -> None:
    admin = make.user(Role.ADMIN)
    for _ in range(areas):
        name = f"Area {next(_names)}"
        assert api(admin).post("/api/v1/areas", json={"name": name}).status_code == 201


def _seal(app, wait_seconds: float = 2.0) -> audit.Sealed:
    with app.app_context():
        return audit.seal(db.engine, wait_seconds=wait_seconds)


def _rows(app) -> list[tuple[int, str | None]]:
    with app.app_context(), db.engine.connect() as connection:
        return [
            tuple(row) for row in connection.execute(text("SELECT id, action FROM audit_events ORDER BY id"))
        ]


def _verified(app) -> audit.Verified:
    with app.app_context():
        verified = audit.verify_chain(db.session)
        db.session.rollback()
        return verified


def _unsealed(app) -> list[int]:
    with app.app_context(), db.engine.connect() as connection:
        return list(
            connection.scalars(text("SELECT id FROM audit_events WHERE entry_hash IS NULL ORDER BY id"))
        )


def test_entries_are_written_unsealed_and_the_sealer_chains_them_in_order(app, api, make):
    _history(api, make)
    written = [entry_id for entry_id, _action in _rows(app)]
    assert _unsealed(app) == written  # no lock, no chain at write time
    assert _seal(app) == audit.Sealed(sealed=len(written), waiting=0)
    assert _verified(app) == audit.Verified(checked=len(written), broken=None, waiting=0)
    assert _seal(app) == audit.Sealed(sealed=0, waiting=0)  # sealing twice changes nothing


def test_a_transaction_that_commits_late_is_never_skipped(app, api, make):
    """The ordering hole: id N is written first, N+1.. commit before it. The sealer waits for N."""
    with open_transaction(app) as late:
        late_id = late.scalar(text(ENTRY), {"action": "test.late"})
        _history(api, make)  # higher ids, committed while the late one is still open
        after = [entry_id for entry_id, _action in _rows(app)]
        assert after and min(after) > late_id
        # Its id was handed out, its transaction is open: nothing past it may be sealed.
        assert _seal(app, wait_seconds=0.3) == audit.Sealed(sealed=0, waiting=len(after))
        assert _unsealed(app) == after
    # Committed now: sealed in id order, the late entry first.
    assert _seal(app) == audit.Sealed(sealed=len(after) + 1, waiting=0)
    assert [entry_id for entry_id, _action in _rows(app)] == [late_id, *after]
    assert _verified(app) == audit.Verified(checked=len(after) + 1, broken=None, waiting=0)


def test_the_sealer_waits_for_a_transaction_that_commits_while_it_looks(app, api, make):
    sealed: list[audit.Sealed] = []
    with open_transaction(app) as late:
        late.scalar(text(ENTRY), {"action": "test.late"})
        _history(api, make, areas=2)
        sealer = threading.Thread(target=lambda: sealed.append(_seal(app, wait_seconds=10)))
        sealer.start()
        time.sleep(0.3)
        assert sealer.is_alive()  # waiting for the open transaction
    sealer.join(timeout=10)
    entries = len(_rows(app))
    assert sealed == [audit.Sealed(sealed=entries, waiting=0)]
    assert _verified(app).checked == entries


def test_an_entry_rolled_back_leaves_a_gap_the_sealer_steps_over(app, api, make):
    with open_transaction(app) as rolled_back:
        gap = rolled_back.scalar(text(ENTRY), {"action": "test.never"})
        rolled_back.rollback()
    _history(api, make, areas=2)
    entries = [entry_id for entry_id, _action in _rows(app)]
    assert gap not in entries and min(entries) > gap
    assert _seal(app, wait_seconds=0.3).sealed == len(entries)
    assert _verified(app) == audit.Verified(checked=len(entries), broken=None, waiting=0)


def test_a_transaction_that_writes_no_entry_does_not_hold_the_sealer_up(app, api, make):
    _history(api, make, areas=2)
    with open_transaction(app) as unrelated:
        unrelated.execute(text("UPDATE areas SET name = name || ' (renamed)'"))  # has an xid, no entry
        began = time.monotonic()
        assert _seal(app, wait_seconds=5).sealed == len(_rows(app))
        assert time.monotonic() - began < 2


def test_writers_never_wait_for_each_other(app):
    """Two transactions append at once: the second commits while the first is still open."""
    with open_transaction(app) as first:
        first.scalar(text(ENTRY), {"action": "test.first"})
        with open_transaction(app) as second:
            second.execute(text("SET LOCAL lock_timeout = '200ms'"))
            second.scalar(text(ENTRY), {"action": "test.second"})  # would time out if it queued
    assert len(_rows(app)) == 2


def test_two_sealers_at_once_seal_each_entry_once(app, api, make):
    _history(api, make, areas=6)
    results: list[audit.Sealed] = []
    sealers = [threading.Thread(target=lambda: results.append(_seal(app))) for _ in range(2)]
    for sealer in sealers:
        sealer.start()
    for sealer in sealers:
        sealer.join(timeout=20)
    entries = len(_rows(app))
    assert sum(result.sealed for result in results) == entries
    assert _verified(app) == audit.Verified(checked=entries, broken=None, waiting=0)


def test_audit_verify_says_how_many_entries_wait(app, api, make):
    _history(api, make, areas=1)
    with open_transaction(app) as late:
        late.scalar(text(ENTRY), {"action": "test.late"})
        _history(api, make, areas=2)
        waiting = len(_rows(app))  # every committed entry: the late one's id comes first
        result = app.test_cli_runner().invoke(args=["audit-verify"])
    assert result.exit_code == 0, result.output
    assert f"{waiting} newer entries wait to be sealed" in result.output
    assert "Audit trail intact: 0 entries verified." in result.output


def test_an_unsealed_entry_before_a_sealed_one_breaks_the_chain(app, api, make):
    """An entry slipped in below the sealed head (by the owner, with an id of their choosing)."""
    _history(api, make, areas=2)
    _seal(app)
    first = _rows(app)[0][0]
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_events (id, occurred_at, action, record_type, details) "
                "VALUES (:id, now(), 'test.slipped_in', 'test', '{}')"
            ),
            {"id": first - 1 if first > 1 else 0},
        )
    result = app.test_cli_runner().invoke(args=["audit-verify"])
    assert result.exit_code == 1 and "BROKEN at entry id" in result.output


def test_every_scheduler_process_seals_every_few_seconds(app, api, make):
    from apscheduler.schedulers.background import BackgroundScheduler

    from housing_service.scheduling.scheduler import configure

    job = configure(BackgroundScheduler(timezone="UTC"), app).get_job("audit_seal")
    assert job.trigger.interval.total_seconds() == app.config["AUDIT_SEAL_SECONDS"] == 5
    _history(api, make, areas=1)
    assert _unsealed(app)
    job.func(*job.args)
    assert _unsealed(app) == []
