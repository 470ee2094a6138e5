"""The cache shared by every worker and host (housing_service/shared_cache.py), against a real Redis.

Redis database 1 on 127.0.0.1 by default (TEST_REDIS_URL to change it), under a prefix of
this run's own that is emptied afterwards. Without a Redis these tests are skipped, saying
so; with REQUIRE_REDIS=1 (CI) they fail instead.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from housing_service import shared_cache
from housing_service.extensions import db
from housing_service.matching import SiteOption
from housing_service.matching import Space as SpaceOption
from housing_service.models import Role
from housing_service.services import availability, revision, suggestions
from housing_service.vocabulary import (
    Gender,
    HouseholdType,
    SpaceFeature,
    SpaceKind,
    SubstanceUsePolicy,
    Tier,
)

@dataclass(frozen=True)
class Unlisted:
    number: int


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


def _reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False


@pytest.fixture
def shared(app) -> Iterator[shared_cache.SharedCache]:
    """The app's shared cache for one test, in Redis, under a prefix no one else uses."""
    if not _reachable(REDIS_URL):
        message = f"no Redis at {REDIS_URL} (start redis-server, or set TEST_REDIS_URL)"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    cache = shared_cache.SharedCache(REDIS_URL, f"hs-test-{secrets.token_hex(4)}", timeout_seconds=0.5)
    app.extensions[shared_cache.EXTENSION] = cache
    try:
        yield cache
    finally:
        app.extensions.pop(shared_cache.EXTENSION, None)
        cache.clear()


def _forget_in_process() -> None:
    """What a second worker (or host) starts with: nothing of its own."""
    for kept in revision._kept:
        kept.clear()


def _stored(cache: shared_cache.SharedCache) -> dict[str, bytes]:
    keys = cache._redis.scan_iter(match=f"{cache.prefix}:*")
    return {key.decode(): cache._redis.get(key) for key in keys}


