"""The caseload as a worklist (urgency order, 'needs action', the survivor's recorded choice),
and a partner's site page that keeps their place (anchors, one control per job, refusals)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from housing_service import clock
from housing_service.extensions import db
from housing_service.models import Flag, FlagKind, Hold, HoldStatus, Placement, Space, TransitionPlan
from housing_service.vocabulary import Tier
from housing_service.web import caseload as caseload_view
from tests.web.world import NOW, TODAY, text_of

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _flag(make, client, kind=FlagKind.OVER_LIMIT, act_by=None, resolved=False, **fields):
    return make._save(
        Flag(
            key=f"test:{client.id}:{kind.value}:{act_by}:{resolved}",
            kind=kind,
            client_id=client.id,
            act_by=act_by,
            raised_at=NOW,
            resolved_at=NOW if resolved else None,
            **fields,
        )
    )


def _stay(make, world, client, space, days_left):
    return make.placement(
        client,
        space,
        world.shelter,
        TODAY - timedelta(days=20),
        world.partner,
        TODAY + timedelta(days=days_left),
    )


def _codes_in_order(page: str) -> list[str]:
    return re.findall(r'class="card__title" id="client-\d+">(S-[A-Z0-9]+)', page)


@pytest.fixture
def caseload(make, world):
    """Six survivors of one case manager, made in an order unlike their urgency."""
    manager = world.case_manager
    ten_days = make.client(case_manager=manager, code="S-TEN")
    _stay(make, world, ten_days, world.bed, 10)
    three_days = make.client(case_manager=manager, code="S-THREE")
    _stay(make, world, three_days, world.second_bed, 3)
    flag_only = make.client(case_manager=manager, code="S-FLAG")
    _flag(make, flag_only, FlagKind.HOLD_EXPIRED, act_by=TODAY + timedelta(days=2))
    three_days_and_flag = make.client(case_manager=manager, code="S-THREEF")
    _stay(make, world, three_days_and_flag, world.unit, 3)
    _flag(make, three_days_and_flag, act_by=TODAY + timedelta(days=1))
    only_resolved = make.client(case_manager=manager, code="S-DONE")
    _flag(make, only_resolved, act_by=TODAY, resolved=True)
    make.client(case_manager=manager, code="S-NEW")
    # world.client (S-AB2CD3) is the oldest record: no stay, no flag.
    return ["S-THREEF", "S-THREE", "S-TEN", "S-FLAG", "S-NEW", "S-DONE", "S-AB2CD3"]


def test_the_caseload_is_ordered_by_days_left_then_act_by_date(pages, caseload, world):
    page = text_of(pages(world.case_manager).get("/caseload"))
    assert _codes_in_order(page) == caseload
    assert "Most urgent first" in page


def test_paging_keeps_the_urgency_order_and_reads_one_page_at_a_time(pages, caseload, world, monkeypatch):
    monkeypatch.setattr(caseload_view, "CLIENTS_PER_PAGE", 3)
    manager = pages(world.case_manager)
    seen = []
    for number in (1, 2, 3):
        page = text_of(manager.get(f"/caseload?page={number}"))
        codes = _codes_in_order(page)
        assert len(codes) <= 3
        seen += codes
        assert f"Page {number} of 3" in page
    assert seen == caseload


def test_needs_action_shows_only_survivors_with_an_open_flag(pages, caseload, world):
    manager = pages(world.case_manager)
    page = text_of(manager.get("/caseload?show=needs-action"))
    assert _codes_in_order(page) == ["S-THREEF", "S-FLAG"]
    assert '<span aria-current="page">Needs action</span>' in page
    everyone = text_of(manager.get("/caseload"))
    assert 'href="/caseload?show=needs-action"' in everyone


def test_needs_action_with_nothing_open_says_so(pages, world):
    page = text_of(pages(world.case_manager).get("/caseload?show=needs-action"))
    assert "Nothing needs action: no survivor on your caseload has an open flag." in page


def test_needs_action_pages_keep_the_filter(pages, caseload, world, monkeypatch):
    monkeypatch.setattr(caseload_view, "CLIENTS_PER_PAGE", 1)
    page = text_of(pages(world.case_manager).get("/caseload?show=needs-action"))
    assert _codes_in_order(page) == ["S-THREEF"]
    assert 'href="/caseload?page=2&amp;show=needs-action"' in page or "page=2&show=needs-action" in page


def test_an_advocate_sees_only_their_case_teams_in_the_worklist(pages, caseload, world):
    assert _codes_in_order(text_of(pages(world.advocate).get("/caseload"))) == ["S-AB2CD3"]


@pytest.mark.parametrize(
    ("days_left", "word", "modifier"),
    [
        (-2, "Act now", "past-end"),
        (0, "Act now", "past-end"),
        (3, "Urgent", "urgent"),
        (10, "Plan soon", "soon"),
        (30, "On track", "on-track"),
    ],
)
def test_each_bar_says_its_urgency_in_words_and_carries_its_colour_class(
    pages, make, world, days_left, word, modifier
):
    _stay(make, world, world.client, world.bed, days_left)
    page = text_of(pages(world.case_manager).get("/caseload"))
    assert f'class="stay-bar stay-bar--{modifier}"' in page
    assert re.search(
        rf'<span class="urgency urgency--{modifier}">(<span aria-hidden="true">! </span>)?{word}</span>', page
    )


def _chosen_place(make, world, stay, hold_status=HoldStatus.HELD):
    hold = make.hold(
        world.client,
        world.transitional_bed,
        world.transitional,
        stay.expected_end_on,
        world.case_manager,
        NOW + timedelta(days=30),
    )
    if hold_status != HoldStatus.HELD:
        with make.app.app_context():
            db.session.execute(update(Hold).where(Hold.id == hold.id).values(status=hold_status))
            db.session.commit()
    return make._save(
        TransitionPlan(
            placement_id=stay.id,
            target_tier=Tier.TRANSITIONAL,
            move_by=stay.expected_end_on,
            chosen_site_id=world.transitional.id,
            hold_id=hold.id,
            created_by_id=world.case_manager.id,
            created_at=NOW,
            updated_at=NOW,
        )
    )


def test_a_recorded_choice_shows_on_the_card_instead_of_the_suggestion(pages, make, world):
    stay = _stay(make, world, world.client, world.bed, 10)
    manager = pages(world.case_manager)
    assert "See 1 suggested place" in text_of(manager.get("/caseload"))
    _chosen_place(make, world, stay)
    page = text_of(manager.get("/caseload"))
    assert "Bridge Apartments held from Sat, Mar 20, 2027 · plan started" in page
    assert f'href="/stays/{stay.id}/next#plan-title"' in page
    assert "See 1 suggested place" not in page and "Next place: transitional housing" not in page


def test_a_choice_whose_hold_ended_says_no_bed_is_held(pages, make, world):
    stay = _stay(make, world, world.client, world.bed, 10)
    _chosen_place(make, world, stay, HoldStatus.RELEASED)
    page = text_of(pages(world.case_manager).get("/caseload"))
    assert "Bridge Apartments chosen, no bed held there now · plan started" in page


def test_choosing_a_place_settles_the_plan_the_move_flag(pages, make, world):
    stay = make.placement(world.client, world.bed, world.shelter, TODAY - timedelta(days=50), world.partner)
    flag = _flag(
        make,
        world.client,
        FlagKind.NEARING_LIMIT,
        act_by=stay.expected_end_on,
        placement_id=stay.id,
        subject_on=stay.expected_end_on,
        days_before=14,
    )
    manager = pages(world.case_manager)
    assert "Needs attention</span>" in text_of(manager.get("/caseload"))
    chosen = manager.post(
        f"/stays/{stay.id}/next/{world.transitional.id}/hold",
        {f"site-{world.transitional.id}-space_id": str(world.transitional_bed.id)},
    )
    assert chosen.status_code == 303
    assert make.reload(Flag, flag.id).resolved_at == NOW
    page = text_of(manager.get("/caseload"))
    assert "Needs attention</span>" not in page
    assert "Bridge Apartments held from Sat, Mar 20, 2027 · plan started" in page


def test_a_second_hold_from_the_same_day_asks_for_the_reason_on_the_next_place_page(pages, make, world):
    stay = make.placement(world.client, world.bed, world.shelter, TODAY - timedelta(days=50), world.partner)
    room_2 = make.space(world.transitional, label="Room 2")
    make.hold(
        world.client,
        world.transitional_bed,
        world.transitional,
        stay.expected_end_on,
        world.advocate,
        NOW + timedelta(days=30),
    )
    manager = pages(world.case_manager)
    prefix = f"site-{world.transitional.id}"
    page = text_of(manager.get(f"/stays/{stay.id}/next"))
    assert f'name="{prefix}-override_reason"' in page and "already holds Room 1 from that day" in page
    path = f"/stays/{stay.id}/next/{world.transitional.id}/hold"
    refused = manager.post(path, {f"{prefix}-space_id": str(room_2.id)})
    assert refused.status_code == 409
    assert f'name="{prefix}-override_reason"' in text_of(refused)
    assert "Needed for a second hold on the same day." in text_of(refused)
    assert make.count(Hold) == 1
    allowed = manager.post(
        path, {f"{prefix}-space_id": str(room_2.id), f"{prefix}-override_reason": "Two options"}
    )
    assert allowed.status_code == 303 and make.count(Hold) == 2


def test_without_a_hold_that_day_the_next_place_page_asks_no_reason(pages, make, world):
    stay = make.placement(world.client, world.bed, world.shelter, TODAY - timedelta(days=50), world.partner)
    page = text_of(pages(world.case_manager).get(f"/stays/{stay.id}/next"))
    assert "override_reason" not in page


# A partner's site page --------------------------------------------------------------------------


def test_each_stay_has_one_record_exit_and_its_bed_links_to_it(pages, make, world):
    stay = make.placement(world.client, world.bed, world.shelter, TODAY - timedelta(days=3), world.partner)
    page = text_of(pages(world.partner).get(f"/my-sites/{world.shelter.id}"))
    assert page.count(f'href="/stays/{stay.id}/exit"') == 1
    assert page.count(f'href="/stays/{stay.id}/move"') == 1
    assert f'id="stay-{stay.id}"' in page and f'href="#stay-{stay.id}"' in page
    # Free beds can go out of service; the occupied one offers no such control.
    assert f"/spaces/{world.second_bed.id}/out-of-service" in page
    assert f"/spaces/{world.bed.id}/out-of-service" not in page


def test_each_action_on_the_site_page_returns_to_the_row_it_changed(pages, make, world):
    hold = make.hold(world.client, world.bed, world.shelter, TODAY, world.advocate, NOW + timedelta(hours=4))
    partner = pages(world.partner)
    site = f"/my-sites/{world.shelter.id}"
    checked_in = partner.post(f"{site}/holds/{hold.id}/check-in")
    with make.app.app_context():
        stay_id = db.session.scalar(select(Placement.id).where(Placement.hold_id == hold.id))
    assert checked_in.headers["Location"] == f"{site}#stay-{stay_id}"
    assert f'id="stay-{stay_id}"' in text_of(partner.get(site))
    undone = partner.post(f"/stays/{stay_id}/undo-check-in")
    assert undone.headers["Location"] == f"{site}#hold-{hold.id}"
    assert f'id="hold-{hold.id}"' in text_of(partner.get(site))
    out = partner.post(
        f"{site}/spaces/{world.second_bed.id}/out-of-service", {f"space-{world.second_bed.id}-reason": "Leak"}
    )
    assert out.headers["Location"] == f"{site}#space-{world.second_bed.id}"
    assert f'id="space-{world.second_bed.id}"' in text_of(partner.get(site))


def test_a_stay_moved_or_extended_by_the_site_returns_to_the_stay(pages, make, world):
    stay = make.placement(world.client, world.bed, world.shelter, TODAY - timedelta(days=3), world.partner)
    partner = pages(world.partner)
    extended = partner.post(
        f"/stays/{stay.id}/extension",
        {
            "new_end_on": str(stay.expected_end_on + timedelta(days=7)),
            "reason": "Waiting",
            "approved_by": "Lead",
        },
    )
    assert extended.status_code == 303
    assert extended.headers["Location"] == f"/my-sites/{world.shelter.id}#stay-{stay.id}"


def test_the_service_refuses_an_occupied_bed_out_of_service_through_the_api_too(api, make, world):
    make.placement(world.client, world.bed, world.shelter, TODAY - timedelta(days=3), world.partner)
    response = api(world.partner).patch(
        f"/api/v1/spaces/{world.bed.id}", json={"in_service": False, "out_of_service_reason": "Leak"}
    )
    assert response.status_code == 409, response.get_json()
    assert "Bed 1 is occupied" in response.get_json()["message"]
    assert make.reload(Space, world.bed.id).in_service


def test_partners_see_a_stay_past_its_end_but_not_the_case_teams_plan_the_move(pages, make, world):
    stay = make.placement(world.client, world.bed, world.shelter, TODAY - timedelta(days=50), world.partner)
    _flag(
        make,
        world.client,
        FlagKind.NEARING_LIMIT,
        act_by=stay.expected_end_on,
        placement_id=stay.id,
        site_id=world.shelter.id,
    )
    over = _flag(
        make,
        world.client,
        FlagKind.OVER_LIMIT,
        act_by=TODAY,
        placement_id=stay.id,
        site_id=world.shelter.id,
        subject_on=TODAY,
    )
    partner = pages(world.partner)
    page = text_of(partner.get(f"/my-sites/{world.shelter.id}"))
    assert "Stay nearing its end" not in page and "plan the move" not in page
    assert "Stay past its planned end" in page
    assert (
        partner.post(f"/flags/{over.id}/acknowledge?next=/my-sites/{world.shelter.id}").headers["Location"]
        == f"/my-sites/{world.shelter.id}#flag-{over.id}"
    )
    after = text_of(partner.get(f"/my-sites/{world.shelter.id}"))
    assert "Pat Partner is on it, since 12:00\u202fPM today." in after
    # The case manager sees the name too; another organisation's partner sees nothing of it.
    assert "Pat Partner is on it, since 12:00\u202fPM today." in text_of(
        pages(world.case_manager).get("/caseload")
    )
    assert pages(world.other_partner).post(f"/flags/{over.id}/acknowledge").status_code == 404


def test_the_person_on_it_keeps_their_time_when_adding_a_note(pages, make, world):
    flag = _flag(make, world.client, act_by=TODAY)
    manager = pages(world.case_manager)
    manager.post(f"/flags/{flag.id}/acknowledge?next=/caseload")
    with clock.frozen(NOW + timedelta(hours=1)):
        manager.post(f"/flags/{flag.id}/acknowledge?next=/caseload", {f"flag-{flag.id}-note": "Called"})
    saved = make.reload(Flag, flag.id)
    assert (saved.acknowledged_at, saved.acknowledgement_note) == (NOW, "Called")
