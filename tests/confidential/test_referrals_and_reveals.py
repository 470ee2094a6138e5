"""Confidential shelters: the address only for a real arrival, screened referrals, no harvesting.

Each test follows what a hostile account would try (issue 11): a made-up record, far-future
holds at every confidential site, replays, reading many addresses in a row.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from housing_service import clock
from housing_service.extensions import db
from housing_service.models import (
    AddressReveal,
    AuditEvent,
    Flag,
    FlagKind,
    Hold,
    HoldStatus,
    Referral,
    ReferralStatus,
    Role,
)
from housing_service.referrals.service import watch_referrals

from .conftest import NOW, PHONE, SECRETS, TODAY
from .conftest import send_referral as _referral

MORNING = datetime(2027, 3, 10, 17, 0, tzinfo=UTC)  # 9:00 local, the day before tomorrow's hold


def _watch(app, at):
    """The scheduler's referral job, run at `at`, committed as the job runner does."""
    with app.app_context(), clock.frozen(at):
        result = watch_referrals(at)
        db.session.commit()
    return result


def _rows(app, statement):
    with app.app_context():
        return db.session.scalars(statement).all()


def _all_text(*responses):
    return " ".join(response.get_data(as_text=True) for response in responses)


def _hold(session, client_id, space_id, **fields):
    return session.post("/api/v1/holds", json={"client_id": client_id, "space_id": space_id, **fields})


# The harvesting path of the issue: a made-up record, far-future holds everywhere --------------


def test_a_made_up_record_and_far_future_holds_at_every_confidential_site_reveal_no_address(api, world):
    session = api(world.advocate)
    record = session.post("/api/v1/clients", json={"age_group": "adult", "adults": 1}).get_json()
    far = str(TODAY + timedelta(days=100))  # within HOLD_MAX_DAYS_AHEAD, far from tonight
    answers = []
    for bed in world.direct_beds:
        made = _hold(session, record["id"], bed.id, starts_on=far, override_reason="planning ahead")
        assert made.status_code == 201, made.get_json()
        answers += [made, session.get(f"/api/v1/holds/{made.get_json()['id']}")]
        answers.append(session.get(f"/holds/{made.get_json()['id']}"))
    for site in world.direct:
        answers.append(session.get(f"/api/v1/sites/{site.id}"))
    answers += [session.get("/api/v1/availability"), session.get("/beds"), session.get("/api/v1/sites")]
    text = _all_text(*answers)
    assert not [secret for secret in SECRETS if secret in text]
    assert "from the day of the first night" in text  # the hold says when it will show
    # Nor a hold the screened site never offers: it refuses, naming the rule.
    refused = _hold(session, record["id"], world.screened_bed.id)
    assert refused.status_code == 409 and "send a referral" in refused.get_json()["message"]
    assert "ScreenedAddress" not in refused.get_data(as_text=True)


def test_a_hold_further_ahead_than_a_planned_move_needs_is_refused_and_nothing_is_held(api, make, world):
    session = api(world.advocate)
    too_far = str(TODAY + timedelta(days=121))
    refused = _hold(session, world.client.id, world.direct_beds[0].id, starts_on=too_far)
    assert refused.status_code == 422
    assert "120 days ahead" in refused.get_json()["errors"]["starts_on"][0]
    assert make.count(Hold) == 0
    allowed = _hold(
        session, world.client.id, world.direct_beds[0].id, starts_on=str(TODAY + timedelta(days=120))
    )
    assert allowed.status_code == 201


def test_a_future_hold_shows_the_address_from_noon_the_day_before_its_first_night(api, world):
    tomorrow = str(TODAY + timedelta(days=1))
    with clock.frozen(MORNING):
        hold = _hold(
            api(world.advocate), world.client.id, world.direct_beds[0].id, starts_on=tomorrow
        ).get_json()
        assert hold["address"] is None
        assert "from the day of the first night" in hold["address_withheld_because"]
    with clock.frozen(NOW):  # noon: tomorrow's first night is close enough to plan the journey
        shown = api(world.advocate).get(f"/api/v1/holds/{hold['id']}").get_json()
    assert shown["address"] == SECRETS[0]