@contextmanager
def _statements(app) -> Iterator[list[str]]:
    """The SQL statements the app sends while the block runs."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _search(session, **params):
    response = session.get("/api/v1/availability", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_values_come_back_equal_and_only_as_registered_classes():
    site = SiteOption(
        site_id=4,
        name="Harbour House",
        tier=Tier.EMERGENCY,
        area_id=2,
        households_served=frozenset({HouseholdType.SINGLE_ADULTS}),
        genders_served=frozenset({Gender.WOMAN, Gender.NONBINARY}),
        age_groups_served=frozenset(),
        substance_use_policy=SubstanceUsePolicy.HARM_REDUCTION,
        stay_limit_days=30,
        languages=frozenset({"es", "en"}),
        availability_confirmed_at=datetime(2027, 3, 1, 12, 30, tzinfo=UTC),
        spaces=(
            SpaceOption(9, "Bed 1", SpaceKind.BED, 1, frozenset({SpaceFeature.GROUND_FLOOR}),
                        ((date(2027, 3, 1), None),)),
        ),
    )
    assert shared_cache.loads(shared_cache.dumps([site])) == [site]
    # Equal sets give equal keys, whatever order they were made in.
    assert shared_cache.key_digest(frozenset({"es", "en", "vi"})) == shared_cache.key_digest(
        frozenset(["vi", "en", "es"])
    )
    # An entry naming a class the cache never wrote (here one that would run a command) is refused.
    with pytest.raises(ValueError, match="not a class the shared cache may build"):
        shared_cache.loads(b'{"c": "os.system", "f": ["true"]}')
    with pytest.raises(TypeError, match="not registered"):
        shared_cache.dumps(Unlisted(1))


def test_a_board_page_built_by_one_worker_is_read_by_the_others(api, make, shared, monkeypatch):
    advocate = make.user(Role.ADVOCATE)
    site = make.site()
    make.space(site), make.space(site)
    first = _search(api(advocate))
    assert [key for key in _stored(shared) if ":board:" in key]

    _forget_in_process()

    def read_afresh(*_args):
        raise AssertionError("the page should come from the shared cache")

    monkeypatch.setattr(availability, "_board_page", read_afresh)
    assert _search(api(advocate)) == first


def test_a_hold_on_one_host_is_never_answered_stale_by_another(api, make, shared):
    advocate = make.user(Role.ADVOCATE)
    site = make.site()
    bed, _other = make.space(site), make.space(site)
    client = make.client(advocates=(advocate,))
    before = _search(api(advocate))
    assert before["items"][0]["free_beds"] == 2

    held = api(advocate).post("/api/v1/holds", json={"client_id": client.id, "space_id": bed.id})
    assert held.status_code == 201, held.get_json()
    _forget_in_process()  # the next search lands on a worker that kept the old page in Redis only

    after = _search(api(advocate))
    assert after["items"][0]["free_beds"] == 1
    assert bed.id not in [space["id"] for space in after["items"][0]["free_spaces"]]


def test_no_confidential_address_and_nothing_about_a_survivor_goes_into_redis(api, make, shared):
    advocate = make.user(Role.ADVOCATE)
    hidden = make.site(confidential=True, address="12 Hidden Lane")
    listed = make.site(address="40 Public Road")
    make.space(hidden), make.space(listed)
    client = make.client(advocates=(advocate,), code="S-SECRET1")
    make.placement(client, make.space(listed), listed, date.today(), advocate)
    result = _search(api(advocate))
    assert {item["site"]["id"] for item in result["items"]} == {hidden.id, listed.id}

    stored = b" ".join(_stored(shared).values())
    assert b"40 Public Road" in stored  # the board is there, with what every searcher sees
    assert b"12 Hidden Lane" not in stored
    assert b"S-SECRET1" not in stored


def test_the_matcher_inputs_are_read_once_for_every_worker(app, make, shared, monkeypatch):
    site = make.site(tier=Tier.TRANSITIONAL)
    make.space(site)
    today = date.today()
    with app.app_context():
        built = suggestions.matcher_for({Tier.TRANSITIONAL}, today)
        expected = suggestions.site_options({Tier.TRANSITIONAL}, today)
        db.session.rollback()
    assert [key for key in _stored(shared) if ":matcher-inputs:" in key]

    _forget_in_process()

    def read_afresh(*_args):
        raise AssertionError("the inputs should come from the shared cache")

    monkeypatch.setattr(suggestions, "site_options", read_afresh)
    with app.app_context():
        again = suggestions.matcher_for({Tier.TRANSITIONAL}, today)
        kept = suggestions._inputs.get((frozenset({Tier.TRANSITIONAL}), today), read_afresh)
        db.session.rollback()
    assert again is not built and kept == expected


def test_a_transaction_with_changes_of_its_own_neither_keeps_nor_shares(app, make, shared):
    make.site()
    built = []
    kept = revision.KeptWhileCurrent[str](size=4, shared_as="test")
    with app.app_context():
        revision.mark_changed()
        assert kept.get("key", lambda: built.append(1) or "uncommitted") == "uncommitted"
        assert kept.get("key", lambda: built.append(1) or "uncommitted") == "uncommitted"
        db.session.rollback()
    assert len(built) == 2
    assert not [key for key in _stored(shared) if ":test:" in key]


def test_redis_down_answers_from_the_database_and_logs_no_personal_data(api, make, app, caplog):
    advocate = make.user(Role.ADVOCATE)
    site = make.site()
    make.space(site)
    # Nothing listens on port 1: every call fails at once, as a Redis that went away would.
    app.extensions[shared_cache.EXTENSION] = shared_cache.SharedCache(
        "redis://127.0.0.1:1/1", "hs-test-down", timeout_seconds=0.1
    )
    try:
        with caplog.at_level(logging.WARNING, logger="housing_service.shared_cache"):
            started = time.monotonic()
            for language in ("es", "en", "vi"):
                _forget_in_process()
                _search(api(advocate), language=language, gender="woman")
            elapsed = time.monotonic() - started
    finally:
        app.extensions.pop(shared_cache.EXTENSION, None)
    logger = "housing_service.shared_cache"
    warnings = [record.getMessage() for record in caplog.records if record.name == logger]
    assert len(warnings) == 1, warnings  # said once, then the database alone for a while
    assert "ConnectionError" in warnings[0]
    assert "woman" not in warnings[0] and "board" not in warnings[0]
    assert elapsed < 5


def test_deactivation_a_role_change_and_a_revoked_token_take_effect_at_once_everywhere(api, make, app, shared):
    admin = make.user(Role.ADMIN)
    leaving, moving, careful = (
        make.user(Role.ADVOCATE, email=f"{name}@example.org", display_name=f"Person {name}")
        for name in ("leaving", "moving", "careful")
    )
    tokens = {}
    for user in (leaving, moving, careful):
        created = api(user).post("/api/v1/tokens", json={"name": "script"})
        assert created.status_code == 201, created.get_json()
        tokens[user.id] = created.get_json()

    def me(user) -> int:
        bearer = {"Authorization": f"Bearer {tokens[user.id]['token']}"}
        return app.test_client().get("/api/v1/users/me", headers=bearer).status_code

    assert [me(user) for user in (leaving, moving, careful)] == [200, 200, 200]
    stored = _stored(shared)
    assert [key for key in stored if ":token:" in key]
    everything = b" ".join(stored.values())
    for user in (leaving, moving, careful):
        assert tokens[user.id]["token"].encode() not in everything
        assert user.email.encode() not in everything and user.display_name.encode() not in everything

    # Changed through this process; the lookups kept here and in Redis were made before.
    assert api(admin).patch(f"/api/v1/users/{leaving.id}", json={"active": False}).status_code == 200
    assert api(admin).patch(f"/api/v1/users/{moving.id}", json={"role": "case_manager"}).status_code == 200
    assert api(careful).delete(f"/api/v1/tokens/{tokens[careful.id]['id']}").status_code == 200
    assert [me(user) for user in (leaving, moving, careful)] == [401, 401, 401]
    _forget_in_process()  # another host, with nothing of its own
    assert [me(user) for user in (leaving, moving, careful)] == [401, 401, 401]


def test_a_token_lookup_kept_elsewhere_needs_no_statement_for_the_token(api, make, app, shared):
    user = make.user(Role.ADVOCATE)
    token = api(user).post("/api/v1/tokens", json={"name": "script"}).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    # The first use writes the token's last-used time (hourly), which moves the accounts' revision.
    for _ in range(2):
        assert app.test_client().get("/api/v1/users/me", headers=bearer).status_code == 200
    _forget_in_process()
    with _statements(app) as seen:
        answer = app.test_client().get("/api/v1/users/me", headers=bearer)
    assert answer.status_code == 200 and answer.get_json()["id"] == user.id
    assert not [sql for sql in seen if "api_tokens" in sql], seen
