"""APScheduler wiring: in-process under `flask run`, or its own process (`flask scheduler`).

Misfires and overlaps: a run that was missed while the process was down is coalesced
into one, at most one instance of a job runs per process, and the runner's claim keeps
processes from repeating each other's runs. Jobs judge by state, so one late run catches up.
"""

from __future__ import annotations

import logging
import os

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from flask.helpers import get_debug_flag

from .. import clock
from ..extensions import db
from ..services import audit
from .jobs import JOBS
from .runner import run_job

log = logging.getLogger(__name__)


def _run_in_app(app: Flask, job_name: str) -> None:
    with app.app_context():
        report = run_job(job_name, clock.now())
        if not report.ran:
            log.debug("job %s slot %s skipped: %s", job_name, report.slot, report.reason)


def _seal_audit_trail(app: Flask) -> None:
    with app.app_context():
        audit.seal(db.engine)


def configure(scheduler: BaseScheduler, app: Flask) -> BaseScheduler:
    for job in JOBS.values():
        scheduler.add_job(
            _run_in_app,
            "interval",
            seconds=job.every.total_seconds(),
            args=(app, job.name),
            id=job.name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(job.every.total_seconds()),
            next_run_time=clock.now(),  # catch up at start: the jobs judge by state
        )
    # Not a claimed job: sealing is idempotent and sealers take turns (services/audit.py),
    # so every scheduler process seals, with no run to record every few seconds.
    scheduler.add_job(
        _seal_audit_trail,
        "interval",
        seconds=app.config["AUDIT_SEAL_SECONDS"],
        args=(app,),
        id="audit_seal",
        coalesce=True,
        max_instances=1,
        next_run_time=clock.now(),
    )
    return scheduler


def start_in_process(app: Flask) -> BackgroundScheduler | None:
    """Start the scheduler inside a web process when the settings say so."""
    setting = app.config["SCHEDULER"]
    if setting == "off" or (setting == "auto" and not _serving_with_flask_run()):
        return None
    scheduler = configure(BackgroundScheduler(timezone="UTC", daemon=True), app)
    scheduler.start()
    log.info("scheduler started in this process")
    return scheduler


def run_blocking(app: Flask) -> None:
    """Run the scheduler as its own process until it is stopped."""
    configure(BlockingScheduler(timezone="UTC"), app).start()


def _serving_with_flask_run() -> bool:
    """True inside `flask run`'s serving process (not the reloader's watcher, not other commands)."""
    context = click.get_current_context(silent=True)
    if context is None or context.info_name != "run":
        return False
    reload = context.params.get("reload")
    if reload is None:
        reload = get_debug_flag()
    return not reload or os.environ.get("WERKZEUG_RUN_MAIN") == "true"
