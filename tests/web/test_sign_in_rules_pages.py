"""Admin → Sign-in rules: choose the roles that must sign in in two steps, see what changes, confirm."""

from __future__ import annotations

import pytest

from housing_service.models import AuditEvent, TwoStepRoleRule
from tests.web.world import text_of

pytestmark = pytest.mark.usefixtures("frozen_clock")

RULES = "/admin/sign-in-rules"


def test_the_page_shows_the_rule_in_force_and_where_it_comes_from(app, pages, world, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", frozenset({"admin", "partner"}))
    shown = text_of(pages(world.admin).get(RULES))
    assert "No admin has set this yet" in shown and "TWO_FACTOR_REQUIRED_ROLES" in shown
    assert 'checked id="required_roles-0" name="required_roles" type="checkbox" value="admin"' in shown
    assert 'id="required_roles-1" name="required_roles" type="checkbox" value="advocate"' in shown
    assert 'checked id="required_roles-1"' not in shown
    assert 'checked id="required_roles-3" name="required_roles" type="checkbox" value="partner"' in shown
    assert 'href="/admin/sign-in-rules"' in text_of(pages(world.admin).get("/admin"))
    assert 'href="/admin/sign-in-rules"' in text_of(pages(world.admin).get("/admin/accounts"))


def test_a_change_is_shown_first_and_made_only_when_confirmed(pages, world, make):
    admin = pages(world.admin)
    review = admin.post(RULES, {"required_roles": ["advocate", "case_manager"]})
    assert review.status_code == 200
    shown = text_of(review)
    assert "Confirm the sign-in rules" in shown
    assert "Housing advocate: two-step sign-in becomes required." in shown
    assert "Case manager: two-step sign-in becomes required." in shown
    # The world's advocate and case manager have not set it up.
    assert "2 people in those roles have not set it up yet" in shown
    assert make.count(TwoStepRoleRule) == 0  # nothing changed yet

    confirmed = admin.post(RULES, {"required_roles": ["advocate", "case_manager"], "confirmed": "yes"})
    assert confirmed.status_code == 303
    assert make.count(TwoStepRoleRule, required=True) == 2
    assert make.count(AuditEvent, action="sign_in_rules.update", actor_id=world.admin.id) == 1
    after = text_of(admin.get(RULES))
    assert "The sign-in rules are saved." in after and "sees a reminder on every page" in after
    assert "Set by an admin on" in after

    # The advocate, newly required, is reminded on every page.
    assert "Set it up now" in text_of(pages(world.advocate).get("/beds"))
    assert "Set it up now" not in text_of(pages(world.partner).get("/my-sites"))


def test_taking_a_role_off_says_so(pages, world):
    admin = pages(world.admin)
    admin.post(RULES, {"required_roles": ["partner"], "confirmed": "yes"})
    review = text_of(admin.post(RULES, {}))
    assert "Shelter partner: two-step sign-in is no longer required" in review
    assert "Required after this change: nobody." in review


def test_an_unknown_role_is_refused_by_name(pages, world, make):
    refused = pages(world.admin).post(RULES, {"required_roles": ["owner"], "confirmed": "yes"})
    assert refused.status_code == 422
    assert "Roles that must sign in in two steps" in text_of(refused)
    assert make.count(TwoStepRoleRule) == 0


def test_only_admins_reach_the_page(pages, world, make):
    for person in (world.advocate, world.case_manager, world.partner):
        assert pages(person).get(RULES).status_code == 403
        assert pages(person).post(RULES, {"required_roles": [], "confirmed": "yes"}).status_code == 403
    assert make.count(TwoStepRoleRule) == 0
