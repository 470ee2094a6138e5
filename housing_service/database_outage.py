"""While the database can't be reached: 503 with Retry-After, never a 500.

A PostgreSQL restart, a failover or a paused PgBouncer is not a fault of the request nor a
bug of the service: the answer says so and when to try again. The engine pings each pooled
connection before lending it (`pool_pre_ping`), so the first requests after the database is
back get fresh connections rather than the dead ones.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# SQLSTATEs of a lost or refused connection: class 08, and the server shutting down or
# starting up (admin_shutdown, crash_shutdown, cannot_connect_now).
_SHUTTING_DOWN = frozenset({"57P01", "57P02", "57P03"})

MESSAGE = (
    "The service can't reach its database just now. Try again in a few seconds. If you were "
    "saving something, check whether it was saved before you send it again."
)


def unreachable(error: BaseException) -> bool:
    """Whether `error` (or the error a 500 wraps) means the database could not be reached."""
    error = getattr(error, "original_exception", None) or error
    if isinstance(error, PoolTimeout):
        return True  # every connection busy for the pool's whole timeout
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, (OperationalError, InterfaceError)) or not hasattr(error.orig, "sqlstate"):
        return False  # SQLite's "database is locked" and the like are not an outage
    state = error.orig.sqlstate
    return state is None or state.startswith("08") or state in _SHUTTING_DOWN
