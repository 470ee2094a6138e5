"""Every route × method × role gets the status the matrix (matrix.py) says, and no route is missing."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, message_flashed, url_for
from sqlalchemy import select

from housing_service.extensions import db
from housing_service.models import Site

from ..conftest import _reset_database
from .coalition import ANONYMOUS, ROLES, Coalition, build
from .conftest import signed_in
from .matrix import ROWS, Row

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _routes(app: Flask) -> dict[tuple[str, str], Any]:
    return {
        (rule.endpoint, method): rule
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - IGNORED_METHODS)
    }


def _suggested_row(endpoint: str, method: str, rule: Any) -> str:
    args = ", ".join(f'"{name}": "<coalition id name>"' for name in sorted(rule.arguments))
    arg_text = f", args={{{args}}}" if args else ""
    body = ", body={...valid body...}" if method in ("POST", "PUT", "PATCH") else ""
    return (
        f'    Row("{endpoint}", "{method}", codes(<admin>, <advocate>, <case_manager>, <partner_own>, '
        f"<partner_other>, <off_case>, <anonymous>){arg_text}{body}),"
    )


def test_every_route_has_a_row(app: Flask):
    known = {row.key for row in ROWS}
    missing = [(key, rule) for key, rule in sorted(_routes(app).items()) if key not in known]
    if missing:
        lines = [
            "These routes have no entry in the authorization matrix. Add one row per route and method "
            "to tests/security/matrix.py (API_ROWS or PAGE_ROWS), with the status each role must get; "
            "point its URL arguments at records of the coalition (tests/security/coalition.py, "
            "`world.ids`) and give a valid body, so that the answer is about who asks:",
        ]
        for (endpoint, method), rule in missing:
            lines.append(f"  {method} {rule.rule}  (endpoint {endpoint}):")
            lines.append(_suggested_row(endpoint, method, rule))
        pytest.fail("\n".join(lines), pytrace=False)


def test_every_row_names_a_route_that_exists(app: Flask):
    routes = _routes(app)
    stale = [row.key for row in ROWS if row.key not in routes]
    assert not stale, f"rows for routes that no longer exist (remove them from matrix.py): {stale}"
    duplicates = {row.key for row in ROWS if sum(other.key == row.key for other in ROWS) > 1}
    assert not duplicates, f"rows given twice: {duplicates}"


def _url(app: Flask, row: Row, world: Coalition) -> str:
    with app.test_request_context():
        return url_for(row.endpoint, **row.url_values(world))


def _resolve(value: Any, world: Coalition) -> dict[str, Any] | None:
    return value(world) if callable(value) else value


def _codes_text(statuses: dict[str, int]) -> str:
    return "codes(" + ", ".join(f"{role}={statuses[role]}" for role in ROLES) + ")"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.endpoint}")
def test_each_role_gets_the_expected_status(app: Flask, frozen_now: None, row: Row, monkeypatch):
    # The pages' forms need a CSRF token (test_csrf.py checks that); here: who may do what.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    actual: dict[str, int] = {}
    answers: dict[str, str] = {}
    flashed: list[tuple[str, Coalition]] = []
    world, changed = build(app), False

    def note_flash(_sender: Flask, message: str, category: str) -> None:
        flashed.append((message, world))

    for role in ROLES:
        if changed:  # the previous role's request succeeded: start again from the same state
            _reset_database(app)
            world = build(app)
        world.acting_role = role
        browser = signed_in(app, world, role)
        url, body, query = _url(app, row, world), _resolve(row.body, world), _resolve(row.query, world)
        with message_flashed.connected_to(note_flash, app):
            if row.form:
                response = browser.open(url, method=row.method, data=body or {}, query_string=query)
            else:
                # API writes declare JSON, even with no body (a cookie-borne write must).
                json_body = {} if body is None and row.method != "GET" else body
                response = browser.open(url, method=row.method, json=json_body, query_string=query)
        actual[role] = response.status_code
        answers[role] = f"{response.status_code} {response.get_data()[:200].decode(errors='replace')}"
        if role == ANONYMOUS and response.status_code == 302:
            assert "/sign-in" in response.headers["Location"]
        changed = response.status_code < 400
    _flashed_nothing_secret(app, flashed)
    if actual != row.expect:
        wrong = "\n".join(f"  {role}: {answers[role]}" for role in ROLES if actual[role] != row.expect[role])
        pytest.fail(
            f"{row.method} {row.endpoint}\n  expected {_codes_text(row.expect)}\n"
            f"  got      {_codes_text(actual)}\n{wrong}",
            pytrace=False,
        )


def _flashed_nothing_secret(app: Flask, flashed: list[tuple[str, Coalition]]) -> None:
    # Flash messages travel in the session cookie, which is signed, not encrypted: anyone
    # holding the browser can read it. No survivor's code and no site's name may be in one.
    with app.app_context():
        site_names = set(db.session.scalars(select(Site.name)))
    for message, world in flashed:
        secrets = set(world.client_codes.values()) | site_names
        assert not [secret for secret in secrets if secret in message], message
