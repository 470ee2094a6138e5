"""Run one job once: elect a single runner, record the run, commit once.

However many processes have the scheduler on, each scheduled run happens once: on
PostgreSQL an advisory lock keeps two processes from running a job at the same moment,
and on both databases the (job, slot) row is claimed by exactly one of them (the lease).
The unique key on flags is the second guard.
"""

from __future__ import annotations

import logging
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text

from ..db import count_inserted, insert_ignoring_duplicates
from ..extensions import db
from ..models import JobRun
from .jobs import JOBS, JobOutcome

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunReport:
    job: str
    slot: str
    ran: bool
    outcome: JobOutcome | None = None
    duration_ms: int | None = None
    reason: str = ""


def slot_for(job_name: str, now: datetime) -> str:
    """The scheduled period `now` falls in: runs in the same period are the same run."""
    period = int(JOBS[job_name].every.total_seconds())
    start = int(now.timestamp()) // period * period
    return datetime.fromtimestamp(start, UTC).isoformat()


def _lock_id(job_name: str) -> int:
    return zlib.crc32(f"housing_service.job.{job_name}".encode())


def run_job(job_name: str, now: datetime, slot: str | None = None) -> RunReport:
    """Run `job_name` judging by `now`, unless another process already has this slot."""
    job = JOBS[job_name]
    slot = slot or slot_for(job_name, now)
    session = db.session
    try:
        if session.get_bind().dialect.name == "postgresql":
            got_lock = session.scalar(
                text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": _lock_id(job_name)}
            )
            if not got_lock:
                session.rollback()
                return RunReport(job_name, slot, ran=False, reason="another process is running this job")
        started = datetime.now(UTC)
        claim = insert_ignoring_duplicates(session, JobRun.__table__).values(
            job=job_name,
            slot=slot,
            now=now,
            started_at=started,
            flags_raised=0,
            flags_resolved=0,
            records_changed=0,
        )
        if not count_inserted(session, claim):
            session.rollback()
            return RunReport(job_name, slot, ran=False, reason="this run was already done")
        run = session.query(JobRun).filter_by(job=job_name, slot=slot).one()
        begun = time.perf_counter()
        outcome = job.run(now, run.id)
        duration_ms = round((time.perf_counter() - begun) * 1000)
        run.finished_at = datetime.now(UTC)
        run.duration_ms = duration_ms
        run.flags_raised = outcome.flags_raised
        run.flags_resolved = outcome.flags_resolved
        run.records_changed = outcome.records_changed
        session.commit()
    except Exception:
        session.rollback()
        log.exception("job %s (slot %s) failed; nothing it did was kept", job_name, slot)
        raise
    log.info(
        "job %s slot %s: %d ms, %d flags raised, %d resolved, %d records changed",
        job_name,
        slot,
        duration_ms,
        outcome.flags_raised,
        outcome.flags_resolved,
        outcome.records_changed,
    )
    if job.then is not None:
        try:
            job.then(now)
        except Exception:
            session.rollback()
            log.exception("job %s: the step after its commit failed; the next run takes it up", job_name)
    return RunReport(job_name, slot, ran=True, outcome=outcome, duration_ms=duration_ms)
