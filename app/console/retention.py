"""Retention: drop the events and stdout of jobs finished long ago, keep each job's summary row and items.

Deletes in batches with a commit each, so ten million events never sit in one transaction or one lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from app import audit
from app.extensions import db
from app.models import JobEvent, ProvisioningJob, utcnow
from app.models.states import FINISHED_JOB_STATES

BATCH = 5000


@dataclass
class Pruned:
    events: int = 0
    stdouts: int = 0


def _old_finished_jobs(cutoff):
    return select(ProvisioningJob.id).where(ProvisioningJob.state.in_([str(s) for s in FINISHED_JOB_STATES]),
                                            ProvisioningJob.finished_at < cutoff)


def prune(older_than_days: int, batch: int = BATCH) -> Pruned:
    """Events older than the cutoff of jobs that finished before it, and those jobs' stdout."""
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1")
    cutoff = utcnow() - timedelta(days=older_than_days)
    result = Pruned()
    old_jobs = _old_finished_jobs(cutoff)
    while True:
        ids = list(db.session.scalars(select(JobEvent.id).where(JobEvent.created_at < cutoff,
                                                                JobEvent.job_id.in_(old_jobs)).limit(batch)))
        if not ids:
            break
        result.events += db.session.execute(delete(JobEvent).where(JobEvent.id.in_(ids))).rowcount
        db.session.commit()
    while True:
        ids = list(db.session.scalars(old_jobs.where(ProvisioningJob.stdout.is_not(None)).limit(batch)))
        if not ids:
            break
        result.stdouts += db.session.execute(
            update(ProvisioningJob).where(ProvisioningJob.id.in_(ids)).values(stdout=None)).rowcount
        db.session.commit()
    audit.record("system", "jobs.pruned", None, {"older_than_days": older_than_days, "events": result.events,
                                                  "stdouts": result.stdouts})
    db.session.commit()
    return result


def remaining_events() -> int:
    return db.session.scalar(select(func.count()).select_from(JobEvent)) or 0
