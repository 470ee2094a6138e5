"""Error pages: what happened, in plain words, and what to do next. Never a stack trace."""

from __future__ import annotations

import logging

from flask import g, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from .. import database_outage
from ..api.errors import database_unreachable, with_allow
from ..errors import DomainError
from ..extensions import db
from .blueprint import bp

log = logging.getLogger(__name__)

_TITLES = {
    400: _l("We couldn't use what was sent"),
    401: _l("Please sign in"),
    403: _l("You can't open this page"),
    404: _l("We couldn't find that"),
    405: _l("This address only takes form submissions"),
    409: _l("That couldn't be done"),
    413: _l("That was too much to send"),
    422: _l("Please check what you entered"),
    429: _l("Please wait a moment"),
}

# Werkzeug's own descriptions are written for developers; these are for people.
_MESSAGES = {
    400: _l("The form or address was incomplete, so nothing was saved."),
    404: _l("There is no page at this address."),
    405: _l("This address can't be opened directly."),
}

_NEXT_STEPS = {
    403: _l("If you need it for your work, ask your coalition's admin for access."),
    404: _l("It may have been removed, or the link may be incomplete. Go back and try again from the menu."),
    405: _l("Use the buttons on the page rather than typing the address."),
}


def error_page(status: int, message: str, next_step: str | None = None) -> ResponseReturnValue:
    title = _TITLES.get(status) or gettext("Something went wrong")
    body = render_template(
        "error.html", title=title, message=message, next_step=next_step or _NEXT_STEPS.get(status)
    )
    return body, status


@bp.errorhandler(CSRFError)
def form_expired(_error: CSRFError) -> ResponseReturnValue:
    return error_page(
        400,
        gettext("This form had expired or did not come from this service, so nothing was saved."),
        gettext("Go back, reload the page, and send the form again."),
    )


@bp.errorhandler(DomainError)
def domain_error(error: DomainError) -> ResponseReturnValue:
    return error_page(error.status, error.message)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    if status >= 500:
        return unexpected_error(error)
    # Werkzeug's own descriptions (of statuses without words of ours) stay English.
    page = error_page(status, _MESSAGES.get(status) or error.description or "")
    return with_allow(page, error) if isinstance(error, MethodNotAllowed) else page


def _end_failed_transaction() -> None:
    """Roll back now, as the answer's status would anyway (reads stay queued, see services/audit.py).

    The page around the message reads the database (the two-step reminder asks for the sign-in
    rules), and PostgreSQL answers nothing in a transaction a failed statement aborted. Changes
    a sign-in asked to keep (failed attempts, see signing_in.py) are left for the commit.
    """
    if not g.get("keep_changes_on_error"):
        db.session.rollback()


@bp.errorhandler(OverflowError)
@bp.errorhandler(DataError)
def out_of_range(_error: Exception) -> ResponseReturnValue:
    # A number the database can't hold (a 20-digit id in a hidden field) got past a form:
    # the request's fault, so a 422 (the API answers the same), never a 500.
    _end_failed_transaction()
    return error_page(
        422,
        gettext("A number or value in the form or address is out of range, so nothing was changed."),
        gettext("Go back and start again from the menu."),
    )


@bp.errorhandler(Exception)
def unexpected_error(error: Exception) -> ResponseReturnValue:
    if database_outage.unreachable(error):
        return database_unreachable()
    # The traceback goes to the log (SQL parameters are hidden by the engine); the person
    # sees only a request id to quote. The request's changes are rolled back (status 500).
    request_id = g.get("request_id", "-")
    log.exception("request %s failed", request_id)
    _end_failed_transaction()
    return error_page(
        500,
        gettext("Something went wrong on our side. Nothing was changed."),
        gettext(
            "Try again in a moment. If it happens again, tell your admin and quote request id"
            " %(request_id)s.",
            request_id=request_id,
        ),
    )
