from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from housing_service.extensions import db
from housing_service.models import AuditEvent, Booking, Flag, FlagKind, Hold, HoldStatus, Role, Site

EXPIRES = datetime(2027, 3, 10, 23, 0, tzinfo=UTC)


def _hold(make):
    site = make.site()
    space = make.space(site)
    advocate = make.user(Role.ADVOCATE)
    client = make.client(advocates=(advocate,))
    return make.hold(client, space, site, EXPIRES.date(), advocate, expires_at=EXPIRES)


def _flags(make, **where):
    with make.app.app_context(), Session(db.engine) as session:
        query = select(Flag).order_by(Flag.id)
        for name, value in where.items():
            query = query.where(getattr(Flag, name) == value)
        return session.scalars(query).all()


def test_a_hold_is_warned_about_an_hour_before_its_window_ends_then_expired(run, make):
    hold = _hold(make)
    assert run("hold_expiry", EXPIRES - timedelta(hours=2)).outcome.flags_raised == 0
    warned = run("hold_expiry", EXPIRES - timedelta(minutes=50))
    assert warned.outcome.flags_raised == 1 and warned.outcome.records_changed == 0
    assert make.reload(Hold, hold.id).status == HoldStatus.HELD
    expired = run("hold_expiry", EXPIRES + timedelta(minutes=1))
    assert expired.outcome.records_changed == 1
    after = make.reload(Hold, hold.id)
    assert after.status == HoldStatus.EXPIRED
    assert make.reload(Booking, after.booking_id).active is False  # the bed is free
    kinds = [(f.kind, f.resolved_at is None) for f in _flags(make, hold_id=hold.id)]
    assert kinds == [(FlagKind.HOLD_EXPIRING, False), (FlagKind.HOLD_EXPIRED, True)]


def test_after_downtime_the_warning_still_comes_before_the_expiry(run, make):
    hold = _hold(make)
    report = run("hold_expiry", EXPIRES + timedelta(hours=6))  # the first run since long before
    assert report.outcome.records_changed == 1
    warning, expired = _flags(make, hold_id=hold.id)
    assert warning.kind == FlagKind.HOLD_EXPIRING and expired.kind == FlagKind.HOLD_EXPIRED
    assert warning.id < expired.id
    assert warning.raised_at <= make.reload(Hold, hold.id).ended_at


def test_a_hold_is_expired_once_even_when_runs_repeat(run, make):
    hold = _hold(make)
    run("hold_expiry", EXPIRES + timedelta(minutes=1))
    second = run("hold_expiry", EXPIRES + timedelta(minutes=6))
    assert second.ran and second.outcome.records_changed == 0
    assert len(_flags(make, hold_id=hold.id)) == 2
    with make.app.app_context(), Session(db.engine) as session:
        entries = session.scalars(select(AuditEvent).where(AuditEvent.action == "hold.expire")).all()
    assert [entry.details["hold_ids"] for entry in entries] == [[hold.id]]


def test_a_checked_in_or_released_hold_is_never_expired_and_its_warning_resolves(api, run, make):
    hold = _hold(make)
    run("hold_expiry", EXPIRES - timedelta(minutes=30))
    with make.app.app_context(), Session(db.engine) as session:
        stored = session.get(Hold, hold.id)
        stored.status = HoldStatus.RELEASED
        session.get(Booking, stored.booking_id).active = False
        session.commit()
    run("hold_expiry", EXPIRES + timedelta(minutes=1))
    assert make.reload(Hold, hold.id).status == HoldStatus.RELEASED
    [warning] = _flags(make, hold_id=hold.id)
    assert warning.resolved_at is not None


def test_a_site_not_confirmed_for_a_day_is_flagged_to_its_partner_until_confirmed(api, run, make):
    from housing_service import clock

    now = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)
    organisation = make.organisation()
    site = make.site(organisation=organisation, availability_confirmed_at=now - timedelta(hours=23))
    partner = make.user(Role.PARTNER, organisation=organisation)
    assert run("stale_availability", now).outcome.flags_raised == 0
    assert run("stale_availability", now + timedelta(hours=2)).outcome.flags_raised == 1
    assert run("stale_availability", now + timedelta(hours=3)).outcome.flags_raised == 0  # once per spell
    listed = api(partner).get("/api/v1/flags").get_json()["items"]
    assert [f["kind"] for f in listed] == ["stale_availability"]
    assert "confirm" in listed[0]["reason"]
    with clock.frozen(now + timedelta(hours=4)):
        api(partner).post(f"/api/v1/sites/{site.id}/availability-confirmations", json={})
    assert api(partner).get("/api/v1/flags").get_json()["items"] == []
    # stale again two days later: a new flag for the new spell
    assert run("stale_availability", now + timedelta(days=2)).outcome.flags_raised == 1
    assert make.count(Flag, site_id=site.id) == 2
    assert make.reload(Site, site.id).availability_confirmed_at is not None


def test_a_closed_sites_confirm_availability_flag_resolves_itself(api, run, make):
    now = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)
    organisation = make.organisation()
    site = make.site(organisation=organisation, availability_confirmed_at=now - timedelta(days=2))
    partner = make.user(Role.PARTNER, organisation=organisation)
    assert run("stale_availability", now).outcome.flags_raised == 1
    closed = api(make.user(Role.ADMIN)).patch(f"/api/v1/sites/{site.id}", json={"active": False})
    assert closed.status_code == 200
    assert run("stale_availability", now + timedelta(minutes=15)).outcome.flags_resolved == 1
    assert api(partner).get("/api/v1/flags").get_json()["items"] == []


def test_the_retention_job_erases_an_exited_survivors_details_once_the_period_has_passed(run, make):
    from datetime import date

    from housing_service.models import Client

    site = make.site()
    partner = make.user(Role.PARTNER)
    client = make.client(alias="Rosa", languages=["es"])
    make.placement(
        client,
        make.space(site),
        site,
        date(2020, 1, 1),
        partner,
        exited_on=date(2020, 2, 1),
        destination=410,
        ends_on=date(2020, 3, 1),
    )
    report = run("retention", datetime(2030, 6, 1, 20, 0, tzinfo=UTC))  # three years after the last change
    assert report.ran and report.outcome.records_changed >= 1
    erased = make.reload(Client, client.id)
    assert erased.erased_at is not None and erased.alias is None and erased.code == client.code
