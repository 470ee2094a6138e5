"""The application factory: settings, extensions, blueprints, errors, commands, scheduler."""

from __future__ import annotations

import functools
import logging
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, Response, g

from . import (
    authentication,
    cookie_sessions,
    devices,
    i18n,
    input_bounds,
    log_privacy,
    request_limits,
    security_headers,
    server_banner,
    shared_cache,
)
from .config import load_config
from .extensions import db, migrate
from .services import audit, passwords, revision

# Answers whose body is only an error message: a record looked up on the way to refusing
# (a stay found, then the person found not to be on its case) was not shown.
ANSWERS_WITHOUT_RECORDS = frozenset({401, 403, 404})
MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent.parent / "migrations"


def build_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_config(Path(app.instance_path)))
    app.config.update(overrides or {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        # Parameters (survivor data among them) never appear in errors or logs.
        "hide_parameters": True,
        "pool_pre_ping": True,
        **_dialect_options(app.config["SQLALCHEMY_DATABASE_URI"], pooler=app.config["DATABASE_POOLER"]),
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }
    app.config["TESTING"] = app.config["HOUSING_ENV"] == "testing"
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    passwords.configure(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_KIB"])
    db.init_app(app)
    audit.install(db.session)
    revision.install(db.session)
    shared_cache.install(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIRECTORY))
    cookie_sessions.install(app)
    authentication.install(app)
    i18n.install(app)
    devices.install(app)
    security_headers.install(app)
    server_banner.hide_werkzeug_banner()
    log_privacy.install()
    input_bounds.install(app)
    _install_request_lifecycle(app)
    request_limits.install(app)
    _hooks_called_directly(app)

    from .api import register_api

    register_api(app)

    from .referrals import register as register_referrals

    register_referrals(app)

    from .oversight import register as register_oversight

    register_oversight(app)
    from .notifications import install as install_notifications

    install_notifications(app)

    from .web import register_web

    register_web(app)

    from . import reports

    reports.install(app)

    from . import directory

    directory.install(app)

    from .cli import register_commands

    register_commands(app)
    _configure_logging()

    from .scheduling.scheduler import start_in_process

    start_in_process(app)
    return app


def _dialect_options(url: str, *, pooler: bool) -> dict[str, Any]:
    if not url.startswith("postgresql"):
        return {}
    if pooler:
        # PgBouncer in transaction mode hands each transaction to any server connection: a
        # statement psycopg prepared on one is unknown on the next, so prepare none, and
        # PgBouncer refuses the `options` start-up parameter (the time zone is SET on
        # connect instead: PgBouncer keeps it for the client on every server connection).
        return {"connect_args": {"prepare_threshold": None}}
    # Timestamps rendered as text (flag keys, logs) are always in UTC.
    return {"connect_args": {"options": "-c timezone=UTC"}}


def _hooks_called_directly(app: Flask) -> None:
    """Flask asks of every hook and view, on every request, whether it is a coroutine (about a
    tenth of a trivial request's time here): ask once per function. None of ours is one."""
    app.ensure_sync = functools.lru_cache(maxsize=1024)(app.ensure_sync)  # type: ignore[method-assign]


def _install_request_lifecycle(app: Flask) -> None:
    """One commit per request: kept when the answer is a success, rolled back otherwise."""

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = secrets.token_hex(6)

    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        if not db.session.registry.has():
            # Nothing in this request used the database (/health, a refusal before sign-in).
            response.headers.add("X-Request-Id", g.get("request_id", "-"))
            return response
        if response.status_code < 400 or g.get("keep_changes_on_error"):
            db.session.commit()
        else:
            db.session.rollback()
            if response.status_code in ANSWERS_WITHOUT_RECORDS or response.status_code >= 500:
                audit.forget_pending_reads(db.session)
            else:
                # A refused form (422, 409) still shows what it listed: those reads stay.
                audit.write_pending_reads(db.session)
        response.headers["X-Request-Id"] = g.get("request_id", "-")
        return response


class _WithoutQueryStrings(logging.Filter):
    """Drop query strings from the development server's access log: a bed search's query
    (household, language, needs) says something about a survivor."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            request_line = record.args[0]
            if "?" in request_line:
                method_path, _, rest = request_line.partition("?")
                protocol = rest.rsplit(" ", 1)[-1] if " " in rest else ""
                record.args = (f"{method_path} {protocol}".rstrip(), *record.args[1:])
        return True


def _configure_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # APScheduler's own lines repeat each run; the job runner logs what each run did.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, _WithoutQueryStrings) for f in werkzeug.filters):
        werkzeug.addFilter(_WithoutQueryStrings())
