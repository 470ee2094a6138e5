"""The coalition's sign-in rules: admins choose which roles must sign in in two steps.

Kept in the database; TWO_FACTOR_REQUIRED_ROLES from the environment applies only until an
admin sets the rule. A change gives whoever it newly requires a fresh grace period, so that
nobody is locked out the moment an admin adds their role.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from housing_service import clock
from housing_service.extensions import db
from housing_service.models import AuditEvent, Role, TwoStepRoleRule, User

from ..factories import PASSWORD

START = datetime(2027, 3, 10, 20, 0, 5, tzinfo=UTC)
ANA = "ana@example.org"
RULES = "/api/v1/sign-in-rules"


class Moment:
    def __init__(self) -> None:
        self.now = START

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        clock._frozen_at = self.now


@pytest.fixture
def moment() -> Iterator[Moment]:
    with clock.frozen(START):
        yield Moment()


def _sign_in(app, email: str = ANA):
    return app.test_client().post("/api/v1/sessions", json={"email": email, "password": PASSWORD})


def test_until_an_admin_sets_it_the_environment_setting_applies(app, api, make, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", frozenset({"admin", "partner"}))
    rules = api(make.user(Role.ADMIN)).get(RULES)
    assert rules.status_code == 200
    body = rules.get_json()
    assert body["two_step_required_roles"] == ["admin", "partner"]
    assert body["set_by_admin"] is False and body["changed_at"] is None
    assert body["grace_days"] == app.config["TWO_FACTOR_GRACE_DAYS"]


def test_an_admins_rule_is_kept_in_the_database_and_outlasts_the_environment(
    app, api, make, monkeypatch, moment
):
    admin = make.user(Role.ADMIN)
    changed = api(admin).put(RULES, json={"two_step_required_roles": ["advocate", "case_manager"]})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["two_step_required_roles"] == ["advocate", "case_manager"]
    assert changed.get_json()["set_by_admin"] is True
    assert make.count(TwoStepRoleRule) == 4
    assert make.count(TwoStepRoleRule, required=True) == 2

    # A later deploy with another environment setting does not undo the admin's choice.
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", frozenset({"admin", "partner"}))
    again = api(admin).get(RULES).get_json()
    assert again["two_step_required_roles"] == ["advocate", "case_manager"]
    assert again["changed_at"].startswith("2027-03-10T20:00:05")
    advocate = make.user(Role.ADVOCATE)
    assert api(advocate).get("/api/v1/users/me").get_json()["two_step_sign_in"]["required"] is True
    partner = make.user(Role.PARTNER)
    assert api(partner).get("/api/v1/users/me").get_json()["two_step_sign_in"]["required"] is False


def test_people_newly_required_get_a_grace_period_from_the_change(app, api, make, moment):
    admin = make.user(Role.ADMIN)
    make.user(Role.ADVOCATE, email=ANA)  # made long before the rule: nothing asked of her then
    moment.advance(60 * 86400)
    assert _sign_in(app).status_code == 200

    changed = api(admin).put(RULES, json={"two_step_required_roles": ["advocate"]})
    body = changed.get_json()
    assert body["newly_required"] == ["advocate"] and body["no_longer_required"] == []
    assert body["people_newly_required"] == 1
    enrol_by = START + timedelta(days=60 + app.config["TWO_FACTOR_GRACE_DAYS"])
    assert body["enrol_by"].startswith(enrol_by.isoformat()[:19])

    # Not locked out at once: the password alone still works, with a date to set it up by.
    signed_in = _sign_in(app)
    assert signed_in.status_code == 200
    assert signed_in.get_json()["two_step_sign_in"]["enrol_by"].startswith(enrol_by.isoformat()[:19])
    moment.advance(app.config["TWO_FACTOR_GRACE_DAYS"] * 86400 - 1)
    assert _sign_in(app).status_code == 200
    moment.advance(1)
    assert _sign_in(app).status_code == 403


def test_a_change_leaves_the_grace_period_of_those_already_required_alone(app, api, make, moment):
    admin = make.user(Role.ADMIN)
    api(admin).put(RULES, json={"two_step_required_roles": ["advocate"]})
    make.user(Role.ADVOCATE, email=ANA)
    moment.advance(5 * 86400)
    api(admin).put(RULES, json={"two_step_required_roles": ["advocate", "partner"]})
    moment.advance(2 * 86400)  # seven days after her account was made
    assert _sign_in(app).status_code == 403


def test_a_role_no_longer_required_signs_in_with_the_password_again(app, api, make, moment):
    admin = make.user(Role.ADMIN)
    api(admin).put(RULES, json={"two_step_required_roles": ["advocate"]})
    make.user(Role.ADVOCATE, email=ANA)
    moment.advance(30 * 86400)
    assert _sign_in(app).status_code == 403
    relaxed = api(admin).put(RULES, json={"two_step_required_roles": []})
    assert relaxed.get_json()["no_longer_required"] == ["advocate"]
    assert relaxed.get_json()["two_step_required_roles"] == []
    assert _sign_in(app).status_code == 200


def test_every_change_is_audited(app, api, make, moment):
    admin = make.user(Role.ADMIN)
    make.user(Role.PARTNER)
    api(admin).put(RULES, json={"two_step_required_roles": ["admin", "partner"]})
    api(admin).put(RULES, json={"two_step_required_roles": ["admin"]})
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sign_in_rules.update").order_by(AuditEvent.id)
        ).all()
    assert [event.details for event in events] == [
        {
            "two_step_required_roles": ["admin", "partner"],
            "newly_required": ["admin", "partner"],
            "no_longer_required": [],
            "grace_period_started_for": 2,
        },
        {
            "two_step_required_roles": ["admin"],
            "newly_required": [],
            "no_longer_required": ["partner"],
            "grace_period_started_for": 0,
        },
    ]
    assert {event.actor_id for event in events} == {admin.id}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"two_step_required_roles": ["admins"]}, "two_step_required_roles.0"),
        ({"two_step_required_roles": "admin"}, "two_step_required_roles"),
        ({"two_step_required_roles": [None]}, "two_step_required_roles.0"),
        ({"two_step_required_roles": ["admin"] * 5}, "two_step_required_roles"),
        ({}, "two_step_required_roles"),
        ({"two_step_required_roles": [], "grace_days": 1}, "grace_days"),
    ],
)
def test_a_bad_rule_is_refused_by_name_and_changes_nothing(api, make, body, field):
    admin = make.user(Role.ADMIN)
    refused = api(admin).put(RULES, json=body)
    assert refused.status_code == 422
    assert field in refused.get_json()["errors"], refused.get_json()
    assert set(refused.get_json()) >= {"code", "status", "message", "errors"}
    assert make.count(TwoStepRoleRule) == 0
    assert make.count(AuditEvent, action="sign_in_rules.update") == 0


def test_only_admins_see_or_change_the_rules(api, make):
    for role in (Role.ADVOCATE, Role.CASE_MANAGER, Role.PARTNER):
        person = make.user(role)
        assert api(person).get(RULES).status_code == 403
        assert api(person).put(RULES, json={"two_step_required_roles": []}).status_code == 403
    assert make.count(TwoStepRoleRule) == 0


def test_the_openapi_document_declares_the_rules(app):
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/sign-in-rules"]) >= {"get", "put"}
    assert paths["/api/v1/sign-in-rules"]["put"]["requestBody"]["required"] is True


def test_someone_who_set_it_up_is_not_counted_as_newly_required(api, make, moment):
    admin = make.user(Role.ADMIN)
    make.user(Role.PARTNER, totp_enabled_at=START)
    make.user(Role.PARTNER)
    body = api(admin).put(RULES, json={"two_step_required_roles": ["partner"]}).get_json()
    assert body["people_newly_required"] == 1
    assert make.count(User, role=Role.PARTNER) == 2


def test_admins_setting_the_rule_at_the_same_moment_leave_one_whole_rule(api, make, moment):
    """The first rule is four new rows: racing admins get 200 or 409, never a mix of both rules."""
    import threading

    choices = [["admin"], ["advocate"], ["case_manager"], ["partner"]]
    sessions = [api(make.user(Role.ADMIN)) for _ in choices]
    start = threading.Barrier(len(sessions))
    statuses = [0] * len(sessions)

    def put(index: int) -> None:
        start.wait()
        statuses[index] = (
            sessions[index].put(RULES, json={"two_step_required_roles": choices[index]}).status_code
        )

    threads = [threading.Thread(target=put, args=(i,)) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert set(statuses) <= {200, 409} and 200 in statuses, statuses
    assert make.count(TwoStepRoleRule) == 4
    assert make.count(TwoStepRoleRule, required=True) == 1
    assert make.count(AuditEvent, action="sign_in_rules.update") == statuses.count(200)


def test_someone_moved_into_a_required_role_gets_a_grace_period_from_the_move(app, api, make, moment):
    admin = make.user(Role.ADMIN)
    api(admin).put(RULES, json={"two_step_required_roles": ["case_manager"]})
    person = make.user(Role.ADVOCATE, email=ANA)
    moment.advance(60 * 86400)
    moved = api(admin).patch(f"/api/v1/users/{person.id}", json={"role": "case_manager"})
    assert moved.status_code == 200
    standing = moved.get_json()["two_step_sign_in"]
    assert standing["required"] is True
    enrol_by = START + timedelta(days=60 + app.config["TWO_FACTOR_GRACE_DAYS"])
    assert standing["enrol_by"].startswith(enrol_by.isoformat()[:19])
    assert _sign_in(app).status_code == 200  # not locked out by the move
