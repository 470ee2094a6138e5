"""No input gives a 500: size, nesting, page numbers, dates, ids and NUL characters are
refused with a 4xx that says what is accepted (the API's error shape on the API)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from marshmallow import Schema, fields

from housing_service.config import load_config
from housing_service.models import Client, Hold
from housing_service.request_limits import MAX_JSON_DEPTH

from ..factories import PASSWORD
from .coalition import ADVOCATE, ANONYMOUS, CASE_MANAGER, OFF_CASE, Coalition
from .conftest import signed_in

ONE_MB = 1024 * 1024


def _error_shape(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"} and body["code"] == status
    return body


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000, 100_000])
def test_deeply_nested_json_is_refused_on_the_anonymous_sign_in(app: Flask, depth: int):
    body = '{"email": "a@example.org", "password": ' + _nested(depth) + "}"
    response = app.test_client().post("/api/v1/sessions", data=body, content_type="application/json")
    assert "levels" in _error_shape(response, 400)["errors"]["body"][0]


def test_deeply_nested_json_is_refused_on_every_json_route(app: Flask, coalition: Coalition):
    browser = signed_in(app, coalition, CASE_MANAGER)
    body = json.dumps({"alias": json.loads(_nested(MAX_JSON_DEPTH + 5))})
    for method, path in (("POST", "/api/v1/clients"), ("PATCH", f"/api/v1/clients/{coalition['client_a']}")):
        response = browser.open(path, method=method, data=body, content_type="application/json")
        _error_shape(response, 400)


def test_brackets_inside_strings_are_not_nesting(app: Flask, coalition: Coalition):
    browser = signed_in(app, coalition, CASE_MANAGER)
    response = browser.post("/api/v1/clients", json={"age_group": "adult", "alias": "[" * 200})
    assert response.status_code == 422  # the alias is too long, not too deep
    assert "alias" in response.get_json()["errors"]


def test_json_at_the_nesting_limit_is_read(app: Flask):
    body = '{"email": "a@example.org", "password": ' + _nested(MAX_JSON_DEPTH - 1) + "}"
    response = app.test_client().post("/api/v1/sessions", data=body, content_type="application/json")
    assert response.status_code == 422 and "password" in response.get_json()["errors"]


def test_an_oversize_body_is_refused_unread_on_the_anonymous_sign_in(app: Flask):
    body = json.dumps({"email": "a@example.org", "password": "x" * (2 * ONE_MB)})
    response = app.test_client().post("/api/v1/sessions", data=body, content_type="application/json")
    assert "bytes" in _error_shape(response, 413)["message"]


def test_an_oversize_form_is_refused_on_the_pages(app: Flask):
    response = app.test_client().post(
        "/sign-in", data={"email": "a@example.org", "password": "x" * (2 * ONE_MB)}
    )
    assert response.status_code == 413
    assert "larger than this service accepts" in response.get_data(as_text=True)


def test_the_size_limit_is_a_setting(tmp_path):
    assert load_config(tmp_path, {})["MAX_CONTENT_LENGTH"] == ONE_MB
    assert load_config(tmp_path, {"MAX_CONTENT_LENGTH": "2048"})["MAX_CONTENT_LENGTH"] == 2048


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/beds?starts_on=9999-12-31", "First night"),
        ("/beds?starts_on=0001-01-01", "First night"),
        ("/beds?page=99999999999999999999", "page"),
        ("/beds?page=0", "page"),
        ("/caseload?page=99999999999999999999", "page"),
        ("/caseload?page=100001", "page"),
        ("/holds/new?space=99999999999999999999", "space"),
        ("/holds/new?space=1&starts_on=9999-12-31", "starts_on"),
    ],
)
def test_page_numbers_ids_and_dates_on_pages_are_bounded(
    app: Flask, coalition: Coalition, path: str, field: str
):
    response = signed_in(app, coalition, CASE_MANAGER).get(path)
    assert response.status_code == 422, response.status_code
    text = response.get_data(as_text=True)
    assert field in text and ("2000 to 2099" in text or "whole number from 1 to" in text)


def test_a_page_number_in_range_still_works(app: Flask, coalition: Coalition):
    browser = signed_in(app, coalition, CASE_MANAGER)
    assert browser.get("/caseload?page=2").status_code == 200
    assert browser.get("/beds?page=1&starts_on=2027-03-11&searched=1").status_code == 200


def test_ids_that_are_not_whole_numbers_are_refused(app: Flask, coalition: Coalition, make):
    before = make.count(Hold)
    response = signed_in(app, coalition, ADVOCATE).post(
        "/api/v1/holds",
        json={"client_id": coalition["client_a"] + 0.5, "space_id": coalition["open_bed"] + 0.9},
    )
    body = _error_shape(response, 422)
    assert body["errors"]["client_id"] == ["Must be a whole number."]
    assert body["errors"]["space_id"] == ["Must be a whole number."]
    assert make.count(Hold) == before


def test_a_whole_number_written_with_a_point_is_still_that_number(app: Flask, coalition: Coalition):
    response = signed_in(app, coalition, ADVOCATE).post(
        "/api/v1/holds",
        json={"client_id": float(coalition["client_a"]), "space_id": float(coalition["open_bed"])},
    )
    assert response.status_code == 201 and response.get_json()["client_id"] == coalition["client_a"]


def test_every_integer_the_api_reads_refuses_fractions():
    import housing_service.api as api_package
    from housing_service.api.common import WholeNumber

    def integers(field: fields.Field, where: str) -> list[str]:
        found = []
        if isinstance(field, fields.Integer) and not isinstance(field, WholeNumber):
            found.append(where)
        if isinstance(field, fields.List):
            found += integers(field.inner, f"{where}[]")
        return found

    def subclasses(cls: type) -> list[type]:
        return [cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))]

    __import__("housing_service.app_factory")  # every API module, with its schemas
    plain = [
        where
        for schema in subclasses(Schema)
        if schema.__module__.startswith(api_package.__name__)
        for name, field in schema._declared_fields.items()
        for where in integers(field, f"{schema.__name__}.{name}")
    ]
    assert plain == []


def test_a_nul_character_in_json_is_refused_naming_the_field(app: Flask, coalition: Coalition, make):
    before = make.count(Client)
    response = signed_in(app, coalition, CASE_MANAGER).post(
        "/api/v1/clients", json={"age_group": "adult", "alias": "Ro\x00se", "languages": ["e\x00s"]}
    )
    body = _error_shape(response, 422)
    assert set(body["errors"]) == {"alias", "languages.0"}
    assert "NUL" in body["errors"]["alias"][0]
    assert make.count(Client) == before


def test_a_nul_character_in_the_anonymous_sign_in_is_refused_naming_the_field(app: Flask):
    response = app.test_client().post(
        "/api/v1/sessions", json={"email": "a\x00@example.org", "password": PASSWORD}
    )
    assert set(_error_shape(response, 422)["errors"]) == {"email"}


def test_a_nul_character_in_a_query_or_a_form_is_refused_naming_the_field(app: Flask, coalition: Coalition):
    browser = signed_in(app, coalition, CASE_MANAGER)
    response = browser.get("/api/v1/flags?kind=nearing%00limit")
    assert set(_error_shape(response, 422)["errors"]) == {"kind"}
    page = app.test_client().post("/sign-in", data={"email": "a\x00@example.org", "password": PASSWORD})
    assert page.status_code == 422 and "email" in page.get_data(as_text=True)


EXISTING_BUT_NOT_YOURS = [
    ("GET", "/api/v1/clients/{client_a}", None),
    ("PATCH", "/api/v1/clients/{client_a}", {"alias": "New"}),
    ("POST", "/api/v1/clients/{client_a}/team", {"user_id": 1}),
    ("PATCH", "/api/v1/plan-steps/{plan_step}", {"status": "done"}),
    ("GET", "/api/v1/holds/{held_hold}", None),
    ("GET", "/api/v1/placements/{current_stay}", None),
    ("GET", "/api/v1/placements/{current_stay}/plan", None),
    ("POST", "/api/v1/flags/{flag}/acknowledge", {"note": "on it"}),
]


@pytest.mark.parametrize(("method", "template", "body"), EXISTING_BUT_NOT_YOURS)
def test_a_record_you_may_not_see_is_answered_as_one_that_does_not_exist(
    app: Flask, coalition: Coalition, method: str, template: str, body: dict[str, Any] | None
):
    browser = signed_in(app, coalition, OFF_CASE)
    existing = template.format(**coalition.ids)
    missing = template.format(**{name: 99_999 for name in coalition.ids})
    kwargs = {"json": body} if body is not None else {}
    if method != "GET" and body is None:
        kwargs["json"] = {}
    hidden = browser.open(existing, method=method, **kwargs)
    absent = browser.open(missing, method=method, **kwargs)
    assert hidden.status_code == absent.status_code == 404
    assert hidden.get_json() == absent.get_json()


def test_a_plan_step_you_may_not_see_is_not_found_on_the_pages_either(
    app: Flask, coalition: Coalition, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    browser = signed_in(app, coalition, OFF_CASE)
    hidden = browser.post(f"/plan-steps/{coalition['plan_step']}/status", data={"status": "done"})
    absent = browser.post("/plan-steps/99999/status", data={"status": "done"})
    assert hidden.status_code == absent.status_code == 404


def test_anonymous_visitors_are_asked_to_sign_in_before_any_limit(app: Flask, coalition: Coalition):
    del coalition
    response = signed_in(app, Coalition(), ANONYMOUS).post(
        "/api/v1/clients", data=_nested(1000), content_type="application/json"
    )
    assert response.status_code == 401


def test_a_nul_character_in_the_idempotency_key_is_refused_naming_the_header(
    app: Flask, coalition: Coalition, make
):
    before = make.count(Hold)
    response = signed_in(app, coalition, ADVOCATE).post(
        "/api/v1/holds",
        json={"client_id": coalition["client_a"], "space_id": coalition["open_bed"]},
        headers={"Idempotency-Key": "retry\x00one"},
    )
    assert set(_error_shape(response, 422)["errors"]) == {"Idempotency-Key"}
    assert make.count(Hold) == before


def test_a_number_too_large_in_a_forms_hidden_field_is_invalid_not_a_failure(
    app: Flask, coalition: Coalition, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    browser = signed_in(app, coalition, ADVOCATE)
    response = browser.post("/holds", data={"space_id": "9" * 20, "client_id": str(coalition["client_a"])})
    assert response.status_code == 422
    assert "out of range" in response.get_data(as_text=True)
