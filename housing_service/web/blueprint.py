"""The `web` blueprint: every page needs a signed-in person, except signing in itself."""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..extensions import login_manager

bp = Blueprint("web", __name__)

PUBLIC_ENDPOINTS = frozenset({"web.sign_in", "web.sign_in_second_step"})


@bp.before_request
def require_sign_in() -> ResponseReturnValue | None:
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    return login_manager.unauthorized()


@bp.after_request
def page_headers(response: Response) -> Response:
    # Pages show survivors' records: never kept by a browser or a proxy.
    response.headers["Cache-Control"] = "no-store"
    # The Referer goes to this origin only. Flask-WTF requires it on form posts over HTTPS
    # (with "no-referrer" every form post in production would be refused); no other site
    # ever receives it.
    response.headers["Referrer-Policy"] = "same-origin"
    return response
