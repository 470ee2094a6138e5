"""The coalition's revision is a sum of slots: holds on different beds don't queue on one row,
and a reader sees the new number only once the change it stands for is committed."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from housing_service import clock
from housing_service.extensions import db
from housing_service.models import Role
from housing_service.services import revision

pytestmark = pytest.mark.postgres_only

BUMP = "UPDATE coalition_revisions SET revision = revision + 1 WHERE id = :slot"


def _slot(space_id: int) -> int:
    return space_id % revision.SLOTS + 1


def _current(app) -> int:
    with app.app_context():
        value = revision.current()
        db.session.rollback()
        return value


def _hold_in_background(app, api, advocate, survivor, bed) -> tuple[threading.Thread, list[int]]:
    today = clock.local_date(clock.now(), app.config["COALITION_TIMEZONE"])
    client = api(advocate)
    statuses: list[int] = []
    body = {"client_id": survivor.id, "space_id": bed.id, "starts_on": str(today)}
    thread = threading.Thread(
        target=lambda: statuses.append(client.post("/api/v1/holds", json=body).status_code)
    )
    thread.start()
    return thread, statuses


@pytest.mark.parametrize("same_slot", [False, True])
def test_a_hold_waits_for_another_change_only_when_it_shares_its_slot(app, api, make, same_slot):
    advocate = make.user(Role.ADVOCATE)
    first_site, second_site = make.site(), make.site()
    bed_elsewhere, bed = make.space(first_site), make.space(second_site)
    survivor = make.client(advocates=(advocate,))
    before = _current(app)
    with app.app_context():
        engine = db.engine
    with engine.connect() as other:
        other.begin()
        # Another change at commit time: its bump holds its slot's row until it commits.
        other.execute(text(BUMP), {"slot": _slot(bed.id if same_slot else bed_elsewhere.id)})
        assert _current(app) == before  # not committed: nobody sees the new number yet
        thread, statuses = _hold_in_background(app, api, advocate, survivor, bed)
        thread.join(timeout=3)
        if same_slot:
            assert thread.is_alive()  # queued behind the other change's row, as one row made every hold
        else:
            assert not thread.is_alive() and statuses == [201]  # committed while the other is open
            assert _current(app) == before + 1
        other.commit()
    thread.join(timeout=10)
    assert statuses == [201]
    assert _current(app) == before + 2
