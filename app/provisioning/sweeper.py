"""The sweeper: re-push undispatched outbox rows, declare silent running jobs lost and retry them.

Run by every worker process every JOB_SWEEP_SECONDS (app/worker.py) and by `flask --app app provisioning sweep`.
Safe to run anywhere at once: every change is a conditional UPDATE, so two sweepers never both act.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from rq.job import Job, JobStatus
from sqlalchemy import or_, select, update

from app import audit, outbox
from app.extensions import db
from app.models import JobState, ProvisioningJob, utcnow
from app.models.states import allowed_from
from app.provisioning.finish import fail_items
from app.provisioning.services import new_attempt
from app.queues import get_redis

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    dispatched: int = 0
    lost: list[int] = field(default_factory=list)
    retries: list[int] = field(default_factory=list)
    released: list[int] = field(default_factory=list)
    redispatched: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"outbox rows pushed: {self.dispatched}; lost: {self.lost}; retries: {self.retries}; "
                f"released after backoff: {self.released}; pushed again: {self.redispatched}")


def sweep(outbox_age_seconds: int = 30) -> SweepReport:
    report = SweepReport()
    report.dispatched = outbox.sweep(older_than_seconds=outbox_age_seconds)
    mark_lost(report)
    release_due(report)
    redispatch_missing(report)
    return report


def mark_lost(report: SweepReport) -> None:
    config = current_app.config
    cutoff = utcnow() - timedelta(seconds=int(config["JOB_HEARTBEAT_STALE_SECONDS"]))
    stale = db.session.scalars(
        select(ProvisioningJob.id).where(
            ProvisioningJob.state == JobState.RUNNING,
            or_(ProvisioningJob.heartbeat_at < cutoff,
                ProvisioningJob.heartbeat_at.is_(None) & (ProvisioningJob.started_at < cutoff)),
        ).order_by(ProvisioningJob.id).limit(100)
    ).all()
    db.session.rollback()
    for job_id in stale:
        lost = db.session.execute(
            update(ProvisioningJob)
            .where(ProvisioningJob.id == job_id, ProvisioningJob.state.in_(allowed_from(JobState.LOST)),
                   or_(ProvisioningJob.heartbeat_at < cutoff, ProvisioningJob.heartbeat_at.is_(None)))
            .values(state=JobState.LOST, finished_at=utcnow(),
                    error=f"the worker stopped answering (no heartbeat for {config['JOB_HEARTBEAT_STALE_SECONDS']} s)")
        ).rowcount
        if not lost:
            db.session.rollback()
            continue
        job = db.session.get(ProvisioningJob, job_id)
        audit.record("system", "job.lost", f"job:{job_id}", {"attempt": job.attempt, "worker": job.worker})
        report.lost.append(job_id)
        if job.cancel_requested:
            fail_items(job, "lost after a sysadmin asked to cancel it: not retried")
        elif job.attempt <= int(config["JOB_RETRY_BUDGET"]):
            backoff = int(config["JOB_RETRY_BACKOFF_SECONDS"]) * 2 ** (job.attempt - 1)
            retry = new_attempt(job, list(job.items), "system",
                                not_before=utcnow() + timedelta(seconds=backoff) if backoff else None)
            audit.record("system", "job.retried", f"job:{job_id}", {"new_job": retry.id, "backoff_seconds": backoff})
            report.retries.append(retry.id)
        else:
            fail_items(job, "lost, and the retry budget is spent")
        db.session.commit()


def release_due(report: SweepReport) -> None:
    """Retries whose backoff has passed go to the outbox (not_before cleared: handed over)."""
    due = db.session.scalars(
        select(ProvisioningJob.id).where(ProvisioningJob.state == JobState.QUEUED,
                                         ProvisioningJob.not_before.is_not(None),
                                         ProvisioningJob.not_before <= utcnow()).limit(100)
    ).all()
    db.session.rollback()
    for job_id in due:
        handed = db.session.execute(
            update(ProvisioningJob)
            .where(ProvisioningJob.id == job_id, ProvisioningJob.state == JobState.QUEUED,
                   ProvisioningJob.not_before.is_not(None))
            .values(not_before=None)
        ).rowcount
        if handed:
            outbox.add("job", job_id=job_id)
            report.released.append(job_id)
        db.session.commit()


def redispatch_missing(report: SweepReport) -> None:
    """Queued jobs that Redis no longer holds (flushed, restarted without persistence) are pushed again."""
    cutoff = utcnow() - timedelta(seconds=int(current_app.config["JOB_REDISPATCH_SECONDS"]))
    waiting = db.session.scalars(
        select(ProvisioningJob.id).where(ProvisioningJob.state == JobState.QUEUED,
                                         ProvisioningJob.not_before.is_(None),
                                         ProvisioningJob.queued_at < cutoff).limit(100)
    ).all()
    db.session.rollback()
    if not waiting:
        return
    try:
        connection = get_redis()
        missing = []
        for job_id in waiting:
            try:
                status = Job.fetch(f"job-{job_id}", connection=connection).get_status()
            except Exception:  # noqa: BLE001 - NoSuchJobError and friends: not in Redis
                status = None
            if status not in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED):
                missing.append(job_id)
    except Exception as exc:  # noqa: BLE001 - Redis down: the next sweep tries again
        log.warning("sweeper: cannot look at Redis: %s", exc)
        return
    for job_id in missing:
        outbox.add("job", job_id=job_id)
        report.redispatched.append(job_id)
    db.session.commit()
