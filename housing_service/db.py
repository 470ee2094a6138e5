"""The declarative base, UTC timestamps, and the two databases' transaction behaviour."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import Enum as PyEnum
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Date, DateTime, Dialect, Enum, Integer, MetaData, event, type_coerce
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session, object_session, registry
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=PyEnum)

# Stable constraint names, so that migrations and error handling can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both databases (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EnumSet(TypeDecorator[frozenset[E]]):
    """A set of enum members stored as an integer bit mask, filterable in SQL on both databases.

    Bits follow the enum's definition order: add members at the end, never reorder.
    """

    impl = Integer
    cache_ok = True

    def __init__(self, enum_class: type[E]) -> None:
        super().__init__()
        self.enum_class = enum_class
        self.bits = {member: 1 << index for index, member in enumerate(enum_class)}

    def mask(self, members: frozenset[E] | set[E] | list[E] | tuple[E, ...]) -> int:
        return sum(self.bits[self.enum_class(m)] for m in set(members))

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else self.mask(value)

    def process_result_value(self, value: int | None, dialect: Dialect) -> frozenset[E] | None:
        if value is None:
            return None
        return frozenset(member for member, bit in self.bits.items() if value & bit)


def has_all(column: Any, members: frozenset[Any] | set[Any]) -> ColumnElement[bool]:
    """SQL: the EnumSet column holds every one of `members`."""
    mask = column.type.mask(members)
    return type_coerce(column, Integer).op("&")(mask) == mask


def has_any(column: Any, members: frozenset[Any] | set[Any]) -> ColumnElement[bool]:
    """SQL: the EnumSet column holds at least one of `members`."""
    return type_coerce(column, Integer).op("&")(column.type.mask(members)) != 0


def enum_type(enum_class: type[PyEnum], name: str) -> Enum:
    """A string column holding an enum's values, with a CHECK constraint on both databases."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy emit BEGIN itself (pysqlite's own handling breaks SAVEPOINT).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


@event.listens_for(Engine, "connect")
def _utc_on_postgresql(dbapi_connection: Any, _record: Any) -> None:
    # Timestamps rendered as text are in UTC. Directly, the start-up `options` say so; behind
    # PgBouncer (which refuses them) a SET does, and PgBouncer repeats it on every server
    # connection it lends this client.
    status = getattr(getattr(dbapi_connection, "info", None), "parameter_status", None)
    if status is None or status("TimeZone") == "UTC":
        return
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.commit()


@event.listens_for(Engine, "begin")
def _serialise_sqlite_writes(connection: Connection) -> None:
    # SQLite has no exclusion constraints and no row locks: every transaction takes the
    # write lock up front, so the overlap triggers always see committed bookings.
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_for_change(record: Any) -> None:
    """Re-read a record and keep it locked until commit, before changing its state.

    Two people acting on one hold or stay at once (a check-in and a release) then take
    turns, and the second sees what the first did instead of overwriting it. PostgreSQL:
    SELECT ... FOR UPDATE; SQLite serialises every write transaction anyway.
    """
    session = object_session(record)
    if session is not None:
        session.refresh(record, with_for_update=True)


def violated_constraint(error: IntegrityError) -> str:
    """The name of the constraint (PostgreSQL) or the message (SQLite) behind an error."""
    diag = getattr(error.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return name or str(error.orig)


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """Run a block in a SAVEPOINT, so a refused write leaves the outer transaction usable."""
    with session.begin_nested():
        yield


class plus_days(FunctionElement[date]):
    """SQL: a date plus a whole number of days, on both databases."""

    type = Date()
    inherit_cache = True


@compiles(plus_days, "postgresql")
def _plus_days_postgresql(element: plus_days, compiler: Any, **kw: Any) -> str:
    day, days = list(element.clauses)
    return f"(CAST({compiler.process(day, **kw)} AS DATE) + CAST({compiler.process(days, **kw)} AS INTEGER))"


@compiles(plus_days, "sqlite")
def _plus_days_sqlite(element: plus_days, compiler: Any, **kw: Any) -> str:
    day, days = list(element.clauses)
    return f"date({compiler.process(day, **kw)}, ({compiler.process(days, **kw)}) || ' days')"


def insert_ignoring_duplicates(session: Session, table: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for the session's database: the unique index decides."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()


def count_inserted(session: Session, statement: Any) -> int:
    """Execute an INSERT and return how many rows it wrote (skipped duplicates not counted)."""
    # SQLAlchemy keeps the row count of INSERTs only when asked to.
    return session.execute(statement, execution_options={"preserve_rowcount": True}).rowcount or 0
