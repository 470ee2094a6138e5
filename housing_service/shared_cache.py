"""The cache every worker and every app host shares, in Redis, when REDIS_URL is set.

Without REDIS_URL each worker keeps its own answers (services/revision.py) and nothing here
runs. With it, an answer built by one worker is kept once for all of them, under a key that
names the revision read before the data was (so a change made on any host is never answered
from an older entry: the next reader reads the new revision and misses).

What goes into Redis, all of it rebuilt from the database at any time:
- pages of the bed board as the people who may search see them (advocates and case managers):
  sites, their free beds and units, and no confidential site's address (services/availability.py);
- the matcher's inputs: sites, spaces and the nights they are booked, never an address nor who
  booked them (services/suggestions.py);
- bearer token → account: the token's digest (never the token), the account's id, role,
  organisation, session version, and when the token expires (services/accounts.py).
Nothing about a survivor is stored.

Values are JSON with type tags, decoded only into the classes registered here: whoever can
write to Redis cannot make the service run code (no pickle). Redis down or slow never breaks a
request: after a failure the service answers from the database alone for RETRY_AFTER_SECONDS,
and says so once in the log (the kind of failure, never a key or a value).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import threading
import time
from datetime import date, datetime
from enum import Enum
from typing import Any

from flask import Flask, current_app

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0
EXTENSION = "shared_cache"


class Missing:
    """Nothing kept under that key (or Redis could not be asked)."""


MISSING = Missing()


# The codec ---------------------------------------------------------------------------------

_CLASSES: dict[str, type] = {}


def register(*classes: type) -> None:
    """Allow these dataclasses and enums in values kept in Redis."""
    for cls in classes:
        _CLASSES[f"{cls.__module__}.{cls.__qualname__}"] = cls


def _name(cls: type) -> str:
    name = f"{cls.__module__}.{cls.__qualname__}"
    if _CLASSES.get(name) is not cls:
        raise TypeError(f"{name} is not registered for the shared cache (shared_cache.register)")
    return name


def _plain(value: Any) -> Any:
    """Value as JSON-ready data; every non-JSON type is tagged, so decoding is exact."""
    if isinstance(value, Enum):
        return {"e": _name(type(value)), "v": value.value}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, tuple):
        return {"t": [_plain(item) for item in value]}
    if isinstance(value, frozenset):
        # Sorted so that equal sets give equal text (keys are digests of it).
        return {"fs": sorted((_plain(item) for item in value), key=_text)}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Fields in order, by position: no dict whose keys could be mistaken for a tag.
        return {"c": _name(type(value)), "f": [_plain(getattr(value, name)) for name in _fields(type(value))]}
    raise TypeError(f"{type(value).__name__} can't be kept in the shared cache")


def _text(plain: Any) -> str:
    return json.dumps(plain, sort_keys=True, separators=(",", ":"))


def _tagged(obj: dict[str, Any]) -> Any:
    if "c" in obj:
        cls = _allowed(obj["c"])
        return cls(**dict(zip(_fields(cls), obj["f"], strict=True)))
    if "e" in obj:
        return _allowed(obj["e"])(obj["v"])
    if "t" in obj:
        return tuple(obj["t"])
    if "fs" in obj:
        return frozenset(obj["fs"])
    if "dt" in obj:
        return datetime.fromisoformat(obj["dt"])
    if "d" in obj:
        return date.fromisoformat(obj["d"])
    raise ValueError("not a value the shared cache writes")


@functools.cache
def _fields(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


def _allowed(name: str) -> type:
    cls = _CLASSES.get(name)
    if cls is None:
        raise ValueError(f"{name} is not a class the shared cache may build")
    return cls


def dumps(value: Any) -> bytes:
    return _text(_plain(value)).encode()


def loads(raw: bytes) -> Any:
    return json.loads(raw, object_hook=_tagged)


def key_digest(key: Any) -> str:
    """A stable name for a key made of registered values (the same in every process)."""
    return hashlib.sha256(_text(_plain(key)).encode()).hexdigest()[:32]


# Redis -------------------------------------------------------------------------------------


class SharedCache:
    """Keys and values in one Redis database, under a prefix; failures are misses."""

    def __init__(self, url: str, prefix: str, timeout_seconds: float) -> None:
        import redis  # only where REDIS_URL is set: the README's commands need no Redis

        self.prefix = prefix
        self._redis = redis.Redis.from_url(
            url, socket_timeout=timeout_seconds, socket_connect_timeout=timeout_seconds
        )
        # Unreachable, slow, or an entry this code can't read (another version wrote it).
        self._errors = (redis.RedisError, OSError, ValueError, TypeError)
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def get(self, name: str) -> Any:
        if self._paused():
            return MISSING
        try:
            raw = self._redis.get(self._full(name))
            return MISSING if raw is None else loads(raw)
        except self._errors as error:
            self._pause(error)
            return MISSING

    def put(self, name: str, value: Any, ttl_seconds: int) -> None:
        if self._paused():
            return
        raw = dumps(value)  # outside the try: a value that can't be kept is a bug to see, not a miss
        try:
            self._redis.set(self._full(name), raw, ex=ttl_seconds)
        except self._errors as error:
            self._pause(error)

    def clear(self) -> int:
        """Delete every key under this prefix (tests; after restoring the database from a backup)."""
        keys = list(self._redis.scan_iter(match=f"{self.prefix}:*", count=1000))
        if keys:
            self._redis.delete(*keys)
        return len(keys)

    def _full(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    def _paused(self) -> bool:
        return self._paused_until > time.monotonic()

    def _pause(self, error: BaseException) -> None:
        with self._lock:
            if self._paused():
                return
            self._paused_until = time.monotonic() + RETRY_AFTER_SECONDS
        # The kind of failure only: a message could quote a key or a value.
        log.warning(
            "Shared cache (Redis) failed (%s): answering from the database for the next %.0f s",
            type(error).__name__,
            RETRY_AFTER_SECONDS,
        )


def install(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    if url:
        app.extensions[EXTENSION] = SharedCache(
            url, app.config["REDIS_KEY_PREFIX"], app.config["REDIS_TIMEOUT_MS"] / 1000
        )


def shared() -> SharedCache | None:
    """The app's shared cache, or None (no REDIS_URL, or outside an app)."""
    try:
        return current_app.extensions.get(EXTENSION)
    except RuntimeError:
        return None
