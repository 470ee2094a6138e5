"""The rule that never breaks: no bed or unit held or occupied twice over overlapping nights.

Real concurrent clients, each with its own database connection, race for a few beds.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import text

from housing_service import clock
from housing_service.extensions import db
from housing_service.models import Role

CLIENTS = 64
BEDS = 10

OVERLAPS = """
SELECT count(*) FROM bookings a JOIN bookings b
  ON a.space_id = b.space_id AND a.id < b.id AND a.active AND b.active
 AND a.starts_on < COALESCE(b.ends_on, '9999-12-31') AND b.starts_on < COALESCE(a.ends_on, '9999-12-31')
"""


def test_64_clients_racing_for_10_beds_get_exactly_10_holds(app, api, make):
    advocate = make.user(Role.ADVOCATE)
    site = make.site()
    beds = [make.space(site) for _ in range(BEDS)]
    survivors = [make.client(advocates=(advocate,)) for _ in range(CLIENTS)]
    today = clock.local_date(clock.now(), app.config["COALITION_TIMEZONE"])
    sessions = [api(advocate) for _ in range(CLIENTS)]
    start = threading.Barrier(CLIENTS)
    statuses: list[int] = [0] * CLIENTS

    def race(index: int) -> None:
        body = {
            "client_id": survivors[index].id,
            "space_id": beds[index % BEDS].id,
            # Different first nights, all within each other's 60-night stays: every pair overlaps.
            "starts_on": str(today + timedelta(days=index % 3)),
        }
        start.wait()
        statuses[index] = sessions[index].post("/api/v1/holds", json=body).status_code

    threads = [threading.Thread(target=race, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert Counter(statuses) == {201: BEDS, 409: CLIENTS - BEDS}
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text(OVERLAPS)).scalar() == 0
        held_beds = connection.execute(
            text("SELECT count(DISTINCT space_id) FROM bookings WHERE active")
        ).scalar()
    assert held_beds == BEDS


@pytest.mark.postgres_only
def test_a_release_waits_for_a_check_in_of_the_same_hold_and_then_sees_it(app, api, make):
    """Two people acting on one hold take turns; the second must not undo the first.

    Another transaction checks the hold in (here: marks it placed) and has not committed yet.
    A release sent meanwhile waits for it, then finds the hold placed and is refused, instead
    of marking a checked-in hold released and freeing a bed someone sleeps in.
    """
    advocate = make.user(Role.ADVOCATE)
    site = make.site()
    bed = make.space(site)
    survivor = make.client(advocates=(advocate,))
    today = clock.local_date(clock.now(), app.config["COALITION_TIMEZONE"])
    hold = make.hold(survivor, bed, site, today, advocate, expires_at=clock.now() + timedelta(hours=4))
    answer: dict[str, int] = {}

    def release() -> None:
        answer["status"] = api(advocate).post(f"/api/v1/holds/{hold.id}/release", json={}).status_code

    with app.app_context(), db.engine.connect() as other:
        other.execute(text("UPDATE holds SET status = 'placed' WHERE id = :id"), {"id": hold.id})
        releasing = threading.Thread(target=release)
        releasing.start()
        releasing.join(timeout=1.5)
        assert releasing.is_alive(), "the release did not wait for the check-in in progress"
        other.commit()
    releasing.join(timeout=30)
    assert answer["status"] == 409
    with app.app_context(), db.engine.connect() as connection:
        status = connection.execute(text("SELECT status FROM holds WHERE id = :id"), {"id": hold.id}).scalar()
    assert status == "placed"


def test_two_moves_of_one_stay_at_once_leave_one_current_stay(app, api, make):
    """Two people move the same survivor at once (to two different beds): one move wins; the
    other is refused, and the survivor has one current stay, in one bed, on one clock."""
    organisation = make.organisation()
    site = make.site(organisation=organisation)
    partner = make.user(Role.PARTNER, organisation=organisation)
    first_bed, *targets = [make.space(site) for _ in range(3)]
    survivor = make.client()
    today = clock.local_date(clock.now(), app.config["COALITION_TIMEZONE"])
    stay = make.placement(survivor, first_bed, site, today - timedelta(days=20), partner)
    sessions = [api(partner) for _ in targets]
    start = threading.Barrier(len(targets))
    statuses: list[int] = [0] * len(targets)

    def move(index: int) -> None:
        body = {"space_id": targets[index].id, "reason": "The heater broke"}
        start.wait()
        statuses[index] = sessions[index].post(f"/api/v1/placements/{stay.id}/move", json=body).status_code

    threads = [threading.Thread(target=move, args=(i,)) for i in range(len(targets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [201, 409]
    with app.app_context(), db.engine.connect() as connection:
        current = connection.execute(
            text(
                "SELECT episode_id, expected_end_on FROM placements"
                " WHERE client_id = :id AND exited_on IS NULL"
            ),
            {"id": survivor.id},
        ).all()
        active = connection.execute(
            text("SELECT count(*) FROM bookings WHERE client_id = :id AND active AND ends_on > :today"),
            {"id": survivor.id, "today": today},
        ).scalar()
        assert connection.execute(text(OVERLAPS)).scalar() == 0
    assert len(current) == 1 and str(current[0][1]) == str(stay.expected_end_on)
    assert active == 1
