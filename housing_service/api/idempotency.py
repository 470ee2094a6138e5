"""`Idempotency-Key`: a retried write returns the first answer instead of acting twice.

The kept answer never holds an address: a replay is rendered from the record's state now
(a released hold shows no address), or, where a view says no way to, without addresses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..db import savepoint
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..models import IdempotentRequest
from .common import Blueprint, acting

HEADER = "Idempotency-Key"
_IN_PROGRESS = 0

RenderAgain = Callable[[dict[str, Any]], Any]


def without_addresses(body: Any) -> Any:
    """The answer as kept for replays: every `address` emptied, however deep."""
    if isinstance(body, dict):
        return {key: None if key == "address" else without_addresses(value) for key, value in body.items()}
    if isinstance(body, list):
        return [without_addresses(item) for item in body]
    return body


def _fingerprint() -> str:
    body = request.get_json(silent=True)
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.path} {canonical}".encode()).hexdigest()


def _replay(stored: IdempotentRequest, fingerprint: str, render_again: RenderAgain | None) -> Response:
    if stored.fingerprint != fingerprint:
        raise InvalidInput(
            gettext("This Idempotency-Key was already used for a different request; use a new key."),
            {HEADER: [gettext("Already used for a different request.")]},
        )
    if stored.status_code == _IN_PROGRESS:
        raise Conflict(
            gettext("The first request with this Idempotency-Key is still being handled; retry shortly.")
        )
    if render_again is not None and stored.status_code < 400:
        response = jsonify(render_again(stored.response))
    else:
        response = jsonify(stored.response)
    response.status_code = stored.status_code
    response.headers["Idempotent-Replayed"] = "true"
    return response


# How the OpenAPI document declares the header on every operation that honours it.
OPENAPI_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Send the same key (1 to 200 characters) when retrying this write: it acts once, and "
        "a retry within 24 hours gets the first answer again (marked Idempotent-Replayed: true)."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}


def idempotent(view: Callable[..., Any] | None = None, *, render_again: RenderAgain | None = None) -> Any:
    """Honour an Idempotency-Key header on a write (per account; same key and body, same answer).

    `render_again(kept_answer)` gives the answer as the record stands now, for replays. The
    header is declared in the OpenAPI document of the operation too.
    """
    if view is None:
        return lambda decorated: idempotent(decorated, render_again=render_again)

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not 1 <= len(key) <= 200 or not key.isprintable():
            raise InvalidInput.field(HEADER, gettext("Use a key of 1 to 200 printable characters."))
        user_id = acting().signed_in_user.id
        fingerprint = _fingerprint()
        lookup = select(IdempotentRequest).where(
            IdempotentRequest.user_id == user_id, IdempotentRequest.key == key
        )
        if (stored := db.session.scalar(lookup)) is not None:
            return _replay(stored, fingerprint, render_again)
        # Claim the key before acting: a concurrent retry waits on the unique index, then
        # finds the first answer.
        claim = IdempotentRequest(
            user_id=user_id,
            key=key,
            fingerprint=fingerprint,
            status_code=_IN_PROGRESS,
            response={},
            created_at=clock.now(),
        )
        try:
            with savepoint(db.session):
                db.session.add(claim)
                db.session.flush()
        except IntegrityError:
            stored = db.session.scalar(lookup.execution_options(populate_existing=True))
            if stored is None:
                raise
            return _replay(stored, fingerprint, render_again)
        response = view(*args, **kwargs)
        claim.status_code = response.status_code
        claim.response = without_addresses(response.get_json())
        db.session.flush()
        return response

    wrapper.honours_idempotency_key = True  # type: ignore[attr-defined]
    return Blueprint.doc(parameters=[OPENAPI_PARAMETER])(wrapper)
