"""Bed tonight, page by page (no browser): who the bed is for, the board ranked by fit, and the
hold step that opens a record for someone new. The browser walk is in test_browser_bed_tonight."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from housing_service.models import Client, Hold, HoldStatus
from housing_service.vocabulary import AgeGroup, ChildAgeBracket, ReferralMode
from housing_service.web.presentation import phone_links
from tests.web.bed_tonight import OPEN_ADDRESS, busy_night
from tests.web.world import NOW, TODAY, text_of

pytestmark = pytest.mark.usefixtures("frozen_clock")

MOTHER = "adults=1&children_ages=4,+8&language=es"


def site_order(page: str) -> list[str]:
    return re.findall(r'<h3 id="site-\d+">([^<]+)</h3>', page)


def card_of(page: str, name: str) -> str:
    start = page.index(f">{name}</h3>")
    return page[start : page.find("</article>", start)]


def test_the_board_opens_on_emergency_shelter_from_tonight(pages, make, world):
    night = busy_night(make, world)
    shown = text_of(pages(world.advocate).get("/beds"))
    assert night.transitional.name not in shown and night.best.name in shown
    assert "Emergency shelter, from tonight" in shown
    # any kind of housing is one choice away, and the choice is kept
    assert night.transitional.name in text_of(pages(world.advocate).get("/beds?searched=1&tier="))


def test_sites_rank_by_fit_to_the_household_with_badges_and_the_reasons_for_lower_ones(pages, make, world):
    night = busy_night(make, world)
    page = text_of(pages(world.advocate).get(f"/beds?searched=1&{MOTHER}"))
    order = site_order(page)
    # Spanish-speaking, fresh, 24-hour family places first (ties by name); office hours, then
    # out-of-date availability lower; staff who do not speak Spanish last.
    assert order == [
        night.best.name,
        world.shelter.name,
        night.office_hours.name,
        night.stale.name,
        night.english_only.name,
    ]
    best = card_of(page, night.best.name)
    for badge in ("Staff speak Spanish", "Family unit", "Arrivals 24 hours a day"):
        assert f'<span class="badge badge--fit">{badge}</span>' in best
    assert "Lower in the list" not in best
    assert "Lower in the list:</span> Intake at set hours: Mon–Fri 9–17." in card_of(
        page, night.office_hours.name
    )
    stale = card_of(page, night.stale.name)
    assert "Out of date: confirmed 3 days ago; call the site to check" in stale
    assert "Lower in the list:</span> Availability last confirmed 3 days ago; check with the site" in stale
    assert "Lower in the list:</span> Staff do not speak Spanish." in card_of(page, night.english_only.name)
    assert "For 1 adult, 2 children (aged 3 to 5 and aged 6 to 12), speaks Spanish." in page
    # a single person is offered beds as well; a household of three only units for three or more
    assert " Bed 1 at Harbor House</span>" not in page and " Unit A at Harbor House</span>" in page


def test_a_record_brings_its_recorded_language_and_household(pages, make, world):
    night = busy_night(make, world)
    client = make.client(
        advocates=(world.advocate,), languages=["es"], children=[ChildAgeBracket.CHILD, ChildAgeBracket.CHILD]
    )
    page = text_of(pages(world.advocate).get(f"/beds?client={client.id}"))
    assert site_order(page)[0] == night.best.name and site_order(page)[-1] == night.english_only.name
    assert "Staff speak Spanish" in card_of(page, night.best.name)
    assert f"/holds/new?space={night.best_unit.id}&client={client.id}" in page


def test_steps_say_where_the_person_is_and_mark_nothing_done_that_was_not(pages, make, world):
    board = text_of(pages(world.advocate).get("/beds"))
    assert (
        'aria-current="step" class="steps__current"><span class="steps__number">1</span> Find a bed' in board
    )
    assert "steps__done" not in board


def test_children_s_ages_that_are_not_ages_are_refused_next_to_the_field(pages, world):
    response = pages(world.advocate).get("/beds?searched=1&children_ages=four")
    assert response.status_code == 422
    assert "Children&#39;s ages: Enter each child&#39;s age in years, 0 to 17" in response.get_data(
        as_text=True
    )
    assert pages(world.advocate).get("/beds?searched=1&children_ages=4,19").status_code == 422


def test_the_hold_step_offers_someone_new_with_what_the_board_was_told(pages, make, world):
    night = busy_night(make, world)
    page = text_of(pages(world.advocate).get(f"/holds/new?space={night.best_unit.id}&{MOTHER}"))
    assert '<option selected value="new">Someone new: open a record now</option>' in page
    assert "Someone new:</span> 1 adult, 2 children (aged 3 to 5 and aged 6 to 12) · speaks Spanish" in page
    assert '<input type="hidden" name="children_ages" value="4, 8">' in page
    assert 'name="age_group" type="radio"' in page


def _hold_for_someone_new(advocate, space, **extra):
    form = {
        "client_id": "new",
        "space_id": space.id,
        "adults": "1",
        "children_ages": "4, 8",
        "language": "es",
    }
    return advocate.post("/holds", {**form, **extra})


def test_someone_new_gets_a_minimal_record_and_the_hold_in_one_step(pages, make, world):
    night = busy_night(make, world)
    response = _hold_for_someone_new(pages(world.advocate), night.best_unit, age_group="adult")
    assert response.status_code == 303
    hold = make.reload(Hold, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert hold.status == HoldStatus.HELD and hold.space_id == night.best_unit.id
    record = make.reload(Client, hold.client_id)
    assert record.adults == 1 and record.age_group == AgeGroup.ADULT
    assert record.children == [ChildAgeBracket.YOUNG_CHILD, ChildAgeBracket.CHILD]
    assert record.languages == ["es"] and record.code.startswith("S-")
    shown = text_of(pages(world.advocate).get(response.headers["Location"]))
    assert f"is held for {record.code}" in shown  # the advocate who opened it works the case


def test_someone_new_without_an_age_group_is_asked_for_it_and_nothing_is_written(pages, make, world):
    night = busy_night(make, world)
    clients_before = make.count(Client)
    response = _hold_for_someone_new(pages(world.advocate), night.best_unit)
    assert response.status_code == 422
    assert "Choose their age group" in text_of(response)
    assert make.count(Client) == clients_before and make.count(Hold) == 0


def test_a_refused_hold_for_someone_new_opens_no_record(pages, make, world):
    night = busy_night(make, world)
    make.hold(world.client, night.best_unit, night.best, TODAY, world.advocate, NOW + timedelta(hours=4))
    clients_before = make.count(Client)
    response = _hold_for_someone_new(pages(world.advocate), night.best_unit, age_group="adult")
    assert response.status_code == 409 and "Someone has just held this bed or unit" in text_of(response)
    assert make.count(Client) == clients_before and make.count(Hold) == 1


def test_someone_new_at_a_screened_site_still_goes_through_a_referral(pages, make, world):
    screened = make.site(name="Quiet Harbor", confidential=True, referral_mode=ReferralMode.SCREENED)
    unit = make.space(screened, label="Unit Q")
    advocate = pages(world.advocate)
    step = advocate.get(f"/holds/new?space={unit.id}&{MOTHER}")
    assert step.status_code == 303 and step.headers["Location"].startswith("/referrals/new?site=")
    clients_before = make.count(Client)
    response = _hold_for_someone_new(advocate, unit, age_group="adult")
    assert response.status_code == 409 and "screens referrals" in text_of(response)
    assert make.count(Client) == clients_before and make.count(Hold) == 0


def test_the_hold_has_tap_to_call_and_a_map_link_for_an_open_address_only(pages, make, world):
    night = busy_night(make, world)
    advocate = pages(world.advocate)
    open_hold = advocate.post("/holds", {"client_id": world.client.id, "space_id": night.best_unit.id})
    page = text_of(advocate.get(open_hold.headers["Location"]))
    assert OPEN_ADDRESS in page
    assert 'href="https://www.openstreetmap.org/search?query=500+Mission+Street%2C+San+Jose"' in page
    assert '<a href="tel:4085550142">(408) 555-0142</a>' in page
    # a confidential address the holder may see: shown, but never sent to a map search
    other = make.client(advocates=(world.advocate,))
    secret_hold = advocate.post("/holds", {"client_id": other.id, "space_id": world.bed.id})
    secret = text_of(advocate.get(secret_hold.headers["Location"]))
    assert "7 Secret Road" in secret and "openstreetmap" not in secret
    # and the case manager, who may not see it, gets neither the address nor a link
    managers_view = text_of(pages(world.case_manager).get(secret_hold.headers["Location"]))
    assert "7 Secret Road" not in managers_view and "openstreetmap" not in managers_view


def test_phone_links_escape_the_text_and_leave_short_numbers_alone():
    assert str(phone_links("<b>Call</b> +1 408 555 0142, ext 12")) == (
        '&lt;b&gt;Call&lt;/b&gt; <a href="tel:+14085550142">+1 408 555 0142</a>, ext 12'
    )
    assert str(phone_links("Room 12-4")) == "Room 12-4"
    assert str(phone_links(None)) == ""
