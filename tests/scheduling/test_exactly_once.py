"""Two real processes with the scheduler's job on one PostgreSQL: each run happens once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from housing_service.extensions import db
from housing_service.models import Flag, JobRun, Role

from .conftest import noon

ROOT = Path(__file__).resolve().parents[2]


def _run_job_in_a_process(database_url: str, job: str, moment: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "HOUSING_ENV": "testing", "SCHEDULER": "off"}
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "housing_service", "run-job", job, "--now", moment],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.postgres_only
def test_two_processes_running_the_same_review_raise_each_flag_once(app, make, database_url):
    organisation = make.organisation()
    partner = make.user(Role.PARTNER, organisation=organisation)
    manager = make.user(Role.CASE_MANAGER)
    site = make.site(organisation=organisation)
    start = date(2027, 3, 1)
    for _ in range(60):
        make.placement(make.client(case_manager=manager), make.space(site), site, start, partner)
    moment = noon(start + timedelta(days=62)).isoformat()
    first = _run_job_in_a_process(database_url, "stay_review", moment)
    second = _run_job_in_a_process(database_url, "stay_review", moment)
    outputs = [process.communicate(timeout=120) for process in (first, second)]
    assert [process.returncode for process in (first, second)] == [0, 0], outputs
    said = " ".join(out for out, _ in outputs)
    assert said.count("flag(s) raised") == 1, said  # exactly one process ran it
    assert "not run" in said
    with app.app_context(), Session(db.engine) as session:
        assert session.scalar(select(func.count()).select_from(JobRun)) == 1
        assert session.scalar(select(func.count()).select_from(Flag)) == 60 * 3
        duplicates = session.execute(
            text("SELECT placement_id, days_before, count(*) FROM flags GROUP BY 1, 2 HAVING count(*) > 1")
        ).all()
    assert duplicates == []


@pytest.mark.postgres_only
def test_while_one_process_holds_the_jobs_lock_another_skips_the_run(app, make, database_url):
    from housing_service.scheduling.runner import _lock_id

    with app.app_context(), db.engine.connect() as holder:
        holder.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _lock_id("hold_expiry")})
        process = _run_job_in_a_process(database_url, "hold_expiry", noon(date(2027, 3, 1)).isoformat())
        out, err = process.communicate(timeout=60)
        holder.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _lock_id("hold_expiry")})
    assert process.returncode == 0, err
    assert "another process is running this job" in out
    assert make.count(JobRun) == 0


def test_run_job_on_the_command_line(app, make, stay_world, database_url):
    moment = noon(stay_world.end).isoformat()
    process = _run_job_in_a_process(database_url, "stay_review", moment)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "3 flag(s) raised" in out
    refused = _run_job_in_a_process(database_url, "stay_review", "2027-03-10T12:00:00")
    _, error = refused.communicate(timeout=60)
    assert refused.returncode != 0 and "offset" in error
