"""Cross-site requests: every form needs its CSRF token; the API takes JSON only."""

from __future__ import annotations

import pytest
from flask import Flask, url_for
from werkzeug.routing import AnyConverter, IntegerConverter

from housing_service.models import Client

from .coalition import ADMIN, ADVOCATE, Coalition
from .conftest import signed_in

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _some_value(converter: object) -> object:
    if isinstance(converter, IntegerConverter):
        return 1
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    return "x"


def _page_writes(app: Flask) -> list[tuple[str, str, object]]:
    return [
        (rule.endpoint, method, rule)
        for rule in app.url_map.iter_rules()
        if not rule.rule.startswith("/api/")
        for method in sorted(rule.methods & WRITES)
    ]


def test_every_form_is_refused_without_its_csrf_token(app: Flask, coalition: Coalition):
    writes = _page_writes(app)
    if not writes:
        pytest.skip("the app has no pages")
    assert app.config.get("WTF_CSRF_ENABLED", True), "CSRF protection is off in the tests' configuration"
    browser = signed_in(app, coalition, ADMIN)
    for endpoint, method, rule in writes:
        values = {name: _some_value(rule._converters[name]) for name in rule.arguments}
        with app.test_request_context():
            url = url_for(endpoint, **values)
        response = browser.open(url, method=method, data={"name": "x"})
        assert response.status_code == 400, f"{method} {url} without a CSRF token -> {response.status_code}"


def test_the_api_does_not_act_on_a_form_post_from_another_site(app: Flask, coalition: Coalition, make):
    before = make.count(Client)
    browser = signed_in(app, coalition, ADVOCATE)
    response = browser.post("/api/v1/clients", data={"age_group": "adult", "alias": "Forged"})
    assert response.status_code >= 400
    assert make.count(Client) == before
