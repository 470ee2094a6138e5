"""Retention: an exited survivor's personal details are erased after the period; counts stay."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from housing_service import clock
from housing_service.extensions import db
from housing_service.models import AuditEvent, Client, Extension, Hold, HoldStatus, Placement, Role
from housing_service.services.retention import ERASED_VALUES, erase_expired_personal_data
from housing_service.vocabulary import AgeGroup, ChildAgeBracket, Gender, LegalStatusProgress, SpaceKind

NOW = datetime(2030, 6, 1, 19, 0, tzinfo=UTC)
TODAY = date(2030, 6, 1)
LONG_AGO = TODAY - timedelta(days=1095 + 30)  # an exit past the default retention period
RECENTLY = TODAY - timedelta(days=200)


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def place(make):
    """A site with beds and its staff; `stay(client, starts, exited)` writes a stay."""
    organisation = make.organisation()
    site = make.site(organisation=organisation)
    partner = make.user(Role.PARTNER, organisation=organisation)

    def stay(client, starts_on: date, exited_on: date | None = None, **fields):
        space = make.space(site, kind=SpaceKind.UNIT, capacity=4)
        if exited_on is not None:
            fields.update(exited_on=exited_on, destination=fields.pop("destination", 410))
        return make.placement(client, space, site, starts_on, partner, **fields)

    stay.site, stay.partner = site, partner
    return stay


def _personal(make, **fields):
    values = {
        "alias": "Marigold",
        "created_at": NOW - timedelta(days=2000),
        "updated_at": NOW - timedelta(days=1200),
        "languages": ["tl", "en"],
        "children": [ChildAgeBracket.INFANT.value],
        "adults": 1,
        "gender": Gender.WOMAN,
        "avoid_area_ids": [],
        "has_pets": True,
        "has_income": True,
        "legal_status": LegalStatusProgress.IN_PROGRESS,
        "says_ready_to_move": True,
    }
    values.update(fields)
    return make.client(**values)


def _erase(app, days: int | None = None) -> int:
    with app.app_context():
        erased = erase_expired_personal_data(clock.now(), days)
        db.session.commit()
        return erased


def test_personal_fields_are_erased_after_the_period_and_counts_stay(app, make, place):
    client = _personal(make)
    stay = place(
        client, LONG_AGO - timedelta(days=40), LONG_AGO, destination=17, destination_text="to her sister"
    )
    assert _erase(app) == 1

    erased = make.reload(Client, client.id)
    for name, value in ERASED_VALUES.items():
        assert getattr(erased, name) == value, name
    assert erased.erased_at == NOW
    # What aggregates need stays: the code, the household's counts, the stay and its exit.
    assert erased.code == client.code and erased.adults == 1
    assert erased.children == [ChildAgeBracket.INFANT.value] and erased.age_group == AgeGroup.ADULT
    kept = make.reload(Placement, stay.id)
    assert (kept.starts_on, kept.exited_on, kept.destination) == (stay.starts_on, LONG_AGO, 17)
    assert kept.destination_text == "erased"


def test_each_erasure_is_audited_by_the_scheduler_naming_the_fields(app, make, place):
    first, second = _personal(make), _personal(make)
    for client in (first, second):
        place(client, LONG_AGO - timedelta(days=10), LONG_AGO)
    assert _erase(app) == 2
    with app.app_context():
        entries = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "client.erase")).all()
        assert sorted(int(e.record_id) for e in entries) == sorted([first.id, second.id])
        assert all(e.actor_id is None and e.details == {"fields": sorted(ERASED_VALUES)} for e in entries)
    assert app.test_cli_runner().invoke(args=["audit-verify"]).exit_code == 0


def test_notes_about_the_survivors_holds_and_stays_are_erased(app, make, place):
    client = _personal(make)
    stay = place(client, LONG_AGO - timedelta(days=70), LONG_AGO)
    space = make.space(place.site)
    hold = make.hold(
        client, space, place.site, LONG_AGO - timedelta(days=90), place.partner, NOW - timedelta(days=1300)
    )
    with app.app_context():
        db.session.execute(
            Hold.__table__.update()
            .where(Hold.id == hold.id)
            .values(
                status=HoldStatus.RELEASED.value,
                release_reason="family called",
                created_at=NOW - timedelta(days=1300),
            )
        )
        db.session.add(
            Extension(
                placement_id=stay.id,
                previous_end_on=LONG_AGO,
                new_end_on=LONG_AGO + timedelta(days=5),
                reason="court hearing on the 5th",
                approved_by="Director",
                recorded_by_id=place.partner.id,
                recorded_at=NOW - timedelta(days=1200),
            )
        )
        db.session.commit()
    assert _erase(app) == 1
    assert make.reload(Hold, hold.id).release_reason is None
    with app.app_context():
        assert (
            db.session.scalar(select(Extension.reason).where(Extension.placement_id == stay.id)) == "erased"
        )


def test_a_recent_exit_is_kept(app, make, place):
    client = _personal(make, updated_at=NOW - timedelta(days=1200))
    place(client, RECENTLY - timedelta(days=30), RECENTLY)
    assert _erase(app) == 0
    assert make.reload(Client, client.id).alias == "Marigold"


def test_a_survivor_with_a_current_stay_is_never_erased(app, make, place):
    client = _personal(make)
    place(client, LONG_AGO - timedelta(days=60), LONG_AGO)
    place(client, LONG_AGO + timedelta(days=10))  # back, and still there
    assert _erase(app) == 0
    assert _erase(app, days=0) == 0
    assert make.reload(Client, client.id).erased_at is None


def test_a_survivor_with_a_held_bed_is_never_erased(app, make, place):
    client = _personal(make)
    place(client, LONG_AGO - timedelta(days=60), LONG_AGO)
    make.hold(client, make.space(place.site), place.site, TODAY, place.partner, NOW + timedelta(hours=3))
    assert _erase(app, days=0) == 0
    assert make.reload(Client, client.id).alias == "Marigold"


def test_a_record_changed_or_a_hold_made_within_the_period_is_kept(app, make, place):
    touched = _personal(make, updated_at=NOW - timedelta(days=10))
    place(touched, LONG_AGO - timedelta(days=60), LONG_AGO)
    rebooked = _personal(make)
    place(rebooked, LONG_AGO - timedelta(days=60), LONG_AGO)
    hold = make.hold(rebooked, make.space(place.site), place.site, RECENTLY, place.partner, NOW)
    with app.app_context():
        db.session.execute(
            Hold.__table__.update().where(Hold.id == hold.id).values(status=HoldStatus.EXPIRED.value)
        )
        db.session.commit()
    assert _erase(app) == 0


def test_a_record_with_no_stay_at_all_is_left_for_the_case_team(app, make):
    _personal(make)
    assert _erase(app) == 0


def test_erasing_twice_erases_once(app, make, place):
    client = _personal(make)
    place(client, LONG_AGO - timedelta(days=60), LONG_AGO)
    assert _erase(app) == 1
    assert _erase(app) == 0
    assert make.count(AuditEvent, action="client.erase") == 1


def test_the_period_is_a_setting(app, make, place, monkeypatch):
    client = _personal(make)
    place(client, RECENTLY - timedelta(days=30), RECENTLY)
    monkeypatch.setitem(app.config, "RETENTION_DAYS_AFTER_EXIT", 100)
    assert _erase(app) == 1


def test_an_erased_record_still_reads_for_its_case_team(app, api, make, place):
    manager = make.user(Role.CASE_MANAGER)
    client = _personal(make, case_manager=manager)
    place(client, LONG_AGO - timedelta(days=60), LONG_AGO)
    _erase(app)
    record = api(manager).get(f"/api/v1/clients/{client.id}").get_json()
    assert record["alias"] is None and record["languages"] == [] and record["code"] == client.code
    assert record["household_size"] == 2


def test_erasure_is_set_based_whatever_the_number_of_records(app, make, place):
    def statements_for(count: int) -> int:
        for _ in range(count):
            place(_personal(make), LONG_AGO - timedelta(days=60), LONG_AGO)
        executed: list[str] = []
        with app.app_context():
            engine = db.engine
            listener = lambda *args: executed.append(args[2])  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            try:
                assert erase_expired_personal_data(clock.now()) == count
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            db.session.commit()
        return len(executed)

    assert statements_for(2) == statements_for(25)


def test_aggregates_are_unchanged_by_erasure(app, make, place):
    clients = [_personal(make) for _ in range(3)]
    for client in clients:
        place(client, LONG_AGO - timedelta(days=45), LONG_AGO)

    def totals() -> tuple[int, int, int]:
        with app.app_context():
            nights = db.session.scalar(select(func.count(Placement.id)))
            people = sum(c.household_size for c in db.session.scalars(select(Client)))
            days = sum((p.exited_on - p.starts_on).days for p in db.session.scalars(select(Placement)))
            return nights or 0, people, days

    before = totals()
    assert _erase(app) == 3
    assert totals() == before
