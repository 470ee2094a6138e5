"""My account (password change, sign out everywhere) and walk-ins, through Flask's test client."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest

from housing_service.models import AuditEvent, Client, Hold, Placement, User
from housing_service.services import passwords
from housing_service.vocabulary import AgeGroup, ChildAgeBracket, Gender, SpaceFeature
from housing_service.web import walk_in as walk_in_view
from housing_service.web.queries import SpaceState
from tests.factories import PASSWORD
from tests.web.world import NOW, TODAY, text_of

NEW_PASSWORD = "a brand new long passphrase"
ROLES = ("advocate", "case_manager", "partner", "admin")


pytestmark = pytest.mark.usefixtures("frozen_clock")


def problems_at_top(response) -> str:
    """The problem summary's text (the list at the top of the page)."""
    found = re.search(r'<div class="problem-summary".*?</div>', text_of(response), re.S)
    assert found, "no problem summary at the top"
    return found.group(0)


def error_next_to(response, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', text_of(response), re.S)
    assert found, f"no error next to {field_id}"
    return re.sub(r"<[^>]+>", "", found.group(1))


# My account -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_their_own_account_and_a_link_to_it(pages, world, role):
    person = getattr(world, role)
    browser = pages(person)
    response = browser.get("/account")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    shown = text_of(response)
    assert "My account" in shown and person.display_name in shown and person.email in shown
    role_label = {
        "advocate": "Housing advocate",
        "case_manager": "Case manager",
        "partner": "Shelter partner",
        "admin": "Admin",
    }[role]
    assert f"<dt>Role</dt><dd>{role_label}</dd>" in shown
    assert 'href="/account" aria-current="page">My account</a>' in shown
    # The link is in the navigation of the person's main page too.
    main_page = browser.get("/").headers["Location"]
    assert 'href="/account">My account</a>' in text_of(browser.get(main_page))


def test_a_partner_sees_their_organisation_and_no_one_elses_details(pages, world):
    shown = text_of(pages(world.partner).get("/account"))
    assert "Harbor Light Community Health" in shown
    assert world.advocate.email not in shown and world.admin.display_name not in shown


def test_signed_out_visitors_are_sent_to_sign_in(pages, make, world):
    visitor = pages(None)
    response = visitor.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")
    for path in ("/account/password", "/account/sign-out-everywhere"):
        assert visitor.post(path, {"current_password": PASSWORD}).status_code == 302
    assert make.reload(User, world.advocate.id).password_hash == world.advocate.password_hash


def _change(browser, current=PASSWORD, new=NEW_PASSWORD, again=None, **kwargs):
    return browser.post(
        "/account/password",
        {"current_password": current, "password": new, "password_again": new if again is None else again},
        **kwargs,
    )


def test_changing_the_password_ends_every_session_and_the_new_one_signs_in(pages, make, world):
    browser, other_device = pages(world.advocate), pages(world.advocate)
    assert other_device.get("/beds").status_code == 200
    response = _change(browser)
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"

    sign_in = browser.get("/sign-in")
    assert sign_in.status_code == 200
    assert "Your password is changed. You are signed out everywhere, here too" in text_of(sign_in)
    assert "your API tokens no longer work" in text_of(sign_in)
    # This session has ended, and so has the one on the other device (on the server).
    assert browser.get("/account").status_code == 302
    assert other_device.get("/beds").status_code == 302

    stored = make.reload(User, world.advocate.id)
    assert passwords.verify_password(stored.password_hash, NEW_PASSWORD)
    assert stored.session_version == world.advocate.session_version + 1
    assert make.count(AuditEvent, action="user.password_change") == 1
    old = pages(None).post("/sign-in", {"email": world.advocate.email, "password": PASSWORD})
    assert old.status_code == 401
    new = pages(None).post("/sign-in", {"email": world.advocate.email, "password": NEW_PASSWORD})
    assert new.status_code == 303


def test_the_old_session_cookie_does_not_work_after_the_change(app, pages, world):
    browser = pages(world.partner)
    with browser.http.session_transaction() as session:
        old_cookie = dict(session)
    assert _change(browser).status_code == 303
    replayed = app.test_client()
    with replayed.session_transaction() as session:
        session.update(old_cookie)
    response = replayed.get(f"/my-sites/{world.shelter.id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize(
    ("current", "new", "again", "field_id", "message"),
    [
        (PASSWORD, "too short", "too short", "password", "Use at least 12 characters"),
        (
            "not my password at all",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "current_password",
            "This is not your current password.",
        ),
        (
            PASSWORD,
            NEW_PASSWORD,
            NEW_PASSWORD + "!",
            "password_again",
            "The two new passwords are not the same.",
        ),
        ("", NEW_PASSWORD, NEW_PASSWORD, "current_password", "Enter your current password."),
        (PASSWORD, "", "", "password", "Enter a new password."),
    ],
    ids=["short", "wrong-current", "mismatch", "no-current", "no-new"],
)
def test_a_password_change_that_can_not_be_made_changes_nothing(
    pages, make, world, current, new, again, field_id, message
):
    browser = pages(world.case_manager)
    response = _change(browser, current, new, again)
    assert response.status_code == 422
    assert message in problems_at_top(response) and f'href="#{field_id}"' in problems_at_top(response)
    assert message in error_next_to(response, field_id)
    # Passwords are never sent back in the page.
    assert PASSWORD not in text_of(response) and (not new or new not in text_of(response))
    stored = make.reload(User, world.case_manager.id)
    assert stored.password_hash == world.case_manager.password_hash
    assert stored.session_version == world.case_manager.session_version
    assert browser.get("/caseload").status_code == 200  # still signed in


def test_account_forms_without_their_token_are_refused_and_change_nothing(pages, make, world):
    browser = pages(world.admin)
    response = _change(browser, csrf=False)
    assert response.status_code == 400 and "nothing was saved" in text_of(response)
    everywhere = browser.post("/account/sign-out-everywhere", csrf=False)
    assert everywhere.status_code == 400
    stored = make.reload(User, world.admin.id)
    assert stored.password_hash == world.admin.password_hash
    assert stored.session_version == world.admin.session_version
    assert browser.get("/account").status_code == 200


def test_signing_out_everywhere_ends_every_session(pages, make, world):
    browser, other_device = pages(world.case_manager), pages(world.case_manager)
    assert browser.get("/account/sign-out-everywhere").status_code == 405
    response = browser.post("/account/sign-out-everywhere")
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    assert "You are signed out everywhere" in text_of(browser.get("/sign-in"))
    assert browser.get("/caseload").status_code == 302
    assert other_device.get("/caseload").status_code == 302
    assert make.reload(User, world.case_manager.id).session_version == world.case_manager.session_version + 1


# Walk-ins ---------------------------------------------------------------------------------------

NEW_HOUSEHOLD = {
    "age_group": "adult",
    "gender": "woman",
    "adults": "1",
    "infants": "0",
    "young_children": "0",
    "school_children": "0",
    "teens": "0",
}


OFFERED = r'name="space_id"(?: required)? type="radio" value="(\d+)"'
CHECK_IN_BUTTON = '<button type="submit" class="button">Check them in</button>'


def walk_in_path(world) -> str:
    return f"/my-sites/{world.shelter.id}/walk-in"


def test_the_site_page_links_to_the_walk_in_form(pages, world):
    shown = text_of(pages(world.partner).get(f"/my-sites/{world.shelter.id}"))
    assert f'href="{walk_in_path(world)}">Someone arrived without a hold</a>' in shown


@pytest.mark.parametrize("role", ["partner", "admin"])
def test_the_walk_in_form_offers_only_the_beds_and_units_free_tonight(pages, make, world, role):
    make.hold(world.client, world.bed, world.shelter, TODAY, world.advocate, NOW + timedelta(hours=4))
    later = make.client()
    make.hold(
        later, world.unit, world.shelter, TODAY + timedelta(days=2), world.advocate, NOW + timedelta(days=3)
    )
    out = make.space(world.shelter, label="Bed 9", in_service=False, out_of_service_reason="Repairs")
    resident = make.client()
    occupied = make.space(world.shelter, label="Bed 8")
    make.placement(resident, occupied, world.shelter, TODAY - timedelta(days=3), world.partner)
    own_other_site = make.site(organisation=world.organisation, area=world.area, name="Harbor Annex")
    annex_bed = make.space(own_other_site, label="Annex 1")

    response = pages(getattr(world, role)).get(walk_in_path(world))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    shown = text_of(response)
    assert "Someone arrived without a hold" in shown
    offered = re.findall(OFFERED, shown)
    assert offered == [str(world.second_bed.id), str(world.unit.id)]
    assert "Bed 2 — bed" in shown and "Unit A — unit for up to 4; held from Fri, Mar 12, 2027" in shown
    for not_free in (world.bed, out, occupied, world.transitional_bed, annex_bed):
        assert f"{not_free.label} —" not in shown
    # The same household fields and labels as a new record, without the alias and safety areas.
    for label in ("Age group", "Adults in the household", "Children aged 0 to 2", "Has a pet"):
        assert label in shown
    assert "Languages they are comfortable in" in shown and "Accessibility needs" in shown
    assert 'name="alias"' not in shown and 'name="avoid_area_ids"' not in shown
    assert "7 Secret Road" not in shown
    assert make.count(Client) == 3 and make.count(Placement) == 1  # opening the form changes nothing


def test_with_no_bed_free_tonight_the_form_says_so(pages, make, world):
    for space in (world.bed, world.second_bed, world.unit):
        make.placement(make.client(), space, world.shelter, TODAY - timedelta(days=1), world.partner)
    shown = text_of(pages(world.partner).get(walk_in_path(world)))
    assert "No bed or unit at Harbor House is free tonight" in shown
    assert 'type="radio"' not in shown and CHECK_IN_BUTTON not in shown


@pytest.mark.parametrize("role", ["advocate", "case_manager"])
def test_people_who_place_from_the_board_get_a_clear_refusal(pages, make, world, role):
    browser = pages(getattr(world, role))
    response = browser.get(walk_in_path(world))
    assert response.status_code == 403 and "You can't open this page" in text_of(response)
    posted = browser.post(walk_in_path(world), {**NEW_HOUSEHOLD, "space_id": world.bed.id})
    assert posted.status_code == 403
    assert make.count(Placement) == 0 and make.count(Client) == 1


def test_a_partner_of_another_organisation_gets_the_same_refusal_as_for_the_site(pages, make, world):
    browser = pages(world.other_partner)
    site_refusal = browser.get(f"/my-sites/{world.shelter.id}")
    response = browser.get(walk_in_path(world))
    assert response.status_code == site_refusal.status_code == 403
    assert "This site belongs to another organisation." in text_of(response)
    shown = text_of(response)
    assert "7 Secret Road" not in shown and "Bed 1" not in shown and "Unit A" not in shown
    posted = browser.post(walk_in_path(world), {**NEW_HOUSEHOLD, "space_id": world.bed.id})
    assert posted.status_code == 403
    assert make.count(Placement) == 0 and make.count(Client) == 1


def test_a_walk_in_opens_a_minimal_record_and_starts_the_stay_tonight(pages, make, world):
    ground_floor = make.space(world.shelter, label="Bed 3", features=frozenset({SpaceFeature.GROUND_FLOOR}))
    partner = pages(world.partner)
    assert "Bed 3 — bed; ground floor" in text_of(partner.get(walk_in_path(world)))
    response = partner.post(
        walk_in_path(world),
        {
            **NEW_HOUSEHOLD,
            "space_id": ground_floor.id,
            "languages": ["es", "en"],
            "accessibility_needs": ["ground_floor"],
        },
    )
    assert response.status_code == 303, text_of(response)
    stay = make.reload(Placement, _only_id(make, Placement))
    # Back to the new stay's row on the site's page.
    assert response.headers["Location"] == f"/my-sites/{world.shelter.id}#stay-{stay.id}"
    client = make.reload(Client, stay.client_id)
    assert (stay.space_id, stay.site_id, stay.starts_on, stay.hold_id) == (
        ground_floor.id,
        world.shelter.id,
        TODAY,
        None,
    )
    assert stay.expected_end_on == TODAY + timedelta(days=60)
    assert (client.age_group, client.gender, client.adults, client.children) == (
        AgeGroup.ADULT,
        Gender.WOMAN,
        1,
        [],
    )
    assert client.languages == ["es", "en"] and set(client.accessibility_needs) == {SpaceFeature.GROUND_FLOOR}
    assert client.alias is None and client.avoid_area_ids == [] and client.has_pets is False
    assert re.fullmatch(r"S-[2-9A-HJKMNP-Z]{6}", client.code)
    assert make.count(AuditEvent, action="placement.walk_in") == 1

    page = text_of(partner.get(response.headers["Location"]))
    assert "The survivor is staying in Bed 3 from tonight." in page and client.code in page
    assert f"by {client.code} since" in page  # Bed 3 reads as occupied on the site page


def test_an_admin_places_a_family_in_a_unit(pages, make, world):
    response = pages(world.admin).post(
        walk_in_path(world),
        {**NEW_HOUSEHOLD, "adults": "1", "infants": "1", "school_children": "1", "space_id": world.unit.id},
    )
    assert response.status_code == 303, text_of(response)
    stay = make.reload(Placement, _only_id(make, Placement))
    client = make.reload(Client, stay.client_id)
    assert stay.space_id == world.unit.id and client.household_size == 3
    assert sorted(client.children) == sorted([ChildAgeBracket.INFANT.value, ChildAgeBracket.CHILD.value])


def _post_walk_in(pages, world, **changes):
    return pages(world.partner).post(walk_in_path(world), {**NEW_HOUSEHOLD, **changes})


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({}, "space_id", "Choose the bed or unit they will sleep in tonight."),
        ({"space_id": "transitional_bed"}, "space_id", "Choose one of the beds or units listed"),
        ({"space_id": "bed", "age_group": ""}, "age_group", "Choose the survivor's age group."),
        ({"space_id": "bed", "adults": "-1"}, "adults", "Enter a number from 0 to 20."),
    ],
    ids=["no-bed", "bed-of-another-site", "no-age-group", "bad-number"],
)
def test_walk_in_input_that_can_not_be_used_changes_nothing(pages, make, world, changes, field_id, message):
    changes = {
        name: str(getattr(world, value).id) if name == "space_id" else value
        for name, value in changes.items()
    }
    response = _post_walk_in(pages, world, **changes)
    assert response.status_code == 422
    assert message in problems_at_top(response) and f'href="#{field_id}"' in problems_at_top(response)
    assert message in error_next_to(response, field_id)
    assert make.count(Placement) == 0 and make.count(Client) == 1 and make.count(Hold) == 0


