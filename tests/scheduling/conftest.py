from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from housing_service.models import Role

ZONE = ZoneInfo("America/Los_Angeles")


def noon(day: date) -> datetime:
    """Midday in the coalition's time zone, as an aware UTC moment."""
    return datetime.combine(day, time(12), ZONE).astimezone(UTC)


@pytest.fixture
def run(app):
    """run(job, now) runs a job once as the scheduler would, in its own app context."""
    from housing_service.scheduling.runner import run_job

    def _run(job: str, now: datetime, slot: str | None = None):
        with app.app_context():
            return run_job(job, now, slot)

    return _run


@pytest.fixture
def stay_world(make):
    """One survivor in a 60-night emergency stay that began on 1 March 2027 (ends 30 April)."""

    class World:
        start = date(2027, 3, 1)
        end = date(2027, 3, 1) + timedelta(days=60)

    w = World()
    w.organisation = make.organisation()
    w.site = make.site(organisation=w.organisation, name="Harbor House")
    w.bed = make.space(w.site)
    w.partner = make.user(Role.PARTNER, organisation=w.organisation)
    w.case_manager = make.user(Role.CASE_MANAGER)
    w.advocate = make.user(Role.ADVOCATE)
    w.client = make.client(case_manager=w.case_manager, advocates=(w.advocate,))
    w.stay = make.placement(w.client, w.bed, w.site, w.start, w.partner)
    return w
