"""The pages through Flask's test client: each page per role, sign-in, CSRF, caching, refusals."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from housing_service import clock
from housing_service.models import AvailabilityConfirmation, Hold, HoldStatus, Site, Space, SpaceStatusChange
from housing_service.services import holds as holds_service
from tests.factories import PASSWORD
from tests.web.world import NOW, TODAY, text_of

pytestmark = pytest.mark.usefixtures("frozen_clock")


# Signing in and out ---------------------------------------------------------------------------


def test_pages_send_a_signed_out_person_to_sign_in_and_back(pages, world):
    response = pages(None).get("/caseload?page=2")
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/sign-in" and parse_qs(target.query)["next"] == ["/caseload?page=2"]


def test_an_address_no_page_answers_gets_a_page_in_plain_words(pages, world):
    missing = pages(world.advocate).get("/no-such-page")
    assert missing.status_code == 404 and "We couldn't find that" in text_of(missing)
    wrong_method = pages(world.advocate).get(f"/holds/{world.bed.id}/release")
    assert wrong_method.status_code == 405 and "This address only takes form submissions" in text_of(
        wrong_method
    )
    api_missing = pages(world.advocate).get("/api/v1/no-such-thing")
    assert api_missing.status_code == 404 and api_missing.get_json()["code"] == 404


def test_signing_in_through_the_form_goes_to_the_page_asked_for(pages, world):
    browser = pages(None)
    response = browser.post(
        "/sign-in?next=/caseload", {"email": world.case_manager.email, "password": PASSWORD}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/caseload"
    assert browser.get("/caseload").status_code == 200


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "caseload"]
)
def test_sign_in_never_sends_anyone_to_another_site(pages, world, target):
    response = pages(None).post(
        "/sign-in", {"email": world.advocate.email, "password": PASSWORD}, query_string={"next": target}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_a_wrong_password_and_an_unknown_email_read_the_same_and_reveal_nothing(pages, world):
    wrong = pages(None).post("/sign-in", {"email": world.advocate.email, "password": "not the password"})
    unknown = pages(None).post("/sign-in", {"email": "nobody@example.org", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 401
    message = "That email and password don't match an active account."
    assert message in text_of(wrong) and message in text_of(unknown)
    assert "ask your coalition's admin" in text_of(wrong)

    def without_token_and_email(page: str, email: str) -> str:
        return re.sub(r'name="csrf_token" value="[^"]+"', "", page).replace(email, "")

    assert without_token_and_email(text_of(wrong), world.advocate.email) == without_token_and_email(
        text_of(unknown), "nobody@example.org"
    )


def test_an_empty_sign_in_form_says_what_is_missing(pages, world):
    response = pages(None).post("/sign-in", {"email": "", "password": ""})
    assert response.status_code == 422
    assert "Enter your email address." in text_of(response) and "Enter your password." in text_of(response)


def test_signing_out_is_a_form_post_and_ends_the_session(pages, world):
    browser = pages(world.advocate)
    assert browser.get("/sign-out").status_code == 405
    assert browser.get("/beds").status_code == 200
    response = browser.post("/sign-out")
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    assert browser.get("/beds").status_code == 302


@pytest.mark.parametrize(
    ("role", "main_page"),
    [("advocate", "/beds"), ("case_manager", "/caseload"), ("partner", "/my-sites"), ("admin", "/admin")],
)
def test_home_sends_each_role_to_its_main_page(pages, world, role, main_page):
    response = pages(getattr(world, role)).get("/")
    assert response.status_code == 303 and response.headers["Location"] == main_page


# Each page, for each role that uses it; the others get a clear refusal -----------------------


PAGES_BY_ROLE = [
    ("advocate", "/beds", "Bed board"),
    ("advocate", "/caseload", "My clients"),
    ("advocate", "/caseload/new", "Open a record for someone new"),
    ("case_manager", "/caseload", "Caseload"),
    ("case_manager", "/beds", "Bed board"),
    ("partner", "/my-sites", "My sites"),
    ("admin", "/admin", "Admin"),
    ("admin", "/admin/organisations", "Add an organisation"),
    ("admin", "/admin/areas", "Add an area"),
    ("admin", "/admin/sites", "Sites, beds and units"),
    ("admin", "/admin/sites/new", "Add a site"),
    ("admin", "/admin/accounts", "Create an account"),
    ("admin", "/my-sites", "Sites"),
    ("admin", "/beds", "Bed board"),
    ("admin", "/caseload", "Caseload"),
]


@pytest.mark.parametrize(("role", "path", "heading"), PAGES_BY_ROLE)
def test_each_page_opens_for_the_roles_that_use_it(pages, world, role, path, heading):
    response = pages(getattr(world, role)).get(path)
    assert response.status_code == 200, text_of(response)
    assert heading in text_of(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_site_pages_open_for_their_staff_and_admins(pages, world):
    for user in (world.partner, world.admin):
        response = pages(user).get(f"/my-sites/{world.shelter.id}")
        assert response.status_code == 200 and "Harbor House" in text_of(response)
    assert "Bed 1" in text_of(pages(world.admin).get(f"/admin/sites/{world.shelter.id}"))


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("partner", "/beds"),
        ("partner", "/caseload"),
        ("advocate", "/my-sites"),
        ("advocate", "/admin"),
        ("case_manager", "/admin/accounts"),
        ("partner", "/admin/sites"),
    ],
)
def test_other_roles_get_a_clear_refusal(pages, world, role, path):
    response = pages(getattr(world, role)).get(path)
    assert response.status_code == 403
    assert "You can't open this page" in text_of(response) and "admin" in text_of(response)


def test_a_partner_can_not_open_another_organisations_site(pages, make, world):
    response = pages(world.other_partner).get(f"/my-sites/{world.shelter.id}")
    assert response.status_code == 403
    assert "This site belongs to another organisation." in text_of(response)
    assert "7 Secret Road" not in text_of(response) and "Bed 1" not in text_of(response)
    refused = pages(world.other_partner).post(f"/my-sites/{world.shelter.id}/confirm")
    assert refused.status_code == 403
    assert make.count(AvailabilityConfirmation) == 0


def test_unknown_records_get_a_page_not_json(pages, world):
    response = pages(world.advocate).get("/holds/999999")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "No hold you may see has this id." in text_of(response)


def test_an_unexpected_failure_shows_a_request_id_and_no_details(pages, world, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(holds_service, "list_holds", broken)
    response = pages(world.advocate).get("/beds")
    assert response.status_code == 500
    assert "Nothing was changed" in text_of(response)
    assert response.headers["X-Request-Id"] in text_of(response)
    assert "secret internal detail" not in text_of(response) and "Traceback" not in text_of(response)


# CSRF, caching, and no change on GET ----------------------------------------------------------


def test_forms_without_their_token_are_refused_and_change_nothing(pages, make, world):
    partner = pages(world.partner)
    response = partner.post(f"/my-sites/{world.shelter.id}/confirm", csrf=False)
    assert response.status_code == 400 and "nothing was saved" in text_of(response)
    assert make.count(AvailabilityConfirmation) == 0
    forged = partner.post(f"/my-sites/{world.shelter.id}/confirm", {"csrf_token": "forged"}, csrf=False)
    assert forged.status_code == 400
    advocate = pages(world.advocate)
    response = advocate.post("/holds", {"client_id": world.client.id, "space_id": world.bed.id}, csrf=False)
    assert response.status_code == 400 and make.count(Hold) == 0
    sign_in = pages(None).post("/sign-in", {"email": world.advocate.email, "password": PASSWORD}, csrf=False)
    assert sign_in.status_code == 400


def test_the_json_api_is_not_subject_to_form_tokens(api, make, world):
    response = api(world.advocate).post(
        "/api/v1/holds", json={"client_id": world.client.id, "space_id": world.bed.id}
    )
    assert response.status_code == 201
    assert make.count(Hold) == 1


def test_form_posts_over_https_pass_with_the_same_origin_referrer(pages, world):
    partner = pages(world.partner)
    page = partner.http.get(f"/my-sites/{world.shelter.id}", base_url="https://localhost")
    # The pages send their Referer to this origin only, so the HTTPS referrer check can pass.
    assert page.headers["Referrer-Policy"] == "same-origin"
    token = partner.token()
    without_referrer = partner.http.post(
        f"/my-sites/{world.shelter.id}/confirm", data={"csrf_token": token}, base_url="https://localhost"
    )
    assert without_referrer.status_code == 400
    with_referrer = partner.http.post(
        f"/my-sites/{world.shelter.id}/confirm",
        data={"csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": f"https://localhost/my-sites/{world.shelter.id}"},
    )
    assert with_referrer.status_code == 303


def test_pages_with_survivor_data_are_never_cached(pages, make, world):
    hold = make.hold(world.client, world.bed, world.shelter, TODAY, world.advocate, NOW + timedelta(hours=4))
    for user, path in [
        (world.case_manager, "/caseload"),
        (world.advocate, f"/holds/{hold.id}"),
        (world.partner, f"/my-sites/{world.shelter.id}"),
        (world.advocate, "/beds"),
    ]:
        response = pages(user).get(path)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", path


def test_opening_pages_changes_nothing(pages, make, world):
    advocate = pages(world.advocate)
    response = advocate.get(f"/holds/new?space={world.bed.id}&client={world.client.id}")
    assert response.status_code == 200 and "Confirm the hold" in text_of(response)
    assert make.count(Hold) == 0
    hold = make.hold(world.client, world.bed, world.shelter, TODAY, world.advocate, NOW + timedelta(hours=4))
    partner = pages(world.partner)
    for path in [
        f"/my-sites/{world.shelter.id}/confirm",
        f"/my-sites/{world.shelter.id}/holds/{hold.id}/check-in",
        f"/my-sites/{world.shelter.id}/spaces/{world.second_bed.id}/out-of-service",
        f"/holds/{hold.id}/release",
        "/holds",
    ]:
        assert partner.get(path).status_code == 405, path
    assert make.reload(Hold, hold.id).status == HoldStatus.HELD
    assert make.count(AvailabilityConfirmation) == 0


# The bed board and holding a bed ---------------------------------------------------------------


def test_the_board_shows_a_confidential_site_without_its_address(pages, world):
    shown = text_of(pages(world.advocate).get("/beds?searched=1&tier="))  # any kind of housing
    assert "Harbor House" in shown and "Confidential location" in shown
    assert "7 Secret Road" not in shown and "Secret+Road" not in shown
    assert "The address shows on your hold from the day of the first night." in shown
    assert "12 Open Street" in shown  # an open site's address is on the board, with a map link
    assert 'href="https://www.openstreetmap.org/search?query=12+Open+Street"' in shown
    assert shown.count("openstreetmap.org") == 1


def test_a_recent_confirmation_reads_as_how_long_ago(pages, world):
    with clock.frozen(NOW + timedelta(hours=2)):
        page = text_of(pages(world.advocate).get("/beds"))
    assert "Confirmed 2 h ago" in page and "Out of date" not in page


def test_stale_and_never_confirmed_sites_are_marked_in_words(pages, make, world):
    old = make.site(name="Old News Shelter", availability_confirmed_at=NOW - timedelta(days=3))
    never = make.site(name="Never Confirmed House", availability_confirmed_at=None)
    make.space(old)
    make.space(never)
    shown = text_of(pages(world.advocate).get("/beds"))
    assert "Out of date: confirmed 3 days ago; call the site to check" in shown
    assert "Never confirmed: call the site before sending anyone" in shown


def test_choosing_a_survivor_searches_with_their_household_needs_and_safety_plan(pages, make, world):
    client = make.client(advocates=(world.advocate,), avoid_area_ids=[world.other_area.id], has_pets=False)
    page = pages(world.advocate).get(f"/beds?client={client.id}&tier=")  # any kind of housing
    assert "Harbor House" in text_of(page) and "Bridge Apartments" not in text_of(page)
    words = "1 adult · speaks English · woman · adult (25 and over) · leaving out San Mateo County"
    assert f"{client.code}:</strong> {words}" in text_of(page)
    # the record's plan applies as recorded: no boxes to tick it off on the board
    assert 'name="avoid_area"' not in text_of(page) and 'name="adults"' not in text_of(page)
    # without the survivor, the same board shows both sites
    assert "Bridge Apartments" in text_of(pages(world.advocate).get("/beds?tier="))


def test_a_garbled_search_says_what_to_fix_instead_of_failing(pages, world):
    response = pages(world.advocate).get("/beds?searched=1&tier=castle&adults=two&starts_on=2027-02-30")
    assert response.status_code == 422
    shown = text_of(response)
    assert "Kind of housing: Choose one of the options." in shown
    assert "Adults: Enter a whole number, such as 2." in shown and "Fix the search to see beds" in shown
    assert "First night: Enter a real date, for example 2027-03-10." in shown


def test_a_search_in_the_past_is_refused_next_to_the_date(pages, world):
    response = pages(world.advocate).get("/beds?searched=1&starts_on=2027-03-01")
    assert response.status_code == 422
    assert "First night: Choose today or a later date." in text_of(response)


def test_someone_elses_client_can_not_be_chosen(pages, make, world):
    stranger = make.client()
    response = pages(world.advocate).get(f"/beds?client={stranger.id}")
    assert response.status_code == 422
    assert "That survivor is not on your caseload" in text_of(response)


def test_a_bed_is_held_in_three_steps_and_the_confirmation_shows_address_and_expiry(pages, make, world):
    advocate = pages(world.advocate)
    # 1. choose the survivor: the board lists beds with a link to hold each for them
    board = text_of(advocate.get(f"/beds?client={world.client.id}"))
    hold_link = f"/holds/new?space={world.bed.id}&client={world.client.id}"
    assert hold_link in board
    # 2. choose the bed: the confirmation step shows what will be held
    step = text_of(advocate.get(hold_link))
    assert "Bed 1 at Harbor House" in step and "Tonight" in step and "7 Secret Road" not in step
    assert "<dt>Intake hours</dt><dd>24 hours a day" in step
    # 3. confirm
    response = advocate.post("/holds", {"client_id": world.client.id, "space_id": world.bed.id})
    assert response.status_code == 303
    hold_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert make.reload(Hold, hold_id).status == HoldStatus.HELD
    confirmation = text_of(advocate.get(response.headers["Location"]))
    assert "7 Secret Road" in confirmation
    assert "4:00\u202fPM today" in confirmation  # noon + the site's 4-hour window
    assert "Bed 1 at Harbor House is held for S-AB2CD3" in confirmation
    # the case manager sees the hold, not the confidential address
    assert "7 Secret Road" not in text_of(pages(world.case_manager).get(response.headers["Location"]))


def test_a_hold_for_a_later_date_starts_then(pages, make, world):
    advocate = pages(world.advocate)
    response = advocate.post(
        "/holds", {"client_id": world.client.id, "space_id": world.bed.id, "starts_on": "2027-04-01"}
    )
    assert response.status_code == 303
    hold = make.reload(Hold, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert hold.starts_on == date(2027, 4, 1)


def test_a_bed_taken_meanwhile_says_so_and_what_to_do(pages, make, world):
    other = make.client(advocates=(world.advocate,))
    make.hold(other, world.bed, world.shelter, TODAY, world.advocate, NOW + timedelta(hours=4))
    response = pages(world.advocate).post("/holds", {"client_id": world.client.id, "space_id": world.bed.id})
    assert response.status_code == 409
    shown = text_of(response)
    assert "Someone has just held this bed or unit" in shown and "Back to the bed board" in shown
    assert "Confirm the hold</button>" not in response.get_data(as_text=True)  # nothing left to confirm
    assert "Space Id" not in shown
    assert make.count(Hold) == 1


def test_a_first_night_that_has_passed_sends_the_person_back_to_search(pages, make, world):
    response = pages(world.advocate).post(
        "/holds", {"client_id": world.client.id, "space_id": world.bed.id, "starts_on": "2027-03-09"}
    )
    assert response.status_code == 422
    shown = text_of(response)
    assert "First night:" in shown and "Search the bed board again." in shown and "Starts On" not in shown
    assert make.count(Hold) == 0


def test_a_second_hold_on_the_same_day_asks_for_a_reason(pages, make, world):
    advocate = pages(world.advocate)
    assert (
        advocate.post("/holds", {"client_id": world.client.id, "space_id": world.bed.id}).status_code == 303
    )
    second = advocate.post("/holds", {"client_id": world.client.id, "space_id": world.second_bed.id})
    assert second.status_code == 409
    assert 'name="override_reason"' in text_of(second)
    allowed = advocate.post(
        "/holds",
        {"client_id": world.client.id, "space_id": world.second_bed.id, "override_reason": "Two options"},
    )
    assert allowed.status_code == 303 and make.count(Hold) == 2


def test_the_hold_form_asks_who_the_bed_is_for(pages, make, world):
    response = pages(world.advocate).post("/holds", {"client_id": "", "space_id": world.bed.id})
    assert response.status_code == 422 and "Choose the survivor this bed is for." in text_of(response)
    assert make.count(Hold) == 0


def test_releasing_a_hold_frees_the_bed(pages, make, world):
    hold = make.hold(world.client, world.bed, world.shelter, TODAY, world.advocate, NOW + timedelta(hours=4))
    response = pages(world.advocate).post(f"/holds/{hold.id}/release", {"reason": "Found family"})
    assert response.status_code == 303
    assert make.reload(Hold, hold.id).status == HoldStatus.RELEASED


def test_a_release_with_a_reason_too_long_keeps_the_hold_and_says_why(pages, make, world):
    hold = make.hold(world.client, world.bed, world.shelter, TODAY, world.advocate, NOW + timedelta(hours=4))
    response = pages(world.advocate).post(f"/holds/{hold.id}/release", {"reason": "x" * 301})
    assert response.status_code == 422
    page = text_of(response)
    assert "is held for" in page and "has run out" not in page
    assert "300" in page  # the limit, next to the field
    assert make.reload(Hold, hold.id).status == HoldStatus.HELD


# My sites ---------------------------------------------------------------------------------------


def test_the_site_page_shows_each_bed_and_units_state_in_words(pages, make, world):
    make.hold(world.client, world.bed, world.shelter, TODAY, world.advocate, NOW + timedelta(hours=4))
    resident = make.client(code="S-RES1DT")
    make.placement(resident, world.unit, world.shelter, TODAY - timedelta(days=10), world.partner)
    out = make.space(world.shelter, label="Bed 9", in_service=False, out_of_service_reason="Repairs")
    shown = text_of(pages(world.partner).get(f"/my-sites/{world.shelter.id}"))
    assert "Tonight: 1 free · 1 held · 1 occupied · 1 out of service." in shown
    assert "for S-AB2CD3, arriving by 4:00\u202fPM today" in shown
    assert "by S-RES1DT since" in shown
    assert f"space-{out.id}" in shown and "Repairs" in shown
    assert "7 Secret Road" in shown  # the site's own staff see its address


def test_confirming_availability_is_one_click(pages, make, world):
    partner = pages(world.partner)
    response = partner.post(f"/my-sites/{world.shelter.id}/confirm")
    # Back to the confirm button, after the list of beds it confirms.
    location = f"/my-sites/{world.shelter.id}#confirm-availability"
    assert response.status_code == 303 and response.headers["Location"] == location
    assert make.reload(Site, world.shelter.id).availability_confirmed_at == NOW
    page = text_of(partner.get(f"/my-sites/{world.shelter.id}"))
    assert "availability confirmed at 12:00\u202fPM" in page and "Confirmed just now" in page
    beds_list, confirm = page.index("Beds and units tonight"), page.index('id="confirm-availability"')
    assert beds_list < page.index(f'id="space-{world.unit.id}"') < confirm < page.index("Staying now")
    assert "Confirm availability of the 3 beds and units above" in page


def test_taking_a_bed_out_of_service_needs_a_reason(pages, make, world):
    partner = pages(world.partner)
    path = f"/my-sites/{world.shelter.id}/spaces/{world.second_bed.id}"
    missing = partner.post(f"{path}/out-of-service", {f"space-{world.second_bed.id}-reason": ""})
    assert missing.status_code == 422 and "Say why it is out of service" in text_of(missing)
    assert (
        partner.post(f"{path}/out-of-service", {f"space-{world.second_bed.id}-reason": "Leak"}).status_code
        == 303
    )
    shown = text_of(partner.get(f"/my-sites/{world.shelter.id}"))
    assert "Out of service</span>" in shown and "Leak" in shown
    assert partner.post(f"{path}/in-service").status_code == 303
    assert "Leak" not in text_of(partner.get(f"/my-sites/{world.shelter.id}"))


def test_an_occupied_bed_is_not_taken_out_of_service_and_the_page_offers_no_such_control(pages, make, world):
    make.placement(world.client, world.bed, world.shelter, TODAY - timedelta(days=3), world.partner)
    partner = pages(world.partner)
    path = f"/my-sites/{world.shelter.id}/spaces/{world.bed.id}"
    assert f"{path}/out-of-service" not in partner.get(f"/my-sites/{world.shelter.id}").get_data(as_text=True)
    refused = partner.post(f"{path}/out-of-service", {f"space-{world.bed.id}-reason": "Leak"})
    assert refused.status_code == 409
    assert "Bed 1 is occupied: someone is staying in it. Record their exit or move them" in text_of(refused)
    assert make.reload(Space, world.bed.id).in_service
    assert make.count(SpaceStatusChange, space_id=world.bed.id) == 0


def test_an_occupied_bed_out_of_service_from_before_can_be_put_back(pages, make, world):
    # Marked out of service before the rule (or while empty, then a stay moved in): it can be undone.
    bed = make.space(world.shelter, label="Bed 9", in_service=False, out_of_service_reason="Leak")
    make.placement(world.client, bed, world.shelter, TODAY - timedelta(days=3), world.partner)
    partner = pages(world.partner)
    path = f"/my-sites/{world.shelter.id}/spaces/{bed.id}"
    page = partner.get(f"/my-sites/{world.shelter.id}").get_data(as_text=True)
    assert f"{path}/in-service" in page and f'id="space-{bed.id}"' in page
    response = partner.post(f"{path}/in-service")
    assert (
        response.status_code == 303
        and response.headers["Location"] == f"/my-sites/{world.shelter.id}#space-{bed.id}"
    )
    assert make.reload(Space, bed.id).in_service


def test_the_partner_checks_in_an_expected_survivor(pages, make, world):
    hold = make.hold(world.client, world.bed, world.shelter, TODAY, world.advocate, NOW + timedelta(hours=4))
    partner = pages(world.partner)
    shown = text_of(partner.get(f"/my-sites/{world.shelter.id}"))
    assert "Expected in the next 7 days" in shown and "S-AB2CD3" in shown and "Check in" in shown
    response = partner.post(f"/my-sites/{world.shelter.id}/holds/{hold.id}/check-in")
    assert response.status_code == 303
    assert make.reload(Hold, hold.id).status == HoldStatus.PLACED
    assert "is checked in to Bed 1" in text_of(partner.get(response.headers["Location"]))


def test_an_expired_hold_can_not_be_checked_in_and_says_why(pages, make, world):
    hold = make.hold(
        world.client, world.bed, world.shelter, TODAY, world.advocate, NOW - timedelta(minutes=5)
    )
    response = pages(world.partner).post(f"/my-sites/{world.shelter.id}/holds/{hold.id}/check-in")
    assert response.status_code == 409 and "expired" in text_of(response)
    assert make.reload(Hold, hold.id).status == HoldStatus.HELD


def test_a_partner_can_not_check_in_at_another_organisations_site(pages, make, world):
    hold = make.hold(world.client, world.bed, world.shelter, TODAY, world.advocate, NOW + timedelta(hours=4))
    response = pages(world.other_partner).post(f"/my-sites/{world.shelter.id}/holds/{hold.id}/check-in")
    assert response.status_code == 403
    assert make.reload(Hold, hold.id).status == HoldStatus.HELD
