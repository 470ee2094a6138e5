"""Fuzzing: schemathesis against the app's own OpenAPI document, in-process, as each role.

Every operation gets FUZZ_EXAMPLES generated requests per role: valid ones, invalid ones,
and valid ones aimed at the coalition's real records;
no answer may be a 5xx, and every answer must match the schema the document gives for
its status. The coalition gives the ids real records to point at.

Marked `fuzz`: part of the normal run (CI runs it on SQLite and PostgreSQL); deselect
with `-m "not fuzz"` for a quick local run. FUZZ_EXAMPLES (default 8) sets the depth.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy.orm import Session

from housing_service.extensions import db
from housing_service.models import ApiToken
from housing_service.request_limits import MAX_JSON_DEPTH
from housing_service.services import accounts

from .coalition import ADMIN, ANONYMOUS, NOW, ROLES, Coalition

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
# Besides random ids, requests aimed at real records, so that bodies reach the services.
REAL_RECORDS = {
    "client_id": "client_a",
    "hold_id": "held_hold",
    "placement_id": "current_stay",
    "site_id": "own_secret_site",
    "space_id": "secret_bed",
    "organisation_id": "own_organisation",
    "user_id": "user_advocate",
    "token_id": "token",
    "flag_id": "flag",
}


def _tokens(app: Flask, world: Coalition) -> dict[str, str]:
    """A bearer token per role (the fuzzer may sign sessions out and change passwords)."""
    tokens = {}
    with app.app_context(), Session(db.engine) as session:
        for role, user in world.users.items():
            plain = f"{accounts.TOKEN_PREFIX}fuzz-{role}-0123456789abcdefghijklmnop"
            session.add(
                ApiToken(
                    user_id=user.id,
                    name=f"fuzzing as {role}",
                    token_hash=accounts._token_digest(plain),
                    prefix=plain[:10],
                    created_at=NOW,
                    expires_at=NOW + timedelta(days=30),
                )
            )
            tokens[role] = plain
        session.commit()
    return tokens


def _headers(app: Flask, world: Coalition, role: str) -> dict[str, str]:
    if role == ANONYMOUS:
        return {}
    return {"Authorization": f"Bearer {_tokens(app, world)[role]}"}


@pytest.mark.fuzz
@pytest.mark.parametrize("role", ROLES)
def test_no_server_error_and_every_answer_matches_its_schema(app: Flask, coalition: Coalition, role: str):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = _headers(app, coalition, role)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        strategies = [
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ]
        names = [parameter.name for parameter in operation.path_parameters]
        if names and all(name in REAL_RECORDS for name in names):
            real = {name: coalition[REAL_RECORDS[name]] for name in names}
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))

        @given(case=st.one_of(strategies))
        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as failure:  # report every failing operation
            failures.append(f"{operation.label}: {failure}")
    assert operations >= 40, "the OpenAPI document lost its operations"
    assert not failures, f"{len(failures)} operation(s) failed as {role}:\n\n" + "\n\n".join(failures)


def _bodied_operations(app: Flask) -> list[tuple[str, str]]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.body:
            path = operation.path
            for parameter in operation.path_parameters:
                path = path.replace(f"{{{parameter.name}}}", "1")
            found.append(
                (operation.method.upper(), f"/api/v1{path}" if not path.startswith("/api/") else path)
            )
    assert len(found) >= 20, "the OpenAPI document lost its request bodies"
    return found


def _nested(openers: list[str]) -> bytes:
    closers = {"[": "]", '{"a":': "}"}
    return ("".join(openers) + "0" + "".join(closers[o] for o in reversed(openers))).encode()


def _refused_with_the_error_shape(response, expected: set[int]) -> str | None:
    body = response.get_json(silent=True) or {}
    if response.status_code not in expected or set(body) != {"code", "status", "message", "errors"}:
        return f"{response.status_code} {response.get_data(as_text=True)[:200]}"
    return None


@pytest.mark.fuzz
@pytest.mark.parametrize("role", [ADMIN, ANONYMOUS])
def test_deep_nesting_is_refused_on_every_body_without_a_server_error(
    app: Flask, coalition: Coalition, role: str
):
    headers = _headers(app, coalition, role)
    operations = _bodied_operations(app)
    openers = st.lists(st.sampled_from(["[", '{"a":']), min_size=MAX_JSON_DEPTH + 1, max_size=20_000)

    @given(shape=openers)
    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None)
    def fuzz(shape: list[str]) -> None:
        body = _nested(shape)
        for method, path in operations:
            response = app.test_client().open(
                path, method=method, data=body, content_type="application/json", headers=headers
            )
            expected = {400} if role != ANONYMOUS or path.endswith("/sessions") else {401}
            problem = _refused_with_the_error_shape(response, expected)
            assert problem is None, f"{method} {path} nested {len(shape)} deep: {problem}"

    fuzz()


def _body_limit(app: Flask, method: str, path: str) -> int:
    endpoint, _arguments = app.url_map.bind("localhost").match(path, method=method)
    uploads = app.extensions.get("upload_blueprints", set())
    key = "MAX_UPLOAD_LENGTH" if endpoint.rpartition(".")[0] in uploads else "MAX_CONTENT_LENGTH"
    return app.config[key]


@pytest.mark.fuzz
@pytest.mark.parametrize("role", [ADMIN, ANONYMOUS])
def test_an_oversize_body_is_refused_on_every_body_without_a_server_error(
    app: Flask, coalition: Coalition, role: str
):
    headers = _headers(app, coalition, role)
    operations = _bodied_operations(app)
    limit = app.config["MAX_CONTENT_LENGTH"]

    @given(over=st.integers(min_value=1, max_value=2 * limit), filler=st.sampled_from("a[{ "))
    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None)
    def fuzz(over: int, filler: str) -> None:
        for method, path in operations:
            # Routes that take a file accept up to MAX_UPLOAD_LENGTH; every other, MAX_CONTENT_LENGTH.
            size = _body_limit(app, method, path) + over
            body = b'{"name": "' + filler.encode() * (size - 12) + b'"}'
            response = app.test_client().open(
                path, method=method, data=body, content_type="application/json", headers=headers
            )
            expected = {413} if role != ANONYMOUS or path.endswith("/sessions") else {401}
            problem = _refused_with_the_error_shape(response, expected)
            assert problem is None, f"{method} {path} with {size:,} bytes: {problem}"

    fuzz()
