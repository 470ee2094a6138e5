"""The OpenAPI document promises what the API does: required bodies are required, and the
Idempotency-Key header is declared wherever it is honoured."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from housing_service.api import idempotency

from .coalition import Coalition


def _operations(app: Flask) -> list[tuple[str, str, dict[str, Any]]]:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def test_a_body_the_document_marks_required_is_refused_when_missing(app: Flask, coalition: Coalition):
    checked = 0
    for method, path, operation in _operations(app):
        if not operation.get("requestBody", {}).get("required"):
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        # A bearer token: no Content-Type needed, so the body can be truly absent.
        response = app.test_client().open(
            url, method=method, headers={"Authorization": f"Bearer {coalition.token}"}
        )
        assert response.status_code == 422, (method, path, response.status_code, response.get_json())
        assert "body" in response.get_json()["errors"], (method, path)
        checked += 1
    assert checked >= 20


def _honours_the_header(view: Any) -> bool:
    while view is not None:
        if getattr(view, "honours_idempotency_key", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def test_idempotency_key_is_declared_exactly_where_it_is_honoured(app: Flask):
    honoured = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if _honours_the_header(app.view_functions[rule.endpoint])
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    declared = {
        (method, path)
        for method, path, operation in _operations(app)
        if any(parameter.get("name") == idempotency.HEADER for parameter in operation.get("parameters", []))
    }
    assert declared == honoured
    assert {("POST", "/api/v1/holds"), ("POST", "/api/v1/holds/{hold_id}/check-in")} <= honoured
    parameter = next(
        p
        for method, path, operation in _operations(app)
        if (method, path) == ("POST", "/api/v1/holds")
        for p in operation["parameters"]
        if p["name"] == idempotency.HEADER
    )
    assert parameter["in"] == "header" and parameter["schema"]["maxLength"] == 200
