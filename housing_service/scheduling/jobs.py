"""The jobs: each takes the moment it judges by, calls services, and says what it did."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from .. import clock
from ..notifications import jobs as notifications
from ..referrals import service as referrals
from ..services import audit_checkpoint, digest, hold_expiry, retention, site_freshness, stay_review, throttle


@dataclass(frozen=True)
class JobOutcome:
    flags_raised: int = 0
    flags_resolved: int = 0
    records_changed: int = 0


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime, int | None], JobOutcome]
    every: timedelta  # how often the scheduler runs it; runs are claimed per period
    # Run after the job's commit (e.g. send the messages it wrote to the outbox at once). A
    # failure here loses nothing: what it would have done stays due for the next run.
    then: Callable[[datetime], object] | None = None


def _review_stays(now: datetime, run_id: int | None) -> JobOutcome:
    config = current_app.config
    today = clock.local_date(now, config["COALITION_TIMEZONE"])
    result = stay_review.review_stays(config["STAY_REVIEW_THRESHOLDS"], today, now, run_id)
    told = notifications.tell_about_flags(run_id, now)
    return JobOutcome(flags_raised=result.raised, flags_resolved=result.resolved, records_changed=told)


def _expire_holds(now: datetime, run_id: int | None) -> JobOutcome:
    warning = timedelta(minutes=current_app.config["HOLD_WARNING_MINUTES"])
    result = hold_expiry.warn_and_expire_holds(warning, now, run_id)
    notifications.tell_about_flags(run_id, now)
    return JobOutcome(
        flags_raised=result.warned, flags_resolved=result.resolved, records_changed=result.expired
    )


def _flag_stale_sites(now: datetime, run_id: int | None) -> JobOutcome:
    stale_after = timedelta(hours=current_app.config["STALE_AVAILABILITY_HOURS"])
    result = site_freshness.flag_stale_sites(stale_after, now, run_id)
    told = notifications.tell_about_flags(run_id, now)
    return JobOutcome(flags_raised=result.raised, flags_resolved=result.resolved, records_changed=told)


def _watch_referrals(now: datetime, run_id: int | None) -> JobOutcome:
    result = referrals.watch_referrals(now, run_id)
    notifications.tell_about_flags(run_id, now)
    return JobOutcome(
        flags_raised=result.raised,
        flags_resolved=result.resolved,
        records_changed=result.unanswered + result.scrubbed,
    )


def _send_digests(now: datetime, run_id: int | None) -> JobOutcome:
    sent = digest.send_daily_digests(now, skip_user_ids=notifications.digest_opted_out())
    return JobOutcome(records_changed=sent)


def _deliver(now: datetime, run_id: int | None) -> JobOutcome:
    return JobOutcome(records_changed=notifications.deliver_due(now))


def _erase_expired_data(now: datetime, run_id: int | None) -> JobOutcome:
    erased = retention.erase_expired_personal_data(now)
    forgotten = throttle.forget_old_attempts(now) + retention.forget_replayable_answers(now)
    return JobOutcome(records_changed=erased + forgotten)


def _checkpoint_audit_trail(now: datetime, run_id: int | None) -> JobOutcome:
    return JobOutcome(records_changed=audit_checkpoint.record_checkpoint(now))


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        # Each flag job sends what it wrote to the outbox as soon as it has committed: a hold's
        # warning goes out in the run that raised it, whatever the order of the jobs.
        Job("stay_review", _review_stays, timedelta(hours=1), then=notifications.deliver_due),
        Job("hold_expiry", _expire_holds, timedelta(minutes=5), then=notifications.deliver_due),
        Job("stale_availability", _flag_stale_sites, timedelta(minutes=15), then=notifications.deliver_due),
        # Referrals wait minutes, not hours: a household may be in a car somewhere.
        Job("referrals", _watch_referrals, timedelta(minutes=1), then=notifications.deliver_due),
        Job("deliver", _deliver, timedelta(minutes=1)),
        Job("daily_digest", _send_digests, timedelta(days=1)),
        Job("retention", _erase_expired_data, timedelta(days=1)),
        Job("audit_checkpoint", _checkpoint_audit_trail, timedelta(days=1)),
    )
}
