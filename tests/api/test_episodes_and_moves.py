"""One survivor, one clock: bed moves, transfers within a tier, go-live stays and undoing a check-in.

Issue 13, points 1 (a bed change restarted the 60-night clock), 2 (declines belonged to the
stay), 6 (an ended stay still got suggestions) and 8 (survivors mid-stay at go-live).
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from housing_service import clock
from housing_service.models import AuditEvent, Booking, Flag, Hold, HoldStatus, Placement, Role, StayEpisode
from housing_service.vocabulary import SpaceKind, Tier, threshold_day

NOW = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)
TODAY = date(2027, 3, 10)
DAY_50 = TODAY - timedelta(days=49)  # first night of a stay on its day 50 today
END = DAY_50 + timedelta(days=60)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def world(make):
    """A survivor on day 50 of 60 in bed EB-1 at an emergency shelter; EB-5 is free."""

    class World:
        pass

    w = World()
    w.organisation = make.organisation()
    w.shelter = make.site(organisation=w.organisation, name="Harbor House")
    w.eb1 = make.space(w.shelter, label="EB-1")
    w.eb5 = make.space(w.shelter, label="EB-5")
    w.partner = make.user(Role.PARTNER, organisation=w.organisation)
    w.advocate = make.user(Role.ADVOCATE)
    w.case_manager = make.user(Role.CASE_MANAGER)
    w.admin = make.user(Role.ADMIN)
    w.client = make.client(case_manager=w.case_manager, advocates=(w.advocate,))
    w.stay = make.placement(w.client, w.eb1, w.shelter, DAY_50, w.partner)
    w.next_site = make.site(tier=Tier.TRANSITIONAL, name="Bridgeway")
    make.space(w.next_site, label="Room 1")
    return w


def _move(api, actor, stay_id, space_id, reason="The heater in EB-1 broke"):
    return api(actor).post(
        f"/api/v1/placements/{stay_id}/move", json={"space_id": space_id, "reason": reason}
    )


# 1. A bed change keeps the episode ---------------------------------------------------------


def test_a_bed_move_keeps_days_used_the_limit_and_the_move_by_date(api, make, world):
    response = _move(api, world.partner, world.stay.id, world.eb5.id)
    assert response.status_code == 201, response.get_json()
    moved = response.get_json()
    assert moved["space_label"] == "EB-5" and moved["starts_on"] == str(TODAY)
    assert moved["episode_starts_on"] == str(DAY_50)
    assert (moved["day"], moved["limit_days"], moved["days_left"]) == (50, 60, 11)
    assert moved["expected_end_on"] == str(END)
    assert moved["move_reason"] == "The heater in EB-1 broke"
    assert moved["previous_placement_id"] == world.stay.id
    before = make.reload(Placement, world.stay.id)
    assert before.exited_on == TODAY and before.episode_id == moved["episode_id"]
    # EB-1 is free from tonight.
    assert make.reload(Booking, before.booking_id).ends_on == TODAY
    # The matcher plans from the episode: the move-by date and "planning starts" stay put.
    suggestion = api(world.case_manager).get(f"/api/v1/placements/{moved['id']}/suggestions").get_json()
    assert suggestion["move_by"] == str(END) and suggestion["plan_from"] == str(threshold_day(END, 14))


def test_a_hold_and_check_in_at_the_same_shelter_continue_the_episode(api, make, world):
    """The path that existed before the move operation: hold EB-5, check in."""
    hold = api(world.advocate).post(
        "/api/v1/holds", json={"client_id": world.client.id, "space_id": world.eb5.id}
    )
    assert hold.status_code == 201, hold.get_json()
    checked_in = api(world.partner).post(f"/api/v1/holds/{hold.get_json()['id']}/check-in")
    assert checked_in.status_code == 201, checked_in.get_json()
    stay = checked_in.get_json()
    assert (stay["day"], stay["limit_days"]) == (50, 60)
    assert stay["expected_end_on"] == str(END)
    # The bed is booked only until the episode ends, not for a fresh 60 nights.
    assert make.reload(Booking, make.reload(Hold, hold.get_json()["id"]).booking_id).ends_on == END


def test_a_move_to_another_emergency_shelter_keeps_the_clock_and_that_sites_own_limit(api, make, world):
    other = make.site(organisation=world.organisation, name="Second Shelter")
    roomy = make.space(other, label="S-1")
    short = make.site(organisation=world.organisation, name="Short Stay", stay_limit_days=5)
    brief = make.space(short, label="B-1")
    refused = _move(api, world.case_manager, world.stay.id, roomy.id)
    assert refused.status_code == 403  # the receiving site's staff move a survivor in
    moved = _move(api, world.partner, world.stay.id, roomy.id).get_json()
    assert (moved["day"], moved["limit_days"], moved["expected_end_on"]) == (50, 60, str(END))
    # The site's own limit still bounds the nights there: 5 nights from tonight, before the episode ends.
    again = _move(api, world.partner, moved["id"], brief.id, "Closer to her work")
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["expected_end_on"] == str(TODAY + timedelta(days=5))
    assert again.get_json()["episode_starts_on"] == str(DAY_50)


def test_flags_follow_the_survivor_and_are_not_raised_twice(api, app, make, world):
    from housing_service.scheduling.runner import run_job

    with app.app_context():
        run_job("stay_review", NOW)
    assert make.count(Flag, placement_id=world.stay.id) == 1  # day 46 of 60 is behind us
    moved = _move(api, world.partner, world.stay.id, world.eb5.id).get_json()
    with app.app_context():
        report = run_job("stay_review", NOW + timedelta(hours=1), slot="after-move")
    assert report.ran
    flags = api(world.case_manager).get("/api/v1/flags").get_json()["items"]
    assert [(f["kind"], f["placement_id"]) for f in flags] == [("nearing_limit", moved["id"])]
    assert "day 46 of 60" in flags[0]["reason"]


def test_a_new_episode_needs_a_case_managers_reason_and_is_reported(api, make, world):
    moved = _move(api, world.partner, world.stay.id, world.eb5.id).get_json()
    url = f"/api/v1/placements/{moved['id']}/new-episode"
    assert api(world.partner).post(url, json={"reason": "Own housing fell through"}).status_code == 403
    missing = api(world.case_manager).post(url, json={"reason": "  "})
    assert missing.status_code == 422 and "reason" in missing.get_json()["errors"]
    assert make.count(StayEpisode) == 1
    started = api(world.case_manager).post(url, json={"reason": "Returned after own housing fell through"})
    assert started.status_code == 200, started.get_json()
    assert started.get_json()["episode_starts_on"] == str(TODAY)
    assert started.get_json()["expected_end_on"] == str(TODAY + timedelta(days=60))
    report = api(world.case_manager).get("/api/v1/new-episodes").get_json()
    assert [entry["restart_reason"] for entry in report] == ["Returned after own housing fell through"]


def test_a_return_before_the_episodes_end_continues_it(api, make, world):
    """Leaving for a few nights and coming back does not restart the clock."""
    left = api(world.partner).post(
        f"/api/v1/placements/{world.stay.id}/exit",
        json={"exited_on": str(TODAY - timedelta(days=3)), "destination": 313},
    )
    assert left.status_code == 200
    back = api(world.partner).post(
        "/api/v1/placements", json={"space_id": world.eb5.id, "client_id": world.client.id}
    )
    # The partner does not work the case: the case team's advocate holds, the partner checks in.
    assert back.status_code == 422
    hold = api(world.advocate).post(
        "/api/v1/holds", json={"client_id": world.client.id, "space_id": world.eb5.id}
    )
    stay = api(world.partner).post(f"/api/v1/holds/{hold.get_json()['id']}/check-in").get_json()
    assert stay["episode_starts_on"] == str(DAY_50) and stay["expected_end_on"] == str(END)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("taken", 409),
        ("too small", 409),
        ("ended", 409),
        ("other tier", 422),
        ("no reason", 422),
    ],
)
def test_a_move_that_cannot_happen_changes_nothing(api, make, world, case, expected):
    target = world.eb5
    stay_id = world.stay.id
    if case == "taken":
        other = make.client()
        make.placement(other, world.eb5, world.shelter, TODAY - timedelta(days=2), world.partner)
    elif case == "too small":
        family = make.client(case_manager=world.case_manager, adults=1, children=["6-12"])
        unit = make.space(world.shelter, kind=SpaceKind.UNIT, capacity=2, label="U-1")
        stay_id = make.placement(family, unit, world.shelter, TODAY - timedelta(days=3), world.partner).id
    elif case == "ended":
        make.placement(
            make.client(), make.space(world.shelter), world.shelter, TODAY - timedelta(days=9), world.partner
        )
        api(world.partner).post(
            f"/api/v1/placements/{stay_id}/exit", json={"exited_on": str(TODAY), "destination": 410}
        )
    elif case == "other tier":
        target = make.space(world.next_site, label="Room 2")
    placements, bookings = make.count(Placement), make.count(Booking)
    response = _move(api, world.partner, stay_id, target.id, "" if case == "no reason" else "A reason")
    assert response.status_code == expected, response.get_json()
    body = response.get_json()
    assert body["code"] == expected and body["message"]
    if expected == 422:
        assert set(body["errors"]) & {"space_id", "reason"}
    assert (make.count(Placement), make.count(Booking)) == (placements, bookings)


# 2. Declines belong to the survivor --------------------------------------------------------


def test_a_place_declined_before_a_bed_change_is_not_suggested_again(api, make, world):
    session = api(world.case_manager)
    assert (
        session.patch(f"/api/v1/clients/{world.client.id}", json={"case_phase": "stabilisation"}).status_code
        == 200
    )
    declined = session.post(
        f"/api/v1/placements/{world.stay.id}/decisions",
        json={
            "site_id": world.next_site.id,
            "decision": "declined",
            "reason": "Too far from her son's school",
        },
    )
    assert declined.status_code == 201
    hold = api(world.advocate).post(
        "/api/v1/holds", json={"client_id": world.client.id, "space_id": world.eb5.id}
    )
    new_stay = api(world.partner).post(f"/api/v1/holds/{hold.get_json()['id']}/check-in").get_json()
    suggestion = session.get(f"/api/v1/placements/{new_stay['id']}/suggestions").get_json()
    assert suggestion["action"] == "request_extension"
    assert world.next_site.id not in [c["site_id"] for c in suggestion["candidates"]]
    assert suggestion["excluded"] == {"declined_recently": 1}


# 6. No suggestions for an ended stay --------------------------------------------------------


def test_an_ended_stay_gets_no_suggestions_and_names_the_next_stay(api, make, world):
    moved = _move(api, world.partner, world.stay.id, world.eb5.id).get_json()
    response = api(world.case_manager).get(f"/api/v1/placements/{world.stay.id}/suggestions")
    assert response.status_code == 409
    body = response.get_json()
    assert "ended" in body["message"] and f"stay {moved['id']}" in body["message"]
    assert "Harbor House" in body["message"]
    alone = make.client(case_manager=world.case_manager)
    ended = make.placement(
        alone,
        make.space(world.shelter),
        world.shelter,
        TODAY - timedelta(days=5),
        world.partner,
        exited_on=TODAY,
        destination=410,
    )
    response = api(world.case_manager).get(f"/api/v1/placements/{ended.id}/suggestions")
    assert response.status_code == 409 and "next stay" not in response.get_json()["message"]


# 8. Go-live stays ----------------------------------------------------------------------------


def _go_live(api, actor, world, **fields):
    body = {
        "space_id": world.eb5.id,
        "client": {"age_group": "adult", "languages": ["es"]},
        "starts_on": str(TODAY - timedelta(days=50)),
        "reason": "Go-live: staying here when the coalition started using the service",
        **fields,
    }
    return api(actor).post("/api/v1/placements/go-live", json=body)


def test_a_go_live_stay_keeps_its_real_first_night_and_is_flagged_at_the_next_review(api, app, make, world):
    from housing_service.scheduling.runner import run_job

    response = _go_live(api, world.partner, world, episode_starts_on=str(TODAY - timedelta(days=55)))
    assert response.status_code == 201, response.get_json()
    stay = response.get_json()
    assert stay["starts_on"] == str(TODAY - timedelta(days=50))
    assert (stay["day"], stay["limit_days"], stay["days_left"]) == (56, 60, 5)
    assert stay["go_live_reason"].startswith("Go-live")
    audit = make.count(AuditEvent, action="placement.go_live")
    assert audit == 1
    with app.app_context():
        run_job("stay_review", NOW)
    flags = api(world.admin).get("/api/v1/flags").get_json()["items"]
    reasons = sorted(f["reason"] for f in flags if f["placement_id"] == stay["id"])
    # Both thresholds (day 46 and day 53 of 60) came due before the first review.
    assert len(reasons) == 2 and all("of 60 at Harbor House" in reason for reason in reasons)
    assert any("day 46 of 60" in reason for reason in reasons)


@pytest.mark.parametrize(
    ("fields", "status", "field"),
    [
        ({"starts_on": str(TODAY + timedelta(days=1))}, 422, "starts_on"),
        ({"starts_on": str(TODAY)}, 422, "starts_on"),
        ({"episode_starts_on": str(TODAY - timedelta(days=40))}, 422, "episode_starts_on"),
        ({"reason": " "}, 422, "reason"),
    ],
)
def test_a_go_live_stay_in_the_future_or_without_reason_is_refused(api, make, world, fields, status, field):
    placements = make.count(Placement)
    response = _go_live(api, world.admin, world, **fields)
    assert response.status_code == status, response.get_json()
    assert field in response.get_json()["errors"]
    assert make.count(Placement) == placements


def test_a_go_live_stay_may_not_overlap_another_stay(api, make, world):
    placements = make.count(Placement)
    # The survivor already stays at EB-1: a second stay over the same nights is refused.
    current = _go_live(api, world.admin, world, client_id=world.client.id, client=None)
    assert current.status_code == 422  # "client" and "client_id" together: one or the other
    current = api(world.admin).post(
        "/api/v1/placements/go-live",
        json={
            "space_id": world.eb5.id,
            "client_id": world.client.id,
            "starts_on": str(TODAY - timedelta(days=50)),
            "reason": "Go-live",
        },
    )
    assert current.status_code == 409, current.get_json()
    assert "Harbor House" in current.get_json()["message"] and "starts_on" in current.get_json()["errors"]
    # Someone else stayed in EB-5 from 30 to 10 nights ago: the nights overlap.
    make.placement(
        make.client(),
        world.eb5,
        world.shelter,
        TODAY - timedelta(days=30),
        world.partner,
        exited_on=TODAY - timedelta(days=10),
        destination=410,
    )
    clash = _go_live(api, world.admin, world)
    assert clash.status_code == 409 and "space_id" in clash.get_json()["errors"]
    assert make.count(Placement) == placements + 1


def test_only_admins_and_the_sites_staff_record_go_live_stays(api, make, world):
    assert _go_live(api, world.case_manager, world).status_code == 403
    assert _go_live(api, make.user(Role.PARTNER), world).status_code == 403


# Undo of a check-in ---------------------------------------------------------------------------


def test_a_check_in_can_be_undone_within_15_minutes(api, make, world):
    hold = (
        api(world.advocate)
        .post("/api/v1/holds", json={"client_id": world.client.id, "space_id": world.eb5.id})
        .get_json()
    )
    stay = api(world.partner).post(f"/api/v1/holds/{hold['id']}/check-in").get_json()
    with clock.frozen(NOW + timedelta(minutes=14)):
        undone = api(world.partner).post(f"/api/v1/placements/{stay['id']}/undo-check-in", json={})
    assert undone.status_code == 204, undone.get_json()
    assert make.reload(Placement, stay["id"]) is None
    assert make.reload(Hold, hold["id"]).status == HoldStatus.HELD
    # The stay before goes on as if the check-in never happened: no false exit in the data.
    before = make.reload(Placement, world.stay.id)
    assert before.exited_on is None and before.destination is None and before.expected_end_on == END
    assert make.reload(Booking, before.booking_id).ends_on == END


def test_a_check_in_cannot_be_undone_after_15_minutes(api, make, world):
    hold = (
        api(world.advocate)
        .post("/api/v1/holds", json={"client_id": world.client.id, "space_id": world.eb5.id})
        .get_json()
    )
    stay = api(world.partner).post(f"/api/v1/holds/{hold['id']}/check-in").get_json()
    with clock.frozen(NOW + timedelta(minutes=16)):
        late = api(world.partner).post(f"/api/v1/placements/{stay['id']}/undo-check-in", json={})
    assert late.status_code == 409 and "15 minutes" in late.get_json()["message"]
    assert make.reload(Placement, stay["id"]) is not None
    walk_in = make.placement(make.client(), make.space(world.shelter), world.shelter, TODAY, world.partner)
    refused = api(world.partner).post(f"/api/v1/placements/{walk_in.id}/undo-check-in", json={})
    assert refused.status_code == 409


def test_a_return_after_the_episodes_end_starts_a_new_one(api, make, world):
    """A real break: the survivor left, and the episode's end date passed before they came back."""
    old = make.client(case_manager=world.case_manager, advocates=(world.advocate,))
    make.placement(
        old,
        make.space(world.shelter, label="EB-9"),
        world.shelter,
        TODAY - timedelta(days=100),
        world.partner,
        exited_on=TODAY - timedelta(days=70),
        destination=410,
    )
    hold = api(world.advocate).post("/api/v1/holds", json={"client_id": old.id, "space_id": world.eb5.id})
    stay = api(world.partner).post(f"/api/v1/holds/{hold.get_json()['id']}/check-in").get_json()
    assert stay["episode_starts_on"] == str(TODAY) and (stay["day"], stay["limit_days"]) == (1, 60)