def test_a_replay_after_release_gives_no_address(app, api, world):
    session = api(world.advocate)
    body = {"client_id": world.client.id, "space_id": world.direct_beds[0].id}
    first = session.post("/api/v1/holds", json=body, headers={"Idempotency-Key": "retry-1"})
    assert first.status_code == 201 and first.get_json()["address"] == SECRETS[0]
    assert session.post(f"/api/v1/holds/{first.get_json()['id']}/release", json={}).status_code == 200
    replay = session.post("/api/v1/holds", json=body, headers={"Idempotency-Key": "retry-1"})
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json()["status"] == "released"
    assert SECRETS[0] not in replay.get_data(as_text=True)
    # Nor is it kept for replays at all.
    from housing_service.models import IdempotentRequest

    kept = _rows(app, select(IdempotentRequest.response))
    assert SECRETS[0] not in str(kept)


# Every reveal is an event; too many distinct sites pause the person -------------------------


def test_each_reveal_is_recorded_and_the_sites_staff_see_who_saw_their_address(app, api, make, world):
    hold = _hold(api(world.advocate), world.client.id, world.direct_beds[0].id).get_json()
    api(world.advocate).get(f"/api/v1/holds/{hold['id']}")
    reveals = _rows(app, select(AddressReveal).where(AddressReveal.site_id == world.direct[0].id))
    assert [(r.user_id, r.hold_id) for r in reveals] == [(world.advocate.id, hold["id"])] * 2
    actions = _rows(app, select(AuditEvent.action).where(AuditEvent.action == "address.revealed"))
    assert len(actions) == 2
    listed = api(world.partners[0]).get(f"/api/v1/sites/{world.direct[0].id}/address-reveals").get_json()
    assert listed["total"] == 2 and {item["user_id"] for item in listed["items"]} == {world.advocate.id}
    # The site's own staff reading their own address is not a reveal; another site's staff can't list.
    api(world.partners[0]).get(f"/api/v1/holds/{hold['id']}")
    assert make.count(AddressReveal) == 2
    assert (
        api(world.partners[1]).get(f"/api/v1/sites/{world.direct[0].id}/address-reveals").status_code == 403
    )


def test_the_fourth_confidential_site_in_a_week_is_withheld_and_admins_are_flagged(api, make, world):
    session = api(world.advocate)
    holds = []
    for bed in world.direct_beds[:4]:
        made = _hold(session, world.client.id, bed.id, override_reason="keeping options open")
        holds.append(made.get_json())
    # The first three answers showed their addresses; the fourth did not.
    assert [h["address"] for h in holds[:3]] == SECRETS[:3]
    assert holds[3]["address"] is None and "paused" in holds[3]["address_withheld_because"]
    # Paused: no address at all now, not even one already seen, on the API or the page.
    again = session.get(f"/api/v1/holds/{holds[0]['id']}").get_json()
    assert again["address"] is None
    assert SECRETS[0] not in session.get(f"/holds/{holds[0]['id']}").get_data(as_text=True)
    assert SECRETS[4] not in _all_text(
        _hold(session, world.client.id, world.direct_beds[4].id, override_reason="another option")
    )
    # Admins are flagged at once, and only admins.
    flagged = api(world.admin).get("/api/v1/flags?kind=address_reveals_paused").get_json()["items"]
    assert len(flagged) == 1 and world.advocate.display_name in flagged[0]["reason"]
    assert api(world.partners[0]).get("/api/v1/flags?kind=address_reveals_paused").get_json()["items"] == []
    assert session.get("/api/v1/flags?kind=address_reveals_paused").get_json()["items"] == []
    # An admin reviews: addresses resume, counted afresh.
    pauses = api(world.admin).get("/api/v1/address-pauses").get_json()["items"]
    assert len(pauses) == 1 and pauses[0]["user_id"] == world.advocate.id
    detail = api(world.admin).get(f"/api/v1/address-pauses/{pauses[0]['id']}").get_json()
    assert {r["site_id"] for r in detail["reveals"]} == {site.id for site in world.direct[:3]}
    reviewed = api(world.admin).post(
        f"/api/v1/address-pauses/{pauses[0]['id']}/review", json={"note": "Called her supervisor."}
    )
    assert reviewed.status_code == 200 and reviewed.get_json()["reviewed_at"] is not None
    assert session.get(f"/api/v1/holds/{holds[3]['id']}").get_json()["address"] == SECRETS[3]
    assert api(world.admin).get("/api/v1/flags?kind=address_reveals_paused").get_json()["items"] == []
    again = api(world.admin).post(f"/api/v1/address-pauses/{pauses[0]['id']}/review", json={"note": "twice"})
    assert again.status_code == 409


