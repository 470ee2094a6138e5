"""One error shape for the whole API: {code, status, message, errors: {field: [problems]}}."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, make_response, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from .. import database_outage
from ..errors import DomainError

log = logging.getLogger(__name__)


def error_response(
    code: int, message: str, errors: dict[str, list[str]] | None = None
) -> ResponseReturnValue:
    body = {"code": code, "status": HTTPStatus(code).phrase, "message": message, "errors": errors or {}}
    return jsonify(body), code


def with_allow(answer: ResponseReturnValue, error: MethodNotAllowed) -> Response:
    """A 405 says which methods the address does take (RFC 9110, 15.5.6)."""
    response = make_response(answer)
    if error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn webargs/marshmallow nested messages into {"field.path": [problems]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            # The first level names where the input came from (json, query, ...): drop it.
            if not prefix and key in ("json", "query", "form", "headers", "view_args"):
                if isinstance(value, list):
                    flat.setdefault("body" if key == "json" else key, []).extend(map(str, value))
                else:
                    flat.update(flatten_messages(value, ""))
                continue
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix or "body"
            flat.update(flatten_messages(value, name))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat.setdefault(prefix or "body", []).extend(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            flat.update(flatten_messages(value, f"{prefix}.{index}"))
    else:
        flat.setdefault(prefix or "body", []).append(str(messages))
    return flat


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def database_unreachable() -> ResponseReturnValue:
    """503 with Retry-After: the API's error shape, or a plain page that reads nothing from the database."""
    log.warning("request %s: the database can't be reached", g.get("request_id", "-"))
    retry_after = {"Retry-After": str(current_app.config["DATABASE_RETRY_AFTER_SECONDS"])}
    if _wants_json():
        body, code = error_response(503, database_outage.MESSAGE)
        return body, code, retry_after
    # Rendered without the context processors: they would ask the database who is signed in.
    page = current_app.jinja_env.get_template("unavailable.html").render()
    return page, 503, retry_after


def register_error_handlers(app: Flask) -> None:
    """JSON errors for /api/; pages register their own handlers on their blueprint."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> ResponseReturnValue:
        return error_response(error.status, error.message, error.errors)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        if database_outage.unreachable(error):  # a 500 raised around a lost connection (at commit)
            return unexpected_error(error)
        if not _wants_json():
            page = current_app.extensions.get("html_error_page")
            return page(error) if page is not None else error
        code = error.code or 500
        if isinstance(error, MethodNotAllowed):
            return with_allow(error_response(code, error.description or HTTPStatus(code).phrase), error)
        messages = (getattr(error, "data", None) or {}).get("messages")
        if messages:
            errors = flatten_messages(messages)
            problems = ", ".join(sorted(errors))
            message = (
                gettext("Please check: %(fields)s.", fields=problems)
                if code == 422
                else gettext("The request body is not valid JSON.")
            )
            return error_response(code, message, errors)
        return error_response(code, error.description or HTTPStatus(code).phrase)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> ResponseReturnValue:
        request_id = g.get("request_id", "-")
        if database_outage.unreachable(error):
            return database_unreachable()
        # The traceback goes to the log (SQL parameters are hidden by the engine); the
        # person asking gets only a request id to quote.
        log.exception("request %s failed", request_id)
        message = gettext(
            "Something went wrong on our side. Nothing was changed. Quote request id %(request_id)s.",
            request_id=request_id,
        )
        if _wants_json():
            return error_response(500, message)
        return message, 500, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def out_of_range(error: Exception) -> ResponseReturnValue:
        # A value the database can't hold (a 30-digit id, a page past the end of numbers)
        # got past a schema: still the request's fault, so a 422, never a 500.
        if not _wants_json():
            return unexpected_error(error)
        return error_response(422, gettext("A number or value in the request is out of range."))
