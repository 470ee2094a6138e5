"""Exits, extensions, the caseload with its flags, new records, and the admin pages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from housing_service.models import (
    Area,
    Client,
    Decision,
    Extension,
    Flag,
    FlagKind,
    Hold,
    Organisation,
    Placement,
    Role,
    Site,
    SiteLanguage,
    Space,
    SuggestionDecision,
    User,
)
from housing_service.vocabulary import EXIT_DESTINATIONS, RENTAL_SUBSIDY_TYPES
from housing_service.web.presentation import EXIT_CHOICES, HOME_COUNTRY
from tests.web.world import NOW, TODAY, text_of

pytestmark = pytest.mark.usefixtures("frozen_clock")


def stay_of(make, world, days_ago: int = 45):
    return make.placement(
        world.client, world.bed, world.shelter, TODAY - timedelta(days=days_ago), world.partner
    )


# Exits ------------------------------------------------------------------------------------------


def test_every_hud_destination_has_one_plain_language_choice():
    assert {choice.destination for choice in EXIT_CHOICES.values()} == set(EXIT_DESTINATIONS)
    labels = [choice.label for choice in EXIT_CHOICES.values()]
    assert len(labels) == len(set(labels))


def test_returned_to_home_country_is_recorded_as_other_with_that_text(pages, make, world):
    stay = stay_of(make, world)
    partner = pages(world.partner)
    form = text_of(partner.get(f"/stays/{stay.id}/exit"))
    assert "Returned to home country" in form and "Renting their own place, with an ongoing subsidy" in form
    response = partner.post(
        f"/stays/{stay.id}/exit", {"exited_on": "2027-03-10", "destination": "17-home-country"}
    )
    # Back to the bed, free again, on the site's page (the stay's own row is gone).
    location = f"/my-sites/{world.shelter.id}#space-{world.bed.id}"
    assert response.status_code == 303 and response.headers["Location"] == location
    recorded = make.reload(Placement, stay.id)
    assert (recorded.exited_on, recorded.destination, recorded.destination_text) == (TODAY, 17, HOME_COUNTRY)
    page = text_of(partner.get(response.headers["Location"]))
    assert "The exit is recorded. Bed 1 is free from Wed, Mar 10, 2027" in page


def test_a_rental_with_subsidy_needs_the_subsidy_type(pages, make, world):
    stay = stay_of(make, world)
    partner = pages(world.partner)
    missing = partner.post(f"/stays/{stay.id}/exit", {"exited_on": "2027-03-10", "destination": "435"})
    assert missing.status_code == 422
    assert "Say which kind of ongoing subsidy helps pay the rent" in text_of(missing)
    assert 'id="subsidy_type-error"' in missing.get_data(as_text=True)
    assert make.reload(Placement, stay.id).exited_on is None
    subsidy = next(iter(RENTAL_SUBSIDY_TYPES))
    given = partner.post(
        f"/stays/{stay.id}/exit",
        {"exited_on": "2027-03-10", "destination": "435", "subsidy_type": str(subsidy)},
    )
    assert given.status_code == 303
    recorded = make.reload(Placement, stay.id)
    assert (recorded.destination, recorded.subsidy_type) == (435, subsidy)


def test_somewhere_else_needs_a_few_words(pages, make, world):
    stay = stay_of(make, world)
    response = pages(world.partner).post(
        f"/stays/{stay.id}/exit", {"exited_on": "2027-03-10", "destination": "17"}
    )
    assert response.status_code == 422 and 'id="destination_text-error"' in response.get_data(as_text=True)
    assert make.reload(Placement, stay.id).exited_on is None


def test_an_exit_form_without_a_destination_says_what_to_choose(pages, make, world):
    stay = stay_of(make, world)
    response = pages(world.partner).post(
        f"/stays/{stay.id}/exit", {"exited_on": "2027-03-10", "destination": ""}
    )
    assert response.status_code == 422
    assert "Choose where the survivor went, or one of the answers under 'Not known'." in text_of(response)


def test_an_exit_in_the_future_is_refused_next_to_the_date(pages, make, world):
    stay = stay_of(make, world)
    response = pages(world.partner).post(
        f"/stays/{stay.id}/exit", {"exited_on": "2027-03-12", "destination": "410"}
    )
    assert response.status_code == 422
    assert "Record an exit once it has happened" in text_of(response)
    assert 'id="exited_on-error"' in response.get_data(as_text=True)


def test_another_organisations_partner_can_not_record_an_exit(pages, make, world):
    stay = stay_of(make, world)
    assert pages(world.other_partner).get(f"/stays/{stay.id}/exit").status_code == 404
    response = pages(world.other_partner).post(
        f"/stays/{stay.id}/exit", {"exited_on": "2027-03-10", "destination": "410"}
    )
    assert response.status_code == 404
    assert make.reload(Placement, stay.id).exited_on is None


# The caseload, extensions, flags --------------------------------------------------------------


def test_the_caseload_shows_each_stay_against_its_limit_in_words_and_a_bar(pages, make, world):
    stay_of(make, world, days_ago=45)
    page = pages(world.case_manager).get("/caseload")
    assert page.status_code == 200
    assert "Day 46 of 60 — 15 days left" in text_of(page)
    assert re.search(r'<meter min="0" max="60" value="46" aria-labelledby="client-\d+-bar">', text_of(page))
    assert "Harbor House, Bed 1 — Emergency shelter" in text_of(page)


def test_a_stay_past_its_end_says_what_to_do(pages, make, world):
    stay_of(make, world, days_ago=62)
    page = text_of(pages(world.case_manager).get("/caseload"))
    assert "Day 63 of 60 — 2 days past the planned end; record the exit or an extension" in page


def test_a_stay_extended_past_the_sites_limit_says_so(pages, make, world):
    start = TODAY - timedelta(days=70)
    make.placement(
        world.client, world.bed, world.shelter, start, world.partner, ends_on=start + timedelta(days=90)
    )
    page = text_of(pages(world.case_manager).get("/caseload"))
    assert "Day 71 of 90 (extended past the site's 60-night limit) — 20 days left" in page


def test_advocates_see_the_survivors_on_their_case_teams_only(pages, make, world):
    make.client(code="S-NOTMN1")
    page = text_of(pages(world.advocate).get("/caseload"))
    assert "S-AB2CD3" in page and "S-NOTMN1" not in page


def test_a_case_manager_extends_a_stay(pages, make, world):
    stay = stay_of(make, world)
    manager = pages(world.case_manager)
    page = text_of(manager.get("/caseload"))
    assert f"/stays/{stay.id}/extension" in page
    form = text_of(manager.get(f"/stays/{stay.id}/extension"))
    assert "The stay is planned to end on Thu, Mar 25, 2027." in form
    response = manager.post(
        f"/stays/{stay.id}/extension",
        {
            "new_end_on": "2027-04-15",
            "reason": "Waiting for a transitional room",
            "approved_by": "Programme lead",
        },
    )
    # Back to the survivor's card on the caseload.
    assert response.status_code == 303 and response.headers["Location"] == f"/caseload#case-{world.client.id}"
    assert make.reload(Placement, stay.id).expected_end_on == date(2027, 4, 15)
    assert make.count(Extension) == 1
    assert "now ends on Thu, Apr 15, 2027" in text_of(manager.get("/caseload"))


def test_an_extension_without_a_reason_or_a_later_date_is_refused(pages, make, world):
    stay = stay_of(make, world)
    manager = pages(world.case_manager)
    missing = manager.post(f"/stays/{stay.id}/extension", {"new_end_on": "2027-04-15", "approved_by": "Lead"})
    assert missing.status_code == 422 and "Say why the stay is extended." in text_of(missing)
    earlier = manager.post(
        f"/stays/{stay.id}/extension", {"new_end_on": "2027-03-20", "reason": "x", "approved_by": "Lead"}
    )
    assert earlier.status_code == 422 and "Choose a date after the current end, 2027-03-25." in text_of(
        earlier
    )
    assert make.count(Extension) == 0


def test_the_next_tier_link_opens_the_board_from_the_planned_end(pages, make, world):
    stay_of(make, world)
    manager = pages(world.case_manager)
    page = text_of(manager.get("/caseload"))
    link = f"/beds?client={world.client.id}&tier=transitional&starts_on=2027-03-25"
    assert link in page and "Search the bed board" in page
    board = text_of(manager.get(link))
    assert "Bridge Apartments" in board and "Harbor House" not in board
    assert "from Thu, Mar 25, 2027" in board


def test_a_future_bed_for_the_transition_is_held_from_the_planned_end(pages, make, world):
    stay_of(make, world)
    manager = pages(world.case_manager)
    response = manager.post(
        "/holds",
        {"client_id": world.client.id, "space_id": world.transitional_bed.id, "starts_on": "2027-03-25"},
    )
    assert response.status_code == 303
    page = text_of(manager.get("/caseload"))
    assert "Room 1 at Bridge Apartments" in page and "from Thu, Mar 25, 2027" in page


def test_flags_about_a_survivor_show_on_the_caseload_and_can_be_acknowledged(pages, make, world):
    stay = stay_of(make, world, days_ago=46)
    flag = make._save(
        Flag(
            key=f"nearing_limit:{stay.id}:14",
            kind=FlagKind.NEARING_LIMIT,
            client_id=world.client.id,
            placement_id=stay.id,
            subject_on=TODAY + timedelta(days=14),
            days_before=14,
            act_by=TODAY + timedelta(days=14),
            raised_at=NOW,
        )
    )
    manager = pages(world.case_manager)
    page = text_of(manager.get("/caseload"))
    assert "Stay nearing its end" in page and "act by Wed, Mar 24, 2027" in page
    # One tap, no note box yet: the note box comes after "I'm on it", for the person on it.
    assert f'name="flag-{flag.id}-note"' not in page
    response = manager.post(f"/flags/{flag.id}/acknowledge?next=/caseload")
    assert response.status_code == 303 and response.headers["Location"] == f"/caseload#flag-{flag.id}"
    acknowledged = make.reload(Flag, flag.id)
    assert acknowledged.acknowledged_by_id == world.case_manager.id and acknowledged.acknowledged_at == NOW
    after = text_of(manager.get("/caseload"))
    assert "Chris Case-Manager is on it, since 12:00\u202fPM today." in after
    assert f'name="flag-{flag.id}-note"' in after and f'id="flag-{flag.id}"' in after
    assert "Needs attention</span>" in page and "Needs attention</span>" not in after
    noted = manager.post(
        f"/flags/{flag.id}/acknowledge?next=/caseload", {f"flag-{flag.id}-note": "Calling Bridge today"}
    )
    assert (
        noted.status_code == 303 and make.reload(Flag, flag.id).acknowledgement_note == "Calling Bridge today"
    )
    assert "Chris Case-Manager is on it, since 12:00\u202fPM today: “Calling Bridge today”" in text_of(
        manager.get("/caseload")
    )
    # The advocate on the case sees who is on it, and gets no note box of their own.
    seen_by_advocate = text_of(pages(world.advocate).get("/caseload"))
    assert "Chris Case-Manager is on it" in seen_by_advocate
    assert f'name="flag-{flag.id}-note"' not in seen_by_advocate
    # someone outside the case can't see or acknowledge it
    assert pages(world.other_partner).post(f"/flags/{flag.id}/acknowledge").status_code == 404


def test_acknowledging_never_sends_anyone_off_site(pages, make, world):
    stay = stay_of(make, world, days_ago=46)
    flag = make._save(
        Flag(
            key="k", kind=FlagKind.OVER_LIMIT, client_id=world.client.id, placement_id=stay.id, raised_at=NOW
        )
    )
    response = pages(world.case_manager).post(f"/flags/{flag.id}/acknowledge?next=//evil.example/")
    assert response.status_code == 303 and response.headers["Location"] == "/"


# A new survivor's record ----------------------------------------------------------------------


def test_an_advocate_opens_a_record_and_goes_on_to_find_a_bed(pages, make, world):
    advocate = pages(world.advocate)
    response = advocate.post(
        "/caseload/new",
        {
            "alias": "Rosa",
            "age_group": "adult",
            "gender": "woman",
            "adults": "1",
            "infants": "1",
            "young_children": "0",
            "school_children": "0",
            "teens": "0",
            "languages": ["es"],
            "avoid_area_ids": [str(world.other_area.id)],
        },
    )
    assert response.status_code == 303
    client_id = int(re.search(r"client=(\d+)", response.headers["Location"]).group(1))
    record = make.reload(Client, client_id)
    assert record.code.startswith("S-") and record.children == ["0-2"]
    assert record.avoid_area_ids == [world.other_area.id]
    board = text_of(advocate.get(response.headers["Location"]))
    assert "The record is open." in board and f"{record.code}" in board
    assert "Unit A" in board  # a parent with a baby needs a unit: the search starts from that


def test_a_minor_must_be_counted_among_the_children(pages, make, world):
    response = pages(world.advocate).post(
        "/caseload/new",
        {
            "age_group": "minor",
            "adults": "1",
            "infants": "0",
            "young_children": "0",
            "school_children": "0",
            "teens": "0",
        },
    )
    assert response.status_code == 422
    assert "A survivor who is a minor is counted among the children." in text_of(response)
    assert make.count(Client) == 1


# Admin ----------------------------------------------------------------------------------------


def test_an_admin_builds_the_inventory_through_the_pages(pages, make, world):
    admin = pages(world.admin)
    assert (
        admin.post("/admin/organisations", {"name": "Bay Homes", "victim_service_provider": "y"}).status_code
        == 303
    )
    assert admin.post("/admin/areas", {"name": "Alameda County"}).status_code == 303
    organisation = next(o for o in _all(make, Organisation) if o.name == "Bay Homes")
    area = next(a for a in _all(make, Area) if a.name == "Alameda County")
    response = admin.post(
        "/admin/sites/new",
        {
            "organisation_id": str(organisation.id),
            "name": "Oak House",
            "tier": "transitional",
            "area_id": str(area.id),
            "address": "1 Oak Street",
            "households_served": ["single_adults"],
            "genders_served": ["woman"],
            "age_groups_served": ["adult"],
            "languages": ["en", "es"],
            "substance_use_policy": "harm_reduction",
        },
    )
    assert response.status_code == 303, text_of(response)
    site_id = int(response.headers["Location"].rsplit("/", 1)[1])
    site = make.reload(Site, site_id)
    assert (site.name, site.stay_limit_days, site.hud_project_type) == ("Oak House", 240, 2)
    assert sorted(s.code for s in _all(make, SiteLanguage) if s.site_id == site_id) == ["en", "es"]
    added = admin.post(
        f"/admin/sites/{site_id}/spaces", {"count": "1", "label": "Room 1", "kind": "bed", "capacity": "1"}
    )
    assert added.status_code == 303
    assert [s.label for s in _all(make, Space) if s.site_id == site_id] == ["Room 1"]


def test_admin_form_refusals_are_shown_next_to_the_fields(pages, make, world):
    admin = pages(world.admin)
    taken = admin.post("/admin/organisations", {"name": "New Roots Resettlement"})
    assert taken.status_code == 409 and "already exists" in text_of(taken)
    bed = admin.post(
        f"/admin/sites/{world.shelter.id}/spaces",
        {"count": "1", "label": "Bed 7", "kind": "bed", "capacity": "3"},
    )
    assert bed.status_code == 422 and "A bed sleeps one person" in text_of(bed)
    limit = admin.post(
        "/admin/sites/new",
        {
            "organisation_id": str(world.organisation.id),
            "name": "Forever Homes",
            "tier": "long_term",
            "area_id": str(world.area.id),
            "households_served": ["single_adults"],
            "genders_served": ["woman"],
            "age_groups_served": ["adult"],
            "substance_use_policy": "harm_reduction",
            "stay_limit_days": "90",
        },
    )
    assert limit.status_code == 422 and "Long-term housing has no stay limit." in text_of(limit)
    assert 'id="stay_limit_days-error"' in limit.get_data(as_text=True)


def test_an_admin_creates_and_deactivates_accounts(pages, make, world):
    admin = pages(world.admin)
    response = admin.post(
        "/admin/accounts",
        {
            "display_name": "Sam Shelter",
            "email": "sam@example.org",
            "role": "partner",
            "organisation_id": str(world.organisation.id),
            "password": "a long first password",
        },
    )
    assert response.status_code == 303
    sam = next(u for u in _all(make, User) if u.email == "sam@example.org")
    assert sam.role == Role.PARTNER and sam.organisation_id == world.organisation.id
    asked = admin.post(f"/admin/accounts/{sam.id}/deactivate")
    assert asked.status_code == 200 and "can no longer sign in" in text_of(asked)
    assert make.reload(User, sam.id).active is True  # not before the confirmation
    deactivated = admin.post(f"/admin/accounts/{sam.id}/deactivate", {"confirmed": "yes"})
    assert deactivated.status_code == 303
    assert "their API tokens are revoked" in text_of(admin.get(deactivated.headers["Location"]))
    assert make.reload(User, sam.id).active is False
    assert admin.post(f"/admin/accounts/{sam.id}/reactivate").status_code == 303
    assert make.reload(User, sam.id).active is True
    own = admin.post(f"/admin/accounts/{world.admin.id}/deactivate")
    assert own.status_code == 409 and "can't deactivate your own account" in text_of(own)


def test_an_admin_sets_a_new_password_shown_once_for_someone_who_lost_theirs(pages, make, world):
    from housing_service.services import passwords

    before = make.reload(User, world.advocate.id)
    asked = pages(world.admin).post(f"/admin/accounts/{world.advocate.id}/new-password")
    assert "Their current password stops working at once." in text_of(asked) and "<code>" not in text_of(
        asked
    )
    assert make.reload(User, world.advocate.id).password_hash == before.password_hash
    page = pages(world.admin).post(f"/admin/accounts/{world.advocate.id}/new-password", {"confirmed": "yes"})
    assert page.status_code == 200
    shown = re.search(r"<code>([^<]+)</code>", text_of(page)).group(1)
    after = make.reload(User, world.advocate.id)
    assert len(shown) >= 12 and passwords.verify_password(after.password_hash, shown)
    assert after.session_version == before.session_version + 1  # their sessions ended
    assert "every session they had has ended and their API tokens are revoked" in text_of(page)
    assert page.headers["Cache-Control"] == "no-store"
    assert "Reset password" in text_of(pages(world.admin).get("/admin/accounts"))


def test_a_partner_account_needs_an_organisation_and_a_long_password(pages, make, world):
    response = pages(world.admin).post(
        "/admin/accounts",
        {"display_name": "Sam", "email": "sam@example.org", "role": "partner", "password": "short"},
    )
    assert response.status_code == 422
    assert "Use at least 12 characters." in text_of(response)
    assert not any(u.email == "sam@example.org" for u in _all(make, User))


def _all(make, model):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from housing_service.extensions import db

    with make.app.app_context(), Session(db.engine, expire_on_commit=False) as session:
        records = list(session.scalars(select(model)))
        session.expunge_all()
        return records


# Next place: suggestions with reasons; the survivor decides ----------------------------------


def test_the_caseload_points_to_the_suggested_next_places(pages, make, world):
    stay_of(make, world, days_ago=50)
    page = text_of(pages(world.case_manager).get("/caseload"))
    assert "Next place: transitional housing" in page
    assert "See 1 suggested place" in page


def test_a_suggested_place_shows_its_reasons_and_is_held_when_the_survivor_chooses_it(pages, make, world):
    stay = stay_of(make, world, days_ago=50)
    manager = pages(world.case_manager)
    page = text_of(manager.get(f"/stays/{stay.id}/next"))
    assert "1. Bridge Apartments" in page and "What fits" in page
    assert "Staff speak English, the survivor's first language" in page
    assert "nothing is held until you say they chose a place" in page
    response = manager.post(
        f"/stays/{stay.id}/next/{world.transitional.id}/hold",
        {f"site-{world.transitional.id}-space_id": str(world.transitional_bed.id)},
    )
    assert response.status_code == 303, text_of(response)
    hold = make.reload(Hold, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert (hold.space_id, hold.starts_on) == (world.transitional_bed.id, date(2027, 3, 20))
    decisions = _all(make, SuggestionDecision)
    assert [(d.site_id, d.decision) for d in decisions] == [(world.transitional.id, Decision.CHOSEN)]
    assert "The survivor's choice is recorded" in text_of(manager.get(response.headers["Location"]))


def test_declining_a_place_notes_the_survivors_reason(pages, make, world):
    stay = stay_of(make, world, days_ago=50)
    manager = pages(world.case_manager)
    path = f"/stays/{stay.id}/next/{world.transitional.id}/decline"
    missing = manager.post(path, {f"site-{world.transitional.id}-reason": ""})
    assert missing.status_code == 422 and "Note the survivor's reason." in text_of(missing)
    assert (
        manager.post(path, {f"site-{world.transitional.id}-reason": "Too far from school"}).status_code == 303
    )
    assert [d.reason for d in _all(make, SuggestionDecision)] == ["Too far from school"]
    assert "1. Bridge Apartments" not in text_of(manager.get(f"/stays/{stay.id}/next"))


def test_suggestions_are_for_the_case_team_only(pages, make, world):
    stay = stay_of(make, world, days_ago=50)
    assert pages(world.partner).get(f"/stays/{stay.id}/next").status_code == 403
    assert pages(make.user(Role.CASE_MANAGER)).get(f"/stays/{stay.id}/next").status_code == 404


def test_a_case_manager_plans_the_move_step_by_step(app, pages, make, world):
    from housing_service.models import PlanStep, StepStatus, TransitionPlan
    from housing_service.scheduling.runner import run_job

    stay = stay_of(make, world, days_ago=50)
    manager = pages(world.case_manager)
    page = text_of(manager.get(f"/stays/{stay.id}/next"))
    assert "No plan yet." in page and "Start a plan to move by" in page
    assert manager.post(f"/stays/{stay.id}/plan").status_code == 303
    plan = _all(make, TransitionPlan)[0]
    assert plan.move_by == date(2027, 3, 20)  # the suggestion's move-by date

    missing = manager.post(f"/stays/{stay.id}/plan/steps", {"step-kind": "income", "step-owner": "Survivor"})
    assert missing.status_code == 422 and "Say what the step is." in text_of(missing)
    added = manager.post(
        f"/stays/{stay.id}/plan/steps",
        {
            "step-kind": "identity_documents",
            "step-description": "Replacement ID appointment",
            "step-owner": "Case manager",
            "step-due_on": "2027-03-09",
        },
    )
    assert added.status_code == 303
    page = text_of(manager.get(f"/stays/{stay.id}/next"))
    assert "Replacement ID appointment" in page and "Identity documents · Case manager" in page
    step = _all(make, PlanStep)[0]
    # the step is past its date: the stay review flags it, and marking it done resolves the flag
    with app.app_context():
        run_job("stay_review", NOW)
    assert "Plan step past its date" in text_of(manager.get("/caseload"))
    done = manager.post(f"/plan-steps/{step.id}/status", {f"step-{step.id}-status": "done"})
    assert done.status_code == 303 and make.reload(PlanStep, step.id).status == StepStatus.DONE
    with app.app_context():
        run_job("stay_review", NOW + timedelta(hours=1))
    assert "Plan step past its date" not in text_of(manager.get("/caseload"))
    # the site's staff never see the plan
    assert pages(world.partner).get(f"/stays/{stay.id}/next").status_code == 403
