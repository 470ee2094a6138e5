from datetime import timedelta

from housing_service.models import Flag, FlagKind, JobRun, Placement

from .conftest import noon


def _open_flags(make, world):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from housing_service.extensions import db

    with make.app.app_context(), Session(db.engine) as session:
        rows = session.scalars(select(Flag).where(Flag.placement_id == world.stay.id).order_by(Flag.id)).all()
        return [(f.kind, f.days_before, f.subject_on, f.resolved_at is None) for f in rows]


def day(world, number: int):
    """Midday of day `number` of the stay (day 1 is the first night; day 60 the last)."""
    return noon(world.start + timedelta(days=number - 1))


def test_nothing_is_flagged_the_day_before_the_first_threshold(run, make, stay_world):
    report = run("stay_review", day(stay_world, 45))
    assert report.ran and report.outcome.flags_raised == 0
    assert _open_flags(make, stay_world) == []


def test_the_14_day_threshold_flags_on_day_46_of_60_and_only_once(run, make, stay_world):
    """The issue's own example: "day 46 of 60; plan the move by day 60"."""
    assert day(stay_world, 60) == noon(stay_world.end - timedelta(days=1))  # the last night
    run("stay_review", day(stay_world, 46))
    assert _open_flags(make, stay_world) == [(FlagKind.NEARING_LIMIT, 14, stay_world.end, True)]
    # later runs (another hour, the next day) raise nothing new
    run("stay_review", day(stay_world, 46) + timedelta(hours=1))
    run("stay_review", day(stay_world, 47))
    assert len(_open_flags(make, stay_world)) == 1


def test_the_7_day_threshold_and_the_end(run, make, stay_world):
    run("stay_review", day(stay_world, 52))
    assert [f[1] for f in _open_flags(make, stay_world)] == [14]
    run("stay_review", day(stay_world, 53))
    assert [f[1] for f in _open_flags(make, stay_world)] == [14, 7]
    run("stay_review", day(stay_world, 60))
    assert len(_open_flags(make, stay_world)) == 2  # the last night is not over the limit
    run("stay_review", day(stay_world, 61))
    assert [f[0] for f in _open_flags(make, stay_world)][-1] == FlagKind.OVER_LIMIT
    run("stay_review", noon(stay_world.end + timedelta(days=3)))
    assert len(_open_flags(make, stay_world)) == 3


def test_after_days_of_downtime_one_run_raises_every_flag_that_came_due(run, make, stay_world):
    run("stay_review", noon(stay_world.start + timedelta(days=10)))
    report = run("stay_review", noon(stay_world.end + timedelta(days=2)))
    assert report.outcome.flags_raised == 3
    assert sorted(f[1] for f in _open_flags(make, stay_world)) == [0, 7, 14]
    again = run("stay_review", noon(stay_world.end + timedelta(days=2)) + timedelta(hours=1))
    assert again.outcome.flags_raised == 0


def test_an_extension_resolves_the_flags_and_the_new_end_flags_again(api, run, make, stay_world):
    run("stay_review", noon(stay_world.end - timedelta(days=7)))
    new_end = stay_world.end + timedelta(days=30)
    from housing_service import clock

    with clock.frozen(noon(stay_world.end - timedelta(days=7))):
        response = api(stay_world.case_manager).post(
            f"/api/v1/placements/{stay_world.stay.id}/extensions",
            json={
                "new_end_on": str(new_end),
                "reason": "Waiting for a transitional unit",
                "approved_by": "Director",
            },
        )
    assert response.status_code == 201
    flags = _open_flags(make, stay_world)
    assert all(not is_open for *_, is_open in flags)  # resolved at once, by the extension
    run("stay_review", noon(new_end - timedelta(days=14)))
    reopened = [f for f in _open_flags(make, stay_world) if f[3]]
    assert reopened == [(FlagKind.NEARING_LIMIT, 14, new_end, True)]


def test_an_exit_resolves_the_flags(api, run, make, stay_world):
    run("stay_review", noon(stay_world.end))
    from housing_service import clock

    with clock.frozen(noon(stay_world.end)):
        api(stay_world.partner).post(
            f"/api/v1/placements/{stay_world.stay.id}/exit",
            json={"exited_on": str(stay_world.end), "destination": 302},
        )
    assert all(not is_open for *_, is_open in _open_flags(make, stay_world))
    report = run("stay_review", noon(stay_world.end + timedelta(days=1)))
    assert report.outcome.flags_raised == 0


def test_each_run_is_recorded_with_its_duration_and_counts(run, make, stay_world):
    report = run("stay_review", noon(stay_world.end))
    with make.app.app_context():
        from housing_service.extensions import db

        recorded = db.session.query(JobRun).filter_by(job="stay_review").one()
        assert recorded.flags_raised == 3 and recorded.duration_ms is not None and recorded.finished_at
        assert recorded.slot == report.slot


def test_the_same_slot_runs_once(run, make, stay_world):
    moment = noon(stay_world.end)
    assert run("stay_review", moment).ran
    second = run("stay_review", moment + timedelta(minutes=10))  # same hourly slot
    assert not second.ran and "already" in second.reason
    assert make.count(JobRun) == 1


def test_long_term_stays_have_no_limit_to_flag(run, make, stay_world):
    from housing_service.vocabulary import SpaceKind, Tier

    home = make.site(tier=Tier.LONG_TERM)
    unit = make.space(home, kind=SpaceKind.UNIT, capacity=2)
    other = make.client(case_manager=stay_world.case_manager)
    make.placement(other, unit, home, stay_world.start, stay_world.partner)
    run("stay_review", noon(stay_world.start + timedelta(days=400)))
    assert make.count(Flag, placement_id=stay_world.stay.id) == 3
    assert make.count(Flag) == 3
    assert make.count(Placement) == 2
