"""Who is asking: a session cookie (people) or a bearer token (scripts and partner systems)."""

from __future__ import annotations

from flask import Flask, Request, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from . import clock
from .extensions import db, login_manager
from .models import User
from .services import accounts

# Endpoints anyone may call without signing in.
PUBLIC_API_ENDPOINTS = frozenset({"health.health", "sessions.sign_in", "api-docs.openapi_json"})


@login_manager.user_loader
def load_user_from_session(session_user_id: str) -> User | None:
    """The session names an account and its session version; an older version is void."""
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
    return accounts.user_for_token(token.strip(), clock.now())


@login_manager.unauthorized_handler
def not_signed_in() -> ResponseReturnValue:
    if request.path.startswith("/api/"):
        body = {"code": 401, "status": "Unauthorized", "message": "Sign in first.", "errors": {}}
        return jsonify(body), 401
    return redirect(url_for("web.sign_in", next=request.full_path if request.query_string else request.path))


def install(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"

    @app.before_request
    def api_requires_sign_in() -> ResponseReturnValue | None:
        # Deny by default: every API endpoint needs a signed-in person unless listed above.
        if not request.path.startswith("/api/") or request.endpoint in PUBLIC_API_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None
