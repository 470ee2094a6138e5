"""Counting the statements the app sends: the hot paths' round trips, held by tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from housing_service.extensions import db

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def statements_sent(app, *, transaction_control: bool = True) -> Iterator[list[str]]:
    """Each statement sent while inside, shortened to one line (without BEGIN, COMMIT,
    savepoints and the like unless `transaction_control`)."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        if transaction_control or not statement.startswith(TRANSACTION_CONTROL):
            seen.append(" ".join(statement.split())[:120])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)
