"""What the fuzzer found, kept as plain regression tests."""

from __future__ import annotations

import pytest
from flask import Flask

from housing_service.input_bounds import LARGEST_ID

from .coalition import ADMIN, ADVOCATE, PARTNER_OWN, Coalition
from .conftest import signed_in

HUGE = 10**25


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/holds/{HUGE}",
        f"/api/v1/clients/{LARGEST_ID + 1}",
        f"/api/v1/flags/{HUGE}/acknowledge",
        f"/api/v1/users/{HUGE}/password",
    ],
)
def test_an_id_too_large_for_the_database_is_simply_not_found(app: Flask, coalition: Coalition, path: str):
    browser = signed_in(app, coalition, ADMIN)
    response = browser.open(
        path, method="POST" if path.endswith(("acknowledge", "password")) else "GET", json={}
    )
    assert response.status_code == 404


def test_the_largest_id_the_database_holds_is_still_routed(app: Flask, coalition: Coalition):
    response = signed_in(app, coalition, ADMIN).get(f"/api/v1/holds/{LARGEST_ID}")
    assert (
        response.status_code == 404 and response.get_json()["message"] == "No hold you may see has this id."
    )


@pytest.mark.parametrize(
    ("role", "method", "path", "options"),
    [
        (ADVOCATE, "GET", "/api/v1/availability", {"query_string": {"avoid_area": HUGE}}),
        (ADVOCATE, "GET", "/api/v1/placements", {"query_string": {"client_id": HUGE}}),
        (ADVOCATE, "GET", "/api/v1/clients", {"query_string": {"page": HUGE}}),
        (PARTNER_OWN, "POST", "/api/v1/placements", {"json": {"space_id": 1, "client_id": HUGE}}),
    ],
)
def test_a_number_too_large_for_the_database_is_invalid_input(app, coalition, role, method, path, options):
    response = signed_in(app, coalition, role).open(path, method=method, **options)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["code"] == 422


def test_an_unknown_case_manager_is_refused_with_a_reason(app: Flask, coalition: Coalition):
    response = signed_in(app, coalition, ADMIN).patch(
        f"/api/v1/clients/{coalition['client_a']}", json={"case_manager_id": 99999}
    )
    assert response.status_code == 422
    assert "case_manager_id" in response.get_json()["errors"]