def test_reveals_older_than_the_window_do_not_count(api, world):
    session = api(world.advocate)
    with clock.frozen(NOW - timedelta(days=8)):
        for bed in world.direct_beds[:3]:
            _hold(session, world.client.id, bed.id, override_reason="earlier options")
    fourth = _hold(session, world.client.id, world.direct_beds[3].id).get_json()
    assert fourth["address"] == SECRETS[3]


@pytest.mark.postgres_only
def test_two_requests_at_once_can_not_both_pass_the_limit(app, make, world):
    """Two reveals of new sites racing at the limit: the person's row lock makes them take turns."""
    import threading

    from housing_service.services import addresses
    from housing_service.services.actor import Actor

    holds = [
        make.hold(
            make.client(advocates=(world.advocate,)),
            bed,
            site,
            TODAY,
            world.advocate,
            NOW + timedelta(hours=4),
        ).id
        for bed, site in zip(world.direct_beds[:4], world.direct[:4], strict=True)
    ]
    with app.app_context():
        user = db.session.get(type(world.advocate), world.advocate.id)
        for hold_id in holds[:2]:
            addresses.for_hold(Actor(user), db.session.get(Hold, hold_id), NOW)
        db.session.commit()
    results, barrier = [], threading.Barrier(2)

    def reveal(hold_id):
        with app.app_context():
            user = db.session.get(type(world.advocate), world.advocate.id)
            hold = db.session.get(Hold, hold_id)
            barrier.wait()
            results.append(addresses.for_hold(Actor(user), hold, NOW).address)
            db.session.commit()

    threads = [threading.Thread(target=reveal, args=(hold_id,)) for hold_id in holds[2:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # One of the two is the third site and is shown; the other would be a fourth: withheld.
    assert len(results) == 2 and results.count(None) == 1
    assert {r for r in results if r is not None} <= {SECRETS[2], SECRETS[3]}


# Screened referrals ---------------------------------------------------------------------------


def test_a_referral_goes_request_accept_hold_and_the_address_is_never_sent(api, make, world):
    family = make.client(advocates=(world.advocate,), adults=1, children=["0-2", "6-12"], languages=["es"])
    advocate, partner = api(world.advocate), api(world.screened_partner)
    sent = _referral(advocate, world, client_id=family.id)
    assert sent.status_code == 201, sent.get_json()
    referral = sent.get_json()
    assert referral["status"] == "waiting" and referral["household_size"] == 3
    # The site sees the household and its needs, never who the survivor is.
    seen = partner.get(f"/api/v1/referrals/{referral['id']}").get_json()
    assert seen["client_id"] is None and seen["children"] == ["0-2", "6-12"] and seen["languages"] == ["es"]
    assert seen["callback_phone"] == PHONE
    page = partner.get(f"/referrals/{referral['id']}").get_data(as_text=True)
    assert family.code not in page and "Family 1" in page and "Quiet 1" not in page  # a bed can't take three
    accepted = partner.post(
        f"/api/v1/referrals/{referral['id']}/accept", json={"space_id": world.screened_unit.id}
    )
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["status"] == "accepted"
    hold = make.reload(Hold, accepted.get_json()["hold_id"])
    assert (
        hold.held_by_id == world.advocate.id
        and hold.client_id == family.id
        and hold.status == HoldStatus.HELD
    )
    # The advocate sees where it stands; the address is in no answer or page, ever.
    answers = [
        advocate.get(f"/api/v1/referrals/{referral['id']}"),
        advocate.get(f"/referrals/{referral['id']}"),
        advocate.get(f"/api/v1/holds/{hold.id}"),
        advocate.get(f"/holds/{hold.id}"),
        advocate.get("/api/v1/referrals"),
        advocate.get("/referrals"),
        accepted,
        sent,
    ]
    text = _all_text(*answers)
    assert "ScreenedAddress" not in text
    assert "call you" in advocate.get(f"/referrals/{referral['id']}").get_data(as_text=True)
    assert (
        advocate.get(f"/api/v1/holds/{hold.id}")
        .get_json()["address_withheld_because"]
        .startswith("This site screens referrals")
    )


def test_a_declined_referral_says_why_to_the_advocate(api, make, world):
    referral = _referral(api(world.advocate), world).get_json()
    no_reason = api(world.screened_partner).post(
        f"/api/v1/referrals/{referral['id']}/decline", json={"reason": " "}
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    assert make.reload(Referral, referral["id"]).status == ReferralStatus.WAITING
    declined = api(world.screened_partner).post(
        f"/api/v1/referrals/{referral['id']}/decline", json={"reason": "No bed free on those nights"}
    )
    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    seen = api(world.advocate).get(f"/api/v1/referrals/{referral['id']}").get_json()
    assert seen["decline_reason"] == "No bed free on those nights"
    assert make.count(Hold) == 0


def test_an_unanswered_referral_is_flagged_to_the_site_then_to_admins(app, api, make, world):
    referral = _referral(api(world.advocate), world).get_json()
    _watch(app, NOW + timedelta(minutes=14))
    assert make.count(Flag) == 0
    _watch(app, NOW + timedelta(minutes=16))  # half way: the site's staff are reminded
    partner_flags = api(world.screened_partner).get("/api/v1/flags?kind=referral_waiting").get_json()["items"]
    assert len(partner_flags) == 1 and "needs an answer by" in partner_flags[0]["reason"]
    assert api(world.partners[0]).get("/api/v1/flags?kind=referral_waiting").get_json()["items"] == []
    with clock.frozen(NOW + timedelta(minutes=31)):  # the deadline passed: admins are told
        assert _watch(app, clock.now()).unanswered == 1
        admin_flags = api(world.admin).get("/api/v1/flags?kind=referral_unanswered").get_json()["items"]
        assert len(admin_flags) == 1 and "was not answered" in admin_flags[0]["reason"]
        # The reminder resolved itself; an accept now is refused, and nothing is held.
        assert (
            api(world.screened_partner).get("/api/v1/flags?kind=referral_waiting").get_json()["items"] == []
        )
        late = api(world.screened_partner).post(
            f"/api/v1/referrals/{referral['id']}/accept", json={"space_id": world.screened_bed.id}
        )
        assert late.status_code == 409 and "ScreenedAddress" not in late.get_data(as_text=True)
        assert make.count(Hold) == 0
        assert (
            api(world.advocate).get(f"/api/v1/referrals/{referral['id']}").get_json()["status"]
            == "unanswered"
        )
        # Raised once, however often the job runs.
        _watch(app, clock.now())
    assert make.count(Flag, kind=FlagKind.REFERRAL_UNANSWERED) == 1


def test_an_accept_after_the_deadline_is_refused_even_before_the_job_runs(api, make, world):
    referral = _referral(api(world.advocate), world).get_json()
    with clock.frozen(NOW + timedelta(minutes=30)):
        late = api(world.screened_partner).post(
            f"/api/v1/referrals/{referral['id']}/accept", json={"space_id": world.screened_bed.id}
        )
    assert late.status_code == 409 and "time to answer" in late.get_json()["message"]
    assert make.count(Hold) == 0


def test_a_referral_to_a_direct_site_is_refused_naming_the_rule(api, make, world):
    refused = _referral(api(world.advocate), world, site_id=world.direct[0].id)
    assert refused.status_code == 409 and "site_id" in refused.get_json()["errors"]
    assert SECRETS[0] not in refused.get_data(as_text=True)
    assert make.count(Referral) == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"callback_phone": "call me"}, "callback_phone"),
        ({"starts_on": str(TODAY + timedelta(days=121))}, "starts_on"),
        ({"starts_on": str(TODAY - timedelta(days=1))}, "starts_on"),
        ({"urgency": "whenever"}, "urgency"),
        ({"client_id": 999999}, "client_id"),
    ],
)
def test_bad_referrals_name_the_field_and_change_nothing(api, make, world, fields, field):
    refused = _referral(api(world.advocate), world, **fields)
    assert refused.status_code == 422 and field in refused.get_json()["errors"], refused.get_json()
    assert make.count(Referral) == 0