def test_a_bed_of_another_site_of_the_same_organisation_is_refused(pages, make, world):
    annex = make.site(organisation=world.organisation, area=world.area, name="Harbor Annex")
    annex_bed = make.space(annex, label="Annex 1")
    response = _post_walk_in(pages, world, space_id=str(annex_bed.id))
    assert response.status_code == 422
    assert "Choose one of the beds or units listed" in error_next_to(response, "space_id")
    assert make.count(Placement) == 0 and make.count(Client) == 1


def test_a_held_bed_is_not_offered_and_can_not_be_chosen(pages, make, world):
    make.hold(world.client, world.bed, world.shelter, TODAY, world.advocate, NOW + timedelta(hours=4))
    response = _post_walk_in(pages, world, space_id=str(world.bed.id))
    assert response.status_code == 422
    assert "Choose one of the beds or units listed" in error_next_to(response, "space_id")
    assert make.count(Placement) == 0 and make.count(Client) == 1


@pytest.mark.parametrize(
    ("changes", "status", "message", "next_to_bed"),
    [
        ({"infants": "1"}, 409, "A household of 2 needs a unit for at least 2; Bed 1 is not one.", True),
        ({"has_pets": "y"}, 409, "Harbor House does not allow pets.", True),
        ({"age_group": "minor"}, 422, "A survivor who is a minor is counted among the children.", False),
    ],
    ids=["family-in-a-bed", "pet", "minor-not-counted"],
)
def test_the_services_refusals_are_shown_on_the_form_and_change_nothing(
    pages, make, world, changes, status, message, next_to_bed
):
    response = _post_walk_in(pages, world, space_id=str(world.bed.id), **changes)
    assert response.status_code == status
    assert message in problems_at_top(response)
    if next_to_bed:
        assert error_next_to(response, "space_id")
    # The form keeps what was entered, and still offers the free beds.
    assert re.search(
        rf'<input checked id="space_id-0" name="space_id"[^>]* value="{world.bed.id}">', text_of(response)
    )
    assert re.findall(OFFERED, text_of(response)) == [
        str(s.id) for s in (world.bed, world.second_bed, world.unit)
    ]
    assert make.count(Placement) == 0 and make.count(Client) == 1


