"""Admins' forms made for busy staff: languages by name, beds added several at once, and a
confirmation page before anything that ends someone's access."""

from __future__ import annotations

import re

import pytest

from housing_service.models import AuditEvent, Role, Site, Space, User
from tests.web.world import text_of

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _language_labels(html: str, field: str) -> list[str]:
    return re.findall(
        rf'<input id="{field}-\d+" name="{field}" type="checkbox" value="[a-z]+"[^>]*> '
        r"<label[^>]*>([^<]+)</label>",
        html,
    )


def test_the_record_form_lists_languages_by_name_common_ones_first(pages, world):
    html = text_of(pages(world.advocate).get("/caseload/new"))
    names = _language_labels(html, "languages")
    assert names[:7] == ["English", "Spanish", "Vietnamese", "Chinese", "Tagalog", "Amharic", "Arabic"]
    assert names.index("Persian") > names.index("Korean")  # by name, not by code (fa)
    assert 'src="/static/choice-filter.js"' in html


def test_the_common_languages_come_from_the_setting(pages, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "COMMON_LANGUAGES", ("uk", "ru"))
    names = _language_labels(text_of(pages(world.admin).get("/admin/sites/new")), "languages")
    assert names[:4] == ["Ukrainian", "Russian", "Amharic", "Arabic"]


def _site(world, **fields):
    return {
        "organisation_id": str(world.organisation.id),
        "name": "Oak House",
        "tier": "emergency",
        "area_id": str(world.area.id),
        "households_served": ["single_adults"],
        "genders_served": ["woman"],
        "age_groups_served": ["adult"],
        "substance_use_policy": "harm_reduction",
        **fields,
    }


def test_a_language_not_on_the_list_is_refused_by_name_of_the_field(pages, world, make):
    response = pages(world.admin).post("/admin/sites/new", _site(world, languages=["es", "xx"]))
    assert response.status_code == 422
    assert "Languages staff speak: Choose one of the options." in text_of(response)
    assert make.count(Site) == 2


def _add(admin, world, **fields):
    body = {"count": "1", "label": "Bed", "kind": "bed", "capacity": "1", **fields}
    return admin.post(f"/admin/sites/{world.shelter.id}/spaces", body)


def _labels(make, site) -> list[str]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from housing_service.extensions import db

    with make.app.app_context(), Session(db.engine) as session:
        return list(session.scalars(select(Space.label).where(Space.site_id == site.id).order_by(Space.id)))


def test_six_beds_named_bed_3_to_8_are_added_in_one_form(pages, world, make):
    admin = pages(world.admin)
    response = _add(admin, world, count="6", first_number="3", features=["ground_floor"])
    assert response.status_code == 303
    assert _labels(make, world.shelter) == ["Bed 1", "Bed 2", "Unit A", *(f"Bed {n}" for n in range(3, 9))]
    assert make.count(AuditEvent, action="space.create") == 6
    shown = text_of(admin.get(response.headers["Location"]))
    assert "6 are added: Bed 3 to Bed 8." in shown


def test_several_without_a_first_number_start_from_1_and_one_keeps_its_name(pages, world, make, app):
    site = world.transitional
    body = {"count": "3", "label": "Room", "kind": "unit", "capacity": "4"}
    assert pages(world.admin).post(f"/admin/sites/{site.id}/spaces", body).status_code == 409  # Room 1 exists
    body["label"] = "Flat"
    assert pages(world.admin).post(f"/admin/sites/{site.id}/spaces", body).status_code == 303
    one = {"count": "1", "label": "Room A", "kind": "unit", "capacity": "4"}
    assert pages(world.admin).post(f"/admin/sites/{site.id}/spaces", one).status_code == 303
    assert _labels(make, site) == ["Room 1", "Flat 1", "Flat 2", "Flat 3", "Room A"]


def test_names_already_used_are_refused_naming_them_and_nothing_is_added(pages, world, make):
    response = _add(pages(world.admin), world, count="4", first_number="1")
    assert response.status_code == 409
    html = text_of(response)
    assert "This site already has Bed 1 and Bed 2: choose another name or first number." in html
    assert 'id="label-error"' in html and 'aria-invalid="true"' in html
    assert _labels(make, world.shelter) == ["Bed 1", "Bed 2", "Unit A"]


