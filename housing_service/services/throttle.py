"""Slowing down password guessing without ever locking a real person out.

Every attempt whose password was checked is kept in `sign_in_attempts`. Before the next
check, two rules, each over the failures of the last day, may ask for a wait that doubles
with every further failure, up to a ceiling; nothing is ever locked for good, and a wait
always ends:

- the account from this address: failures for this email from this address since the
  last success there. The same person at another address is never slowed by it, so an
  attacker elsewhere can't keep a real user out;
- the address: failures from this address for any email (password spraying, credential
  stuffing). It spares a person who has signed in from this address before, so one bad
  actor behind a shared office or mobile address does not delay colleagues.

- a known device: a browser that carries a device cookie for this account (OWASP's "device
  cookie" pattern, see devices.py) is judged by its own failures only. Nobody else's
  failures, at this address or any other, ever delay it, and while it stays trusted its
  password is always checked. Its own failures stop counting as "known" after
  DEVICE_TRUSTED_FAILURES in a day (a stolen cookie gets no unlimited guesses): from then
  on it is treated like any other browser, by the two rules above.

Failures at one address never delay anyone at another. An attack on one account spread
over many addresses is slowed per address only; the password rules (12 characters at
least) and argon2's cost carry the rest, and every refusal is in the audit trail.

A refused attempt (answered 429 while a wait runs) is audited but not counted as a
failure: hammering during a wait must not stretch it, or the wait would never end.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select, text

from ..errors import NotSignedIn
from ..extensions import db
from ..models import SignInAttempt

WINDOW = timedelta(hours=24)
# A person who signed in from an address within this time is "known" there.
KNOWN_ADDRESS_FOR = timedelta(days=90)
UNKNOWN_ADDRESS = "unknown"
_LOCK_CLASS_ADDRESS, _LOCK_CLASS_EMAIL = 7_460_101, 7_460_102


@dataclass(frozen=True)
class Rule:
    """Failures allowed without waiting, the first wait, and the longest wait (seconds)."""

    name: str
    free_failures: int
    first_wait: int
    longest_wait: int

    def wait_after(self, failures: int) -> int:
        """Seconds to wait after the last of `failures` failures before the next check."""
        beyond = failures - self.free_failures
        if beyond < 0:
            return 0
        return min(self.longest_wait, self.first_wait * 2 ** min(beyond, 30))


# Three tries, then 1 s, 2 s, 4 s ... up to 15 minutes between tries.
ACCOUNT_AT_ADDRESS = Rule("account_at_address", free_failures=3, first_wait=1, longest_wait=15 * 60)
# An office's typos stay well under 30 a day; spraying many accounts does not.
ADDRESS = Rule("address", free_failures=30, first_wait=1, longest_wait=5 * 60)
# A person's own typos on their own browser stay well under ten a day.
DEVICE_TRUSTED_FAILURES = 10


class SignInThrottled(NotSignedIn):
    """Too many failed sign-ins: the next try is welcome after `retry_after` seconds."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many unsuccessful sign-ins. Please wait {_in_words(retry_after)} and try again."
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class Wait:
    seconds: int
    rule: str


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def normalise_email(email: str) -> str:
    """The email as the attempts table keeps it: trimmed, lower-cased, at most 254 characters."""
    return email.strip().lower()[:254]


def _normalise_address(address: str | None) -> str:
    return (address or UNKNOWN_ADDRESS)[:64]


def _failures(where: ColumnElement[bool], since: datetime) -> tuple[int, datetime | None]:
    """How many failed checks match `where` after `since`, and when the last one was."""
    count, last = db.session.execute(
        select(func.count(SignInAttempt.id), func.max(SignInAttempt.attempted_at)).where(
            where, SignInAttempt.attempted_at > since, SignInAttempt.succeeded.is_(False)
        )
    ).one()
    return count or 0, _aware(last)


def _last_success(where: ColumnElement[bool], since: datetime) -> datetime | None:
    return _aware(
        db.session.scalar(
            select(func.max(SignInAttempt.attempted_at)).where(
                where, SignInAttempt.attempted_at > since, SignInAttempt.succeeded.is_(True)
            )
        )
    )


def _aware(moment: datetime | None) -> datetime | None:
    # Aggregates (max) bypass the column type on SQLite, which keeps no offset.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _serialise_attempts(email: str, address: str) -> None:
    """On PostgreSQL, concurrent attempts for one address or one email take turns.

    Without this, a burst of parallel guesses would all read the same count before any
    is recorded. SQLite needs nothing: every write transaction there is serialised.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for lock_class, value in ((_LOCK_CLASS_ADDRESS, address), (_LOCK_CLASS_EMAIL, email)):
        key = zlib.crc32(value.encode()) - 2**31  # fits PostgreSQL's int4
        db.session.execute(text("SELECT pg_advisory_xact_lock(:c, :k)"), {"c": lock_class, "k": key})


def is_trusted_device(device: str, now: datetime) -> bool:
    """A known device stays trusted until too many of its own checks failed since its last success."""
    same_device = SignInAttempt.device == device
    success = _last_success(same_device, now - WINDOW)
    failures, _ = _failures(same_device, max(now - WINDOW, success) if success else now - WINDOW)
    return failures < DEVICE_TRUSTED_FAILURES


def wait_before_attempt(
    email: str, address: str | None, now: datetime, device: str | None = None
) -> Wait | None:
    """How long this email, from this address (and this device, if known), must still wait.

    `device` is the nonce of a valid device cookie for this email (devices.py), or None.
    """
    email, address = normalise_email(email), _normalise_address(address)
    _serialise_attempts(email, address)
    if device is not None and is_trusted_device(device, now):
        return None
    since = now - WINDOW
    same_email, same_address = SignInAttempt.email == email, SignInAttempt.address == address
    pair = and_(same_email, same_address)
    pair_success = _last_success(pair, now - KNOWN_ADDRESS_FOR)

    waits: list[tuple[int, datetime, str]] = []
    failures, last = _failures(pair, max(since, pair_success) if pair_success else since)
    if last is not None:
        waits.append((ACCOUNT_AT_ADDRESS.wait_after(failures), last, ACCOUNT_AT_ADDRESS.name))
    if pair_success is None:
        failures, last = _failures(same_address, since)
        if last is not None:
            waits.append((ADDRESS.wait_after(failures), last, ADDRESS.name))

    longest: Wait | None = None
    for seconds, last_failure, rule in waits:
        remaining = math.ceil((last_failure + timedelta(seconds=seconds) - now).total_seconds())
        if remaining > 0 and (longest is None or remaining > longest.seconds):
            longest = Wait(remaining, rule)
    return longest


def record_attempt(
    email: str, address: str | None, succeeded: bool, now: datetime, device: str | None = None
) -> None:
    """Keep a checked attempt (in the caller's transaction, kept even when the answer is 401)."""
    db.session.add(
        SignInAttempt(
            email=normalise_email(email),
            address=_normalise_address(address),
            succeeded=succeeded,
            attempted_at=now,
            device=device,
        )
    )
    db.session.flush()


def forget_old_attempts(now: datetime) -> int:
    """Delete attempts older than any rule looks at (for the scheduler); returns how many.

    They name staff accounts and addresses: kept no longer than they serve.
    """
    table = SignInAttempt.__table__
    result = db.session.execute(table.delete().where(table.c.attempted_at < now - KNOWN_ADDRESS_FOR))
    return result.rowcount or 0
