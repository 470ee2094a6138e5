"""Limits every request meets before any view reads it: size, JSON nesting, NUL characters.

- A body over MAX_CONTENT_LENGTH (1 MB by default) is refused from its Content-Length,
  unread (413), so an anonymous sign-in can't tie a worker up with megabytes. The few
  routes that take a file (a coalition's inventory, a directory) accept up to
  MAX_UPLOAD_LENGTH instead, from signed-in people only.
- JSON nested deeper than MAX_JSON_DEPTH is refused before it is parsed (400): Python's
  parser and marshmallow both recurse, and a thousand levels ended in a RecursionError.
- A NUL character in any text (query, form or JSON, keys included) is refused naming the
  field (422): PostgreSQL can't store it in text, and no one types it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, current_app, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from .api.errors import error_response

MAX_JSON_DEPTH = 32
NUL = "\x00"
NUL_PROBLEM = "Must not contain a NUL character (\\u0000)."

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def nesting_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether JSON text opens more than `limit` arrays/objects inside one another (strings ignored)."""
    depth = 0
    for bracket in _BRACKET.findall(_JSON_STRING.sub(b'""', body)):
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def fields_with_nul(value: Any, path: str = "") -> Iterator[str]:
    """The dotted path of every string (or key) in parsed JSON that holds a NUL character."""
    if isinstance(value, str):
        if NUL in value:
            yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                yield name.replace(NUL, "\\u0000")
            else:
                yield from fields_with_nul(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from fields_with_nul(item, f"{path}.{index}" if path else str(index))


def _refuse(status: int, message: str, errors: dict[str, list[str]]) -> ResponseReturnValue:
    if request.path.startswith("/api/"):
        return error_response(status, message, errors)
    page = current_app.extensions.get("html_problem_page")
    if page is None:
        return message, status, {"Content-Type": "text/plain; charset=utf-8"}
    return page(status, message)


def accept_uploads(app: Flask, *blueprints: str) -> None:
    """Let these blueprints' routes take bodies up to MAX_UPLOAD_LENGTH (files)."""
    app.extensions.setdefault("upload_blueprints", set()).update(blueprints)


def _body_limit() -> int | None:
    if request.blueprint in current_app.extensions.get("upload_blueprints", ()):
        return current_app.config["MAX_UPLOAD_LENGTH"]
    return current_app.config["MAX_CONTENT_LENGTH"]


def _too_large() -> ResponseReturnValue | None:
    limit = _body_limit()
    # Werkzeug's own check, when a view reads the body or a form, uses the same limit.
    request.max_content_length = limit
    if limit is not None and request.content_length is not None and request.content_length > limit:
        message = f"The request body is larger than this service accepts ({limit:,} bytes)."
        return _refuse(413, message, {"body": [f"At most {limit:,} bytes."]})
    return None


def _check_json() -> ResponseReturnValue | None:
    if not request.is_json:
        return None
    try:
        body = request.get_data(cache=True)
    except RequestEntityTooLarge:
        limit = _body_limit()
        return _refuse(
            413,
            "The request body is larger than this service accepts.",
            {"body": [f"At most {limit:,} bytes."]},
        )
    if nesting_depth_exceeds(body, MAX_JSON_DEPTH):
        problem = f"Nested more than {MAX_JSON_DEPTH} levels deep."
        return _refuse(
            400,
            f"The request body is nested too deeply: at most {MAX_JSON_DEPTH} levels.",
            {"body": [problem]},
        )
    try:
        parsed = json.loads(body) if body.strip() else None
    except ValueError:
        return None  # the parser of the view answers malformed JSON with its own 400
    return _nul_refusal(list(fields_with_nul(parsed)))


def _nul_refusal(fields: list[str]) -> ResponseReturnValue | None:
    if not fields:
        return None
    names = sorted(set(fields))
    return _refuse(422, f"Please check: {', '.join(names)}.", {name: [NUL_PROBLEM] for name in names})


def _check_text_fields(has_body: bool) -> ResponseReturnValue | None:
    fields = [key for key, value in request.args.items(multi=True) if NUL in key or NUL in value]
    if has_body and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields += [key for key, value in request.form.items(multi=True) if NUL in key or NUL in value]
    return _nul_refusal([name.replace(NUL, "\\u0000") for name in fields])


def check_request() -> ResponseReturnValue | None:
    """Refuse a request over the limits before any view reads it."""
    # Most requests (every GET) have no body: nothing to parse but the query string.
    has_body = bool(request.content_length) or "Transfer-Encoding" in request.headers
    return _too_large() or (has_body and _check_json()) or _check_text_fields(has_body)


def install(app: Flask) -> None:
    """Run the checks before every view (after sign-in is checked: strangers are refused unread)."""
    app.before_request(check_request)