@pytest.mark.parametrize(
    ("fields", "field", "problem"),
    [
        ({"count": "0"}, "count", "How many: Add from 1 to 100 at a time."),
        ({"count": "101"}, "count", "How many: Add from 1 to 100 at a time."),
        ({"count": "six"}, "count", "How many: Enter a whole number, such as 2."),
        ({"count": "2", "first_number": "-1"}, "first_number", "Enter a number from 0 to 9999."),
        ({"count": "2", "label": "   "}, "label", "Give a name (spaces alone are not one)."),
        ({"count": "10", "label": "B" * 58}, "label", "is longer than 60 characters"),
        ({"count": "2", "capacity": "2"}, "capacity", "A bed sleeps one person"),
    ],
)
def test_bad_numbers_and_names_are_refused_by_field(pages, world, make, fields, field, problem):
    response = _add(pages(world.admin), world, **fields)
    assert response.status_code in (409, 422)
    html = text_of(response)
    assert problem in html and f'id="{field}-error"' in html
    assert _labels(make, world.shelter) == ["Bed 1", "Bed 2", "Unit A"]


# Confirmation before what ends someone's access ---------------------------------------------


def test_the_confirmation_page_states_the_consequence_with_a_red_button_and_a_cancel_link(pages, world):
    html = text_of(pages(world.admin).post(f"/admin/accounts/{world.advocate.id}/deactivate"))
    assert "<h1>Deactivate Ana Advocate's account?</h1>" in html
    assert "their API tokens are revoked" in html
    assert re.search(
        r'<button type="submit" class="button button--warning">Deactivate account</button>', html
    )
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert re.search(r'<a href="/admin/accounts">Cancel</a>', html)


def test_a_get_changes_nothing_and_only_the_confirmed_post_does(pages, world, make):
    admin = pages(world.admin)
    for action in ("deactivate", "new-password", "reset-two-step"):
        assert admin.get(f"/admin/accounts/{world.advocate.id}/{action}").status_code == 405
        assert admin.post(f"/admin/accounts/{world.advocate.id}/{action}").status_code == 200
        assert (
            admin.post(f"/admin/accounts/{world.advocate.id}/{action}", {"confirmed": "no"}).status_code
            == 200
        )
    before = make.reload(User, world.advocate.id)
    assert before.active and before.session_version == 1
    assert make.count(AuditEvent, action="user.update") == 0


def test_a_role_change_is_chosen_then_confirmed(pages, world, make):
    admin = pages(world.admin)
    chosen = admin.get(f"/admin/accounts/{world.advocate.id}/role")
    assert chosen.status_code == 200 and "Now: Housing advocate." in text_of(chosen)
    asked = admin.post(
        f"/admin/accounts/{world.advocate.id}/role", {"role": "case_manager", "organisation_id": ""}
    )
    html = text_of(asked)
    assert asked.status_code == 200 and "<h1>Change Ana Advocate's role to case manager?</h1>" in html
    assert "They can do what a case manager does, and no longer what a housing advocate does" in html
    assert '<input type="hidden" name="role" value="case_manager">' in html
    assert make.reload(User, world.advocate.id).role == Role.ADVOCATE
    done = admin.post(
        f"/admin/accounts/{world.advocate.id}/role",
        {"role": "case_manager", "organisation_id": "", "confirmed": "yes"},
    )
    assert done.status_code == 303
    changed = make.reload(User, world.advocate.id)
    assert changed.role == Role.CASE_MANAGER and changed.session_version == 2  # their sessions ended
    assert "Ana Advocate is now a case manager" in text_of(admin.get(done.headers["Location"]))


def test_a_role_that_must_sign_in_in_two_steps_says_so_before_the_change(pages, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", frozenset({"admin"}))
    asked = pages(world.admin).post(
        f"/admin/accounts/{world.advocate.id}/role", {"role": "admin", "organisation_id": ""}
    )
    days = app.config["TWO_FACTOR_GRACE_DAYS"]
    assert f"An admin must sign in in two steps: they have {days} days to set it up" in text_of(asked)


def test_a_refused_role_change_says_why_before_any_confirmation(pages, world, make):
    admin = pages(world.admin)
    partner = admin.post(
        f"/admin/accounts/{world.advocate.id}/role", {"role": "partner", "organisation_id": ""}
    )
    assert partner.status_code == 422 and "A partner account belongs to one organisation." in text_of(partner)
    assert 'id="organisation_id-error"' in text_of(partner)
    own = admin.post(f"/admin/accounts/{world.admin.id}/role", {"role": "advocate", "organisation_id": ""})
    assert own.status_code == 409 and "can't deactivate your own account or change your own role" in text_of(
        own
    )
    assert make.reload(User, world.admin.id).role == Role.ADMIN
