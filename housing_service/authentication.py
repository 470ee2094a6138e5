"""Who is asking: a session cookie (people) or a bearer token (scripts and partner systems).

A session lives in the signed cookie: the account and its session version (sign-out,
deactivation, password and role changes bump the version and void every older session),
when it began and when it was last used. It ends after SESSION_IDLE_MINUTES without a
request and SESSION_ABSOLUTE_HOURS after sign-in, whatever happens in between.
"""

from __future__ import annotations

import time

from flask import Flask, Request, Response, current_app, g, jsonify, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from . import clock
from .extensions import db, login_manager
from .models import User
from .services import accounts

# Endpoints anyone may call without signing in.
PUBLIC_API_ENDPOINTS = frozenset(
    {
        "health.health",
        "sessions.sign_in",
        "api-docs.openapi_json",
        # The SMS provider signs its calls instead of signing in; the view checks the signature.
        "notifications.text_received",
    }
)
# Blueprints whose every endpoint is public: the HSDS directory (directory/hsds_api.py).
PUBLIC_API_BLUEPRINTS = frozenset({"hsds"})

# Keys this module keeps in the session cookie (seconds since the epoch, wall clock).
SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"
# When the person last proved who they are here (sign-in, or their password typed again):
# creating an API token needs it recent (TOKEN_CONFIRM_MINUTES).
CONFIRMED_AT = "confirmed_at"
# The last-seen time is rewritten at most this often: a new cookie on every request is
# needless traffic, and a minute is far finer than the idle timeout.
LAST_SEEN_RESOLUTION_SECONDS = 60


def wall_clock() -> float:
    """Seconds since the epoch, for session lifetimes.

    Sessions age in real time: `clock.frozen` moves the domain's "now" (holds, stays) in
    tests and replayed jobs, and must not make a person's browser session older or younger.
    """
    return time.time()


@login_manager.user_loader
def load_user_from_session(session_user_id: str) -> User | None:
    """The session names an account and its session version; an older version is void.

    Only a session begun by `signing_in.start_session` counts: Flask-Login's remember-me
    cookie (never set here) carries no sign-in time and is refused.
    """
    if not isinstance(session.get(SIGNED_IN_AT), int | float):
        return None
    return user_for_session_id(session_user_id)


def user_for_session_id(session_user_id: str) -> User | None:
    """The active account named by "id.version", if that version is still current."""
    user_id, _, version = session_user_id.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


@login_manager.request_loader
def load_user_from_token(req: Request) -> User | None:
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    user = accounts.user_for_token(token.strip(), clock.now())
    # Some things need a person, not a script: creating tokens, for one.
    g.signed_in_by_token = user is not None
    return user


@login_manager.unauthorized_handler
def not_signed_in() -> ResponseReturnValue:
    if request.path.startswith("/api/"):
        message = "Your session has ended; sign in again." if g.get("session_timed_out") else "Sign in first."
        body = {"code": 401, "status": "Unauthorized", "message": message, "errors": {}}
        return jsonify(body), 401
    return redirect(url_for("web.sign_in", next=request.full_path if request.query_string else request.path))


def session_expired(now: float) -> bool:
    """True when the signed-in session in the cookie is past its idle or absolute limit."""
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int | float):
        return True
    last_seen_at = session.get(LAST_SEEN_AT, signed_in_at)
    if not isinstance(last_seen_at, int | float):
        return True
    config = current_app.config
    idle_limit = config["SESSION_IDLE_MINUTES"] * 60
    absolute_limit = config["SESSION_ABSOLUTE_HOURS"] * 3600
    return now - last_seen_at > idle_limit or now - signed_in_at > absolute_limit


def _check_session_lifetime() -> None:
    """End a timed-out session before anyone reads `current_user`; keep a live one fresh."""
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return  # no session to check (a script's token, /health): the session is left unopened
    if "_user_id" not in session:
        return
    now = wall_clock()
    if session_expired(now):
        session.clear()
        g.session_timed_out = True
        return
    last_seen_at = session.get(LAST_SEEN_AT, session[SIGNED_IN_AT])
    if now - last_seen_at >= LAST_SEEN_RESOLUTION_SECONDS:
        session[LAST_SEEN_AT] = now


def _add_retry_after(response: Response) -> Response:
    # A throttled sign-in (see services/throttle.py) says when the next try is welcome.
    retry_after = g.get("retry_after")
    if retry_after is not None and response.status_code == 429:
        response.headers["Retry-After"] = str(retry_after)
    return response


def trust_proxies(app: Flask) -> None:
    """Behind reverse proxies, the client's address is the one the first proxy saw.

    It goes into the audit trail and drives sign-in throttling: trust exactly as many
    X-Forwarded-For hops as there are proxies (TRUSTED_PROXY_COUNT), never more.
    """
    hops = app.config.get("TRUSTED_PROXY_COUNT", 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def install(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    trust_proxies(app)
    app.before_request(_check_session_lifetime)
    app.after_request(_add_retry_after)

    @app.before_request
    def api_requires_sign_in() -> ResponseReturnValue | None:
        # Deny by default: every API endpoint needs a signed-in person unless listed above.
        if (
            not request.path.startswith("/api/")
            or request.endpoint in PUBLIC_API_ENDPOINTS
            or request.blueprint in PUBLIC_API_BLUEPRINTS
        ):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return _refuse_cross_site_write()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _refuse_cross_site_write() -> ResponseReturnValue | None:
    """A write to the API carried by a session cookie must say it is JSON.

    A page on another site can make a browser post a form (or an empty body) with our cookie
    on it where SameSite is not honoured; it can't send Content-Type: application/json without
    asking first (CORS), which we never allow. Bearer tokens are not sent by browsers on their own.
    """
    if request.method in SAFE_METHODS or request.headers.get("Authorization", "").lower().startswith(
        "bearer "
    ):
        return None
    if request.mimetype == "application/json":
        return None
    body = {
        "code": 415,
        "status": "Unsupported Media Type",
        "message": "Send writes as JSON (Content-Type: application/json), even with an empty body.",
        "errors": {"Content-Type": ["Must be application/json."]},
    }
    return jsonify(body), 415
