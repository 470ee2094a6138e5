"""Settings, read from the environment once, when the app is built.

Every setting has a safe default for the embedded (SQLite, development) mode; production
refuses to start without a real SECRET_KEY.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .languages import parse_common_languages

ENVIRONMENTS = ("development", "production", "testing")
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"  # noqa: S105


class ConfigurationError(RuntimeError):
    """The app refuses to start: a setting is missing or wrong."""


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from exc


def _switch(env: dict[str, str], name: str) -> bool:
    raw = env.get(name, "off").strip().lower()
    if raw in ("on", "true", "1", "yes"):
        return True
    if raw in ("off", "false", "0", "no", ""):
        return False
    raise ConfigurationError(f"{name} must be on or off, not {raw!r}")


def _thresholds(raw: str) -> dict[str, tuple[int, ...]]:
    """Parse 'emergency:14,7;transitional:30,14' into days-before-limit per tier."""
    thresholds: dict[str, tuple[int, ...]] = {}
    for part in filter(None, (p.strip() for p in raw.split(";"))):
        tier, _, days = part.partition(":")
        try:
            values = tuple(sorted({int(d) for d in days.split(",") if d.strip()}, reverse=True))
        except ValueError as exc:
            raise ConfigurationError(f"STAY_REVIEW_THRESHOLDS: bad days in {part!r}") from exc
        if not values or min(values) < 1:
            raise ConfigurationError(f"STAY_REVIEW_THRESHOLDS: {part!r} needs days of at least 1")
        thresholds[tier.strip()] = values
    return thresholds


ROLE_NAMES = ("admin", "advocate", "case_manager", "partner")


def _roles(raw: str) -> frozenset[str]:
    """Parse 'admin,partner' into role names, refusing a name that is not a role."""
    roles = frozenset(part.strip() for part in raw.split(",") if part.strip())
    unknown = sorted(roles - set(ROLE_NAMES))
    if unknown:
        raise ConfigurationError(
            f"TWO_FACTOR_REQUIRED_ROLES: {', '.join(unknown)} is not a role (use {', '.join(ROLE_NAMES)})"
        )
    return roles


def _common_languages(raw: str) -> tuple[str, ...]:
    try:
        return parse_common_languages(raw)
    except ValueError as exc:
        raise ConfigurationError(f"COMMON_LANGUAGES: {exc}") from exc
def _languages(env: dict[str, str]) -> tuple[tuple[str, ...], str]:
    """LANGUAGES ('en,es,vi') and DEFAULT_LOCALE: each a locale Babel knows, the default among them.

    A language without a catalogue under housing_service/translations is still accepted (its
    dates and numbers are formatted for it), but its words stay English until one is added.
    """
    from babel import Locale, UnknownLocaleError

    listed = (part.strip() for part in env.get("LANGUAGES", "en,es,vi").split(","))
    languages = tuple(dict.fromkeys(code for code in listed if code))
    if not languages:
        raise ConfigurationError("LANGUAGES needs at least one language, e.g. en,es,vi")
    for code in languages:
        try:
            Locale.parse(code)
        except (UnknownLocaleError, ValueError) as exc:
            raise ConfigurationError(f"LANGUAGES: {code!r} is not a language Babel knows") from exc
    default = env.get("DEFAULT_LOCALE", "en").strip()
    if default not in languages:
        raise ConfigurationError(
            f"DEFAULT_LOCALE {default!r} must be one of LANGUAGES ({', '.join(languages)})"
        )
    return languages, default


def _webhooks_loopback(env: dict[str, str], environment: str) -> bool:
    allowed = env.get("WEBHOOKS_ALLOW_LOOPBACK", "false").lower() == "true"
    if allowed and environment != "testing":
        raise ConfigurationError("WEBHOOKS_ALLOW_LOOPBACK is for the test suite only (HOUSING_ENV=testing)")
    return allowed


def database_url(raw: str | None, instance_path: Path) -> str:
    """The SQLAlchemy URL: PostgreSQL through psycopg 3, else the embedded SQLite file."""
    if not raw:
        return f"sqlite:///{instance_path / 'housing.db'}"
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw.removeprefix("postgres://")
    if raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw.removeprefix("postgresql://")
    return raw


def load_config(instance_path: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """All settings, from `env` (default: the process environment)."""
    env = dict(os.environ if env is None else env)
    environment = env.get("HOUSING_ENV", "development")
    if environment not in ENVIRONMENTS:
        raise ConfigurationError(f"HOUSING_ENV must be one of {', '.join(ENVIRONMENTS)}")

    secret_key = env.get("SECRET_KEY", "")
    if not secret_key:
        if environment != "development":
            raise ConfigurationError(f"SECRET_KEY is required when HOUSING_ENV={environment}")
        logging.getLogger("housing_service").warning(
            "SECRET_KEY is not set: using a development key. Never run like this with real data."
        )
        secret_key = DEVELOPMENT_SECRET_KEY
    elif environment == "production" and len(secret_key) < 32:
        raise ConfigurationError("SECRET_KEY must be at least 32 characters in production")

    timezone = env.get("COALITION_TIMEZONE", "America/Los_Angeles")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(f"COALITION_TIMEZONE {timezone!r} is not a known time zone") from exc

    token_max_days = _int(env, "TOKEN_MAX_DAYS", 90)
    token_default_days = _int(env, "API_TOKEN_DEFAULT_DAYS", 90)
    if not 1 <= token_default_days <= token_max_days:
        raise ConfigurationError(
            f"API_TOKEN_DEFAULT_DAYS must be from 1 to TOKEN_MAX_DAYS ({token_max_days}), "
            f"not {token_default_days}"
        )

    languages, default_locale = _languages(env)
    secure_cookies = environment != "development"
    return {
        "HOUSING_ENV": environment,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "COALITION_TIMEZONE": timezone,
        # The languages people may choose in "My account"; a person who has not chosen gets
        # the best match of the browser's Accept-Language, else DEFAULT_LOCALE.
        "LANGUAGES": languages,
        "DEFAULT_LOCALE": default_locale,
        # Flask-Babel: dates and times are shown in the coalition's time zone, whatever the language.
        "BABEL_DEFAULT_LOCALE": default_locale,
        "BABEL_DEFAULT_TIMEZONE": timezone,
        # "auto" runs the scheduler inside `flask run` only; gunicorn workers set it off.
        "SCHEDULER": env.get("SCHEDULER", "auto"),
        "HOLD_WINDOW_HOURS": _int(env, "HOLD_WINDOW_HOURS", 4),
        # How often the scheduler seals (hash-chains) new audit entries on PostgreSQL.
        "AUDIT_SEAL_SECONDS": _int(env, "AUDIT_SEAL_SECONDS", 5),
        # A connection pooler in transaction mode (PgBouncer) between the app and PostgreSQL:
        # no server-side prepared statements, and the session's time zone set by SET.
        "DATABASE_POOLER": _switch(env, "DATABASE_POOLER"),
        # While the database can't be reached, answers are 503 with this Retry-After.
        "DATABASE_RETRY_AFTER_SECONDS": _int(env, "DATABASE_RETRY_AFTER_SECONDS", 5),
        "HOLD_WARNING_MINUTES": _int(env, "HOLD_WARNING_MINUTES", 60),
        # A planned move needs no more notice than this; a far-future hold only ties a bed up.
        "HOLD_MAX_DAYS_AHEAD": _int(env, "HOLD_MAX_DAYS_AHEAD", 120),
        # How long a screened site has to answer a referral, unless the site sets its own.
        "REFERRAL_RESPONSE_MINUTES": _int(env, "REFERRAL_RESPONSE_MINUTES", 30),
        # Confidential addresses one person may be shown, from distinct sites, in a window,
        # before further addresses wait for an admin's review.
        "ADDRESS_REVEAL_LIMIT": _int(env, "ADDRESS_REVEAL_LIMIT", 3),
        "ADDRESS_REVEAL_WINDOW_DAYS": _int(env, "ADDRESS_REVEAL_WINDOW_DAYS", 7),
        # Survivors' records opened this long ago and never used for a stay are listed for admins.
        "UNUSED_RECORD_DAYS": _int(env, "UNUSED_RECORD_DAYS", 30),
        "STAY_REVIEW_THRESHOLDS": _thresholds(
            env.get("STAY_REVIEW_THRESHOLDS", "emergency:14,7;transitional:30,14")
        ),
        "STALE_AVAILABILITY_HOURS": _int(env, "STALE_AVAILABILITY_HOURS", 24),
        "DECLINE_COOLDOWN_DAYS": _int(env, "DECLINE_COOLDOWN_DAYS", 30),
        # Listed first wherever a language is chosen, in this order; the rest follow by name.
        "COMMON_LANGUAGES": _common_languages(env.get("COMMON_LANGUAGES", "en, es, vi, zh, tl")),
        "RETENTION_DAYS_AFTER_EXIT": _int(env, "RETENTION_DAYS_AFTER_EXIT", 1095),
        "SESSION_IDLE_MINUTES": _int(env, "SESSION_IDLE_MINUTES", 30),
        "SESSION_ABSOLUTE_HOURS": _int(env, "SESSION_ABSOLUTE_HOURS", 12),
        "API_TOKEN_DEFAULT_DAYS": token_default_days,
        # No token lives longer than this, whatever its creator asks for.
        "TOKEN_MAX_DAYS": token_max_days,
        # A token is made only by someone whose password (or code) was confirmed this recently.
        "TOKEN_CONFIRM_MINUTES": _int(env, "TOKEN_CONFIRM_MINUTES", 10),
        # Two-step sign-in: required for these roles (comma-separated; empty: for nobody),
        # after a grace period counted from the account's creation or an admin's reset.
        "TWO_FACTOR_REQUIRED_ROLES": _roles(
            env.get("TWO_FACTOR_REQUIRED_ROLES", "admin,advocate,case_manager,partner")
        ),
        "TWO_FACTOR_GRACE_DAYS": _int(env, "TWO_FACTOR_GRACE_DAYS", 7),
        # How long a browser stays "known" to an account after a successful sign-in there.
        "DEVICE_COOKIE_DAYS": _int(env, "DEVICE_COOKIE_DAYS", 90),
        # The public HSDS directory (/api/v1/hsds): off unless the coalition turns it on.
        "HSDS_FEED": _switch(env, "HSDS_FEED"),
        # Makes the directory's ids (UUIDv5): keep it once published, or every id changes.
        "HSDS_ID_SECRET": env.get("HSDS_ID_SECRET") or secret_key,
        "SMTP_HOST": env.get("SMTP_HOST", ""),
        "SMTP_PORT": _int(env, "SMTP_PORT", 587),
        "SMTP_USERNAME": env.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": env.get("SMTP_STARTTLS", "true").lower() == "true",
        "MAIL_SENDER": env.get("MAIL_SENDER", "housing-service@localhost"),
        # Where people open the service: links in e-mails and texts, and the address the
        # SMS provider signs texts received for (it must match what the provider calls).
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://localhost:5000"),
        # Texting (notifications/sms_provider.py): all three set, or texting is off.
        "TWILIO_ACCOUNT_SID": env.get("TWILIO_ACCOUNT_SID", ""),
        "TWILIO_AUTH_TOKEN": env.get("TWILIO_AUTH_TOKEN", ""),
        "TWILIO_FROM_NUMBER": env.get("TWILIO_FROM_NUMBER", ""),
        "TWILIO_API_BASE_URL": env.get("TWILIO_API_BASE_URL", ""),
        "SMS_TEXTS_PER_NUMBER_PER_HOUR": _int(env, "SMS_TEXTS_PER_NUMBER_PER_HOUR", 20),
        # Webhooks go to public HTTPS addresses only. Tests alone may deliver to a local fake
        # over plain HTTP on 127.0.0.1 (refused outside HOUSING_ENV=testing).
        "WEBHOOKS_ALLOW_LOOPBACK": _webhooks_loopback(env, environment),
        # Cookies travel over HTTPS only, except on a developer's own machine.
        "SESSION_COOKIE_SECURE": secure_cookies,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust (0: none).
        "TRUSTED_PROXY_COUNT": _int(env, "TRUSTED_PROXY_COUNT", 0),
        # Larger request bodies are refused unread (413); no form or JSON body comes near it.
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 1024 * 1024),
        # The routes that take a file (inventory or directory import): a 5 MB file, sent as
        # base64 in JSON, is about 6.7 MB.
        "MAX_UPLOAD_LENGTH": _int(env, "MAX_UPLOAD_LENGTH", 8 * 1024 * 1024),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        # The cache shared by every worker and host (housing_service/shared_cache.py): off
        # without a URL (each worker keeps its own). Keys live under the prefix (one per
        # coalition sharing a Redis); a call that takes longer than the timeout is a miss.
        "REDIS_URL": env.get("REDIS_URL", ""),
        "REDIS_KEY_PREFIX": env.get("REDIS_KEY_PREFIX", "housing_service"),
        "REDIS_TIMEOUT_MS": _int(env, "REDIS_TIMEOUT_MS", 100),
        "JSON_SORT_KEYS": False,
        # Password hashing cost: argon2id, RFC 9106's second recommended option.
        "ARGON2_TIME_COST": _int(env, "ARGON2_TIME_COST", 3),
        "ARGON2_MEMORY_KIB": _int(env, "ARGON2_MEMORY_KIB", 65536),
        # OpenAPI document (flask-smorest)
        "API_TITLE": "housing_service",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
