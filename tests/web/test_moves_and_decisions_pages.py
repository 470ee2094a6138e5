"""Pages for issue 13: "Move to another bed", the survivor's decisions, fit in words, ended stays."""

from __future__ import annotations

from datetime import timedelta

import pytest

from housing_service.models import Placement, SuggestionDecision
from housing_service.vocabulary import CasePhase
from tests.web.world import TODAY, text_of

pytestmark = pytest.mark.usefixtures("frozen_clock")


def stay_of(make, world, days_ago: int = 50):
    return make.placement(
        world.client, world.bed, world.shelter, TODAY - timedelta(days=days_ago), world.partner
    )


def test_the_site_page_moves_a_survivor_to_another_bed_and_the_clock_goes_on(make, world, pages):
    stay = stay_of(make, world)
    partner = pages(world.partner)
    site_page = text_of(partner.get(f"/my-sites/{world.shelter.id}"))
    assert "Move to another bed" in site_page
    form = partner.get(f"/stays/{stay.id}/move")
    assert form.status_code == 200 and "Bed 2" in text_of(form)
    assert "Room 1" not in text_of(form)  # another tier is a transition, not a move
    missing = partner.post(f"/stays/{stay.id}/move", {"space_id": str(world.second_bed.id), "reason": ""})
    assert missing.status_code == 422 and "Say why" in text_of(missing)
    moved = partner.post(
        f"/stays/{stay.id}/move", {"space_id": str(world.second_bed.id), "reason": "The heater broke"}
    )
    assert moved.status_code == 303
    new_stay = make.reload(Placement, stay.id + 1)
    assert new_stay.space_id == world.second_bed.id and new_stay.expected_end_on == stay.expected_end_on
    page = text_of(partner.get(f"/my-sites/{world.shelter.id}"))
    # Day 51 of the episode (its first night 50 nights ago), not day 1 of a new stay.
    assert "in Bed 2, since" in page and "Day 51 of 60" in page and "Day 1 of" not in page


def test_the_next_place_page_lists_decisions_and_says_fit_in_words(make, world, pages, api):
    stay = stay_of(make, world)
    api(world.admin).patch(
        f"/api/v1/clients/{world.client.id}", json={"case_phase": CasePhase.STABILISATION.value}
    )
    declined = api(world.case_manager).post(
        f"/api/v1/placements/{stay.id}/decisions",
        json={"site_id": world.transitional.id, "decision": "declined", "reason": "Too far from her school"},
    )
    assert declined.status_code == 201, declined.get_json()
    assert make.count(SuggestionDecision) == 1
    page = text_of(pages(world.case_manager).get(f"/stays/{stay.id}/next"))
    decisions = page.split("The survivor's decisions", 1)[1]
    assert "Bridge Apartments" in decisions and "Too far from her school" in decisions
    assert "Chris Case-Manager" in decisions and "may be suggested again from" in decisions


def test_a_suggested_place_reads_as_words(make, world, pages, api):
    stay = stay_of(make, world)
    api(world.admin).patch(f"/api/v1/clients/{world.client.id}", json={"case_phase": "stabilisation"})
    page = text_of(pages(world.case_manager).get(f"/stays/{stay.id}/next"))
    card = page.split("Bridge Apartments", 1)[1].split("</article>", 1)[0]
    assert "Best fit:" in card and "a bed" in card


@pytest.mark.parametrize(
    ("language", "heading", "fit", "bed"),
    [
        ("es", "Próximo lugar para S-AB2CD3", "El que mejor encaja:", "una cama"),
        ("vi", "Chỗ ở tiếp theo cho S-AB2CD3", "Phù hợp nhất:", "một giường"),
    ],
)
def test_a_suggested_place_reads_in_the_readers_language(make, world, pages, api, language, heading, fit, bed):
    stay = stay_of(make, world)
    api(world.admin).patch(f"/api/v1/clients/{world.client.id}", json={"case_phase": "stabilisation"})
    page = text_of(pages(world.case_manager).get(f"/stays/{stay.id}/next", headers={"Accept-Language": language}))
    assert heading in page
    card = page.split("Bridge Apartments", 1)[1].split("</article>", 1)[0]
    # "Best fit:" and its reasons in one language: fit_words is given the reader's words.
    assert fit in card and bed in card
    assert "Best fit" not in card and "a bed" not in card


def test_an_ended_stays_page_says_it_ended_and_points_to_the_current_one(make, world, pages, api):
    stay = stay_of(make, world)
    moved = api(world.partner).post(
        f"/api/v1/placements/{stay.id}/move", json={"space_id": world.second_bed.id, "reason": "Quieter room"}
    )
    assert moved.status_code == 201, moved.get_json()
    page = pages(world.case_manager).get(f"/stays/{stay.id}/next")
    assert page.status_code == 200
    text = text_of(page)
    assert "This stay has ended" in text and "Places that fit" not in text
    assert f"/stays/{moved.get_json()['id']}/next" in text


def test_a_new_record_takes_an_age_in_years_and_checks_it(make, world, pages):
    from housing_service.models import Client

    session = pages(world.case_manager)
    form = {
        "age_group": "minor",
        "adults": "0",
        "infants": "0",
        "young_children": "0",
        "school_children": "0",
    }
    opened = session.post("/caseload/new", {**form, "teens": "1", "age_years": "16"})
    assert opened.status_code == 303, text_of(opened)
    record = make.reload(Client, world.client.id + 1)
    assert (record.age_years, record.adults, record.household_size) == (16, 0, 1)
    wrong = session.post("/caseload/new", {**form, "teens": "1", "age_years": "19"})
    assert wrong.status_code == 422 and "does not match the age group" in text_of(wrong)
    too_old = session.post("/caseload/new", {**form, "teens": "1", "age_years": "130"})
    assert too_old.status_code == 422
    assert make.count(Client) == 2


def test_the_site_page_undoes_a_check_in_made_by_mistake(make, world, pages):
    from housing_service import clock
    from housing_service.models import Hold, HoldStatus
    from tests.web.world import NOW

    hold = make.hold(world.client, world.bed, world.shelter, TODAY, world.advocate, NOW + timedelta(hours=4))
    partner = pages(world.partner)
    checked_in = partner.post(f"/my-sites/{world.shelter.id}/holds/{hold.id}/check-in")
    assert checked_in.status_code == 303
    page = text_of(partner.get(f"/my-sites/{world.shelter.id}"))
    assert "Undo check-in" in page
    [stay_id] = [stay_id for (stay_id,) in _placements_of(make, hold.id)]
    stay = make.reload(Placement, stay_id)
    with clock.frozen(NOW + timedelta(minutes=10)):
        undone = partner.post(f"/stays/{stay.id}/undo-check-in")
        assert undone.status_code == 303
        page = text_of(partner.get(f"/my-sites/{world.shelter.id}"))
    assert "is undone" in page and "Undo check-in" not in page
    assert make.reload(Placement, stay.id) is None and make.reload(Hold, hold.id).status == HoldStatus.HELD


def _placements_of(make, hold_id: int) -> list[tuple[int]]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from housing_service.extensions import db

    with make.app.app_context(), Session(db.engine) as session:
        return list(session.execute(select(Placement.id).where(Placement.hold_id == hold_id)))