def test_a_referral_never_reaches_a_site_the_safety_plan_avoids(api, make, world):
    client = make.client(advocates=(world.advocate,), avoid_site_ids=[world.screened.id])
    refused = _referral(api(world.advocate), world, client_id=client.id)
    assert refused.status_code == 409 and make.count(Referral) == 0


def test_only_the_sender_withdraws_and_only_the_site_answers(api, make, world):
    referral = _referral(api(world.advocate), world).get_json()
    colleague = make.user(Role.ADVOCATE)
    assert api(colleague).get(f"/api/v1/referrals/{referral['id']}").status_code == 404
    assert api(world.partners[0]).get(f"/api/v1/referrals/{referral['id']}").status_code == 404
    answer = api(world.advocate).post(f"/api/v1/referrals/{referral['id']}/decline", json={"reason": "x"})
    assert answer.status_code == 403
    withdrawn = api(world.advocate).post(f"/api/v1/referrals/{referral['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
    again = api(world.screened_partner).post(
        f"/api/v1/referrals/{referral['id']}/decline", json={"reason": "x"}
    )
    assert again.status_code == 409


def test_a_finished_referral_keeps_only_counts_outcome_and_times_after_a_day(app, api, make, world):
    referral = _referral(api(world.advocate), world).get_json()
    api(world.screened_partner).post(
        f"/api/v1/referrals/{referral['id']}/decline", json={"reason": "Full tonight"}
    )
    assert _watch(app, NOW + timedelta(hours=23)).scrubbed == 0
    assert _watch(app, NOW + timedelta(hours=25)).scrubbed == 1
    kept = make.reload(Referral, referral["id"])
    assert (kept.client_id, kept.callback_phone, kept.decline_reason, kept.languages) == (
        None,
        None,
        None,
        [],
    )
    assert (kept.status, kept.adults, kept.children_count, kept.site_id) == (
        ReferralStatus.DECLINED,
        1,
        0,
        world.screened.id,
    )


def test_an_accepted_referral_keeps_the_call_back_number_while_its_hold_lasts(app, api, make, world):
    referral = _referral(api(world.advocate), world, starts_on=str(TODAY + timedelta(days=3))).get_json()
    api(world.screened_partner).post(
        f"/api/v1/referrals/{referral['id']}/accept", json={"space_id": world.screened_bed.id}
    )
    assert _watch(app, NOW + timedelta(days=2)).scrubbed == 0
    assert make.reload(Referral, referral["id"]).callback_phone == PHONE


# New sites, and records never used ------------------------------------------------------------


def test_a_new_confidential_site_is_screened_unless_said_otherwise(api, make, world):
    area = make.area()
    body = {
        "organisation_id": world.screened_organisation.id,
        "area_id": area.id,
        "tier": "emergency",
        "households_served": ["single_adults"],
        "genders_served": ["woman"],
        "age_groups_served": ["adult"],
        "substance_use_policy": "harm_reduction",
        "confidential": True,
    }
    screened = api(world.admin).post("/api/v1/sites", json={**body, "name": "New Refuge"}).get_json()
    assert screened["referral_mode"] == "screened" and screened["referral_response_minutes"] == 30
    direct = (
        api(world.admin)
        .post("/api/v1/sites", json={**body, "name": "New Refuge 2", "referral_mode": "direct"})
        .get_json()
    )
    assert direct["referral_mode"] == "direct"
    open_site = (
        api(world.admin)
        .post("/api/v1/sites", json={**body, "name": "Open House", "confidential": False})
        .get_json()
    )
    assert open_site["referral_mode"] == "direct"
    # A partner may change how fast they answer, not how advocates reach them.
    partner = api(world.screened_partner)
    refused = partner.patch(f"/api/v1/sites/{world.screened.id}", json={"referral_mode": "direct"})
    assert refused.status_code == 422
    assert (
        partner.patch(
            f"/api/v1/sites/{world.screened.id}", json={"referral_response_minutes": 45}
        ).status_code
        == 200
    )


def test_records_never_used_for_a_stay_are_listed_for_admins(api, make, world):
    with clock.frozen(NOW - timedelta(days=31)):
        old = make.client(
            advocates=(world.advocate,), created_by_id=world.advocate.id, created_at=clock.now()
        )
        used = make.client(advocates=(world.advocate,), created_at=clock.now())
    make.placement(
        used, make.space(world.direct[0]), world.direct[0], TODAY - timedelta(days=20), world.partners[0]
    )
    make.client(advocates=(world.advocate,), created_at=NOW - timedelta(days=2))  # too new to ask about
    listed = api(world.admin).get("/api/v1/unused-records").get_json()
    assert [item["code"] for item in listed["items"]] == [old.code]
    assert listed["items"][0]["created_by_name"] == world.advocate.display_name
    assert api(world.advocate).get("/api/v1/unused-records").status_code == 403
    assert old.code in api(world.admin).get("/admin/unused-records").get_data(as_text=True)


@pytest.mark.postgres_only
def test_two_holds_at_once_by_one_advocate_do_not_deadlock(app, make, world):
    """Each new hold key-share-locks its holder's row (the foreign key); the reveal's own lock on
    that row must not wait for it, or two holds at once deadlock (found by the load benchmark)."""
    import threading

    from housing_service.services import addresses, holds
    from housing_service.services.actor import Actor

    clients = [make.client(advocates=(world.advocate,)) for _ in range(2)]
    errors, answers, barrier = [], [], threading.Barrier(2)

    def hold_and_show(client, bed):
        try:
            with app.app_context():
                user = db.session.get(type(world.advocate), world.advocate.id)
                actor = Actor(user)
                hold = holds.create_hold(
                    actor,
                    client_id=client.id,
                    space_id=bed.id,
                    starts_on=None,
                    ends_on=None,
                    override_reason=None,
                    now=NOW,
                    today=TODAY,
                )
                barrier.wait(timeout=10)  # both holds written, neither committed
                answers.append(addresses.for_hold(actor, hold, NOW).address)
                db.session.commit()
        except Exception as error:  # a deadlock shows here as an error in one thread
            errors.append(repr(error))

    threads = [
        threading.Thread(target=hold_and_show, args=(client, bed))
        for client, bed in zip(clients, world.direct_beds[:2], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and sorted(answers) == sorted(SECRETS[:2])
