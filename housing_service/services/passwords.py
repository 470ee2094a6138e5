"""Password hashing with argon2id. Passwords are never logged, stored or returned."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MINIMUM_LENGTH = 12
_hasher = PasswordHasher()
_dummy_hash: str | None = None


def configure(time_cost: int, memory_kib: int) -> None:
    """Set the hashing cost (lowered only in tests, where speed matters more than strength)."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
    _dummy_hash = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def verify_against_nobody(password: str) -> None:
    """Spend the time of a real check, so a failed sign-in takes as long for unknown emails."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("a password that belongs to nobody")
    verify_password(_dummy_hash, password)
