"""Security headers on every response; nothing that may hold survivor data is cached."""

from __future__ import annotations

import pytest
from flask import Flask

from housing_service.models import Role
from housing_service.security_headers import CONTENT_SECURITY_POLICY

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}


def _assert_hardened(response, cacheable: bool = False) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    policy = response.headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
    if not cacheable:
        assert response.headers["Cache-Control"] == "no-store", response.status_code


def test_api_answers_of_every_kind_carry_the_headers(api, make):
    advocate = make.user(Role.ADVOCATE)
    session = api(advocate)
    _assert_hardened(session.get("/api/v1/sites"))  # 200
    _assert_hardened(api(None).get("/api/v1/sites"))  # 401
    _assert_hardened(session.get("/api/v1/clients/999999"))  # 404
    _assert_hardened(session.get("/api/v1/sites", query_string={"bogus": "1"}))  # 422
    _assert_hardened(session.get("/api/v1/users"))  # 403
    _assert_hardened(session.get("/api/v1/no-such-thing"))  # 404 from routing
    _assert_hardened(session.delete("/api/v1/sites"))  # 405
    _assert_hardened(api(None).get("/api/v1/openapi.json"))
    _assert_hardened(api(None).get("/api/v1/health"))


def test_a_failure_carries_the_headers_too(api, app: Flask, monkeypatch):
    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "health.health", broken)
    response = api(None).get("/api/v1/health")
    assert response.status_code == 500
    _assert_hardened(response)


def test_every_page_and_endpoint_answers_with_the_headers(app: Flask, api, make):
    """Whatever exists (pages included), signed in or not: the headers are always there."""
    signed_in = api(make.user(Role.ADMIN))
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", "1").replace(f"<{name}>", "x").replace(f"<path:{name}>", "x")
        for browser in (signed_in, api(None)):
            response = browser.get(path)
            # The public directory (HSDS) holds no confidential site and no survivor: its answers
            # may be kept, and say so; its errors may not.
            directory = rule.endpoint.startswith("hsds.") and response.status_code == 200
            _assert_hardened(response, cacheable=directory)
            if directory:
                assert response.headers["Cache-Control"] == "public, max-age=300"


def test_static_files_may_be_cached(app: Flask, api, tmp_path, monkeypatch):
    (tmp_path / "app.css").write_text("body { margin: 0 }")
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    response = api(None).get("/static/app.css")
    assert response.status_code == 200
    _assert_hardened(response, cacheable=True)
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_hsts_is_left_out_on_a_developers_machine(app: Flask, api, monkeypatch):
    monkeypatch.setitem(app.config, "HOUSING_ENV", "development")
    response = api(None).get("/api/v1/health")
    assert "Strict-Transport-Security" not in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/sessions/current"])
def test_responses_never_carry_a_server_version_or_a_stack(api, path):
    response = api(None).get(path)
    assert "Werkzeug" not in response.headers.get("Server", "")
    assert "Traceback" not in response.get_data(as_text=True)
