"""What every page view shares: form problems, safe redirects, the acting person."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import redirect, render_template
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response
from wtforms import Form

from ..errors import DomainError, InvalidInput
from ..extensions import db
from ..input_bounds import page_number
from ..request_context import acting, now, today

__all__ = [
    "Problem",
    "acting",
    "attach",
    "now",
    "page",
    "page_number_of",
    "problems_of",
    "safe_next",
    "see_other",
    "today",
]


def page_number_of(args: Mapping[str, str]) -> int:
    """The `page` asked for in a page's query string (1 when absent; 422 when out of range)."""
    return page_number(args.get("page"))


@dataclass(frozen=True)
class Problem:
    """One thing to fix, linked to its field when there is one."""

    text: str
    field_id: str | None = None


def problems_of(form: Form | None) -> list[Problem]:
    """The form's field errors, each with its field's label, for the summary at the top."""
    if form is None:
        return []
    return [
        Problem(f"{field.label.text}: {message}" if field.label.text else message, field.id)
        for field in form
        for message in field.errors
    ]


def attach(form: Form | None, error: DomainError) -> list[Problem]:
    """Show a service's refusal: its field errors next to the fields, its message on top.

    A refusal about input the form has fields for reads best field by field; any other
    (a bed just taken, a stay already ended) is a sentence that says what happened.

    The refused write is dropped first: the answer is a 4xx, so the request is rolled back
    anyway, and a record left pending by the failed flush would otherwise be flushed again
    (and fail again) by the first query that renders the page.
    """
    db.session.rollback()
    elsewhere: list[Problem] = []
    for name, messages in error.errors.items():
        field = form._fields.get(name) if form is not None else None
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            elsewhere.extend(Problem(message) for message in messages)
    listed = problems_of(form)
    if isinstance(error, InvalidInput) and error.errors:
        return [*elsewhere, *listed]
    return [Problem(error.message), *listed]


def page(template: str, status: int = 200, **context: object) -> ResponseReturnValue:
    return render_template(template, **context), status


def see_other(location: str) -> Response:
    """Post/redirect/get: after a successful form, the browser asks for the next page."""
    return redirect(location, 303)


def safe_next(target: str | None) -> str | None:
    """A path on this site to go back to after signing in; anything else is ignored."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(character in target for character in "\\\r\n\t"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
