"""Fixtures for the security tests: the coalition, and a browser signed in as each role."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from housing_service import clock

from .coalition import ANONYMOUS, NOW, Coalition, build


@pytest.fixture
def frozen_now() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


@pytest.fixture
def coalition(app: Flask, frozen_now: None) -> Coalition:
    return build(app)


def signed_in(app: Flask, world: Coalition, role: str) -> FlaskClient:
    """A test browser with a session for `role` (or none for the anonymous visitor)."""
    browser = app.test_client()
    if role != ANONYMOUS:
        user = world.users[role]
        with browser.session_transaction() as session:
            session["_user_id"] = f"{user.id}.{user.session_version}"
            session["_fresh"] = True
            session["signed_in_at"] = session["last_seen_at"] = session["confirmed_at"] = time.time()
    return browser