def test_a_bed_taken_while_the_form_was_sent_is_refused_and_no_longer_offered(
    pages, make, world, monkeypatch
):
    """The form's check saw Bed 1 free, and it was held before the booking: the database refuses."""
    make.hold(world.client, world.bed, world.shelter, TODAY, world.advocate, NOW + timedelta(hours=4))
    real_space_rows = walk_in_view.space_rows
    calls = []

    def seen_before_the_hold(site, on):
        rows = real_space_rows(site, on)
        calls.append(on)
        if len(calls) > 1:
            return rows
        return [dataclasses.replace(row, state=SpaceState.FREE, hold=None) for row in rows]

    monkeypatch.setattr(walk_in_view, "space_rows", seen_before_the_hold)
    response = _post_walk_in(pages, world, space_id=str(world.bed.id))
    assert response.status_code == 409
    assert "already held or occupied" in problems_at_top(response)
    assert "Already booked for those nights." in error_next_to(response, "space_id")
    # Offered again as things are now: Bed 1 is gone from the choices.
    assert len(calls) == 2
    offered = re.findall(OFFERED, text_of(response))
    assert offered == [str(world.second_bed.id), str(world.unit.id)]
    assert make.count(Placement) == 0 and make.count(Client) == 1 and make.count(Hold) == 1


def test_the_walk_in_form_without_its_token_is_refused_and_changes_nothing(pages, make, world):
    response = pages(world.partner).post(
        walk_in_path(world), {**NEW_HOUSEHOLD, "space_id": world.bed.id}, csrf=False
    )
    assert response.status_code == 400 and "nothing was saved" in text_of(response)
    assert make.count(Placement) == 0 and make.count(Client) == 1


def _only_id(make, model) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from housing_service.extensions import db

    with make.app.app_context(), Session(db.engine) as session:
        ids = list(session.scalars(select(model.id)))
    assert len(ids) == 1
    return ids[0]
