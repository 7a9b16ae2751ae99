"""Sysadmin actions on provisioning jobs: cancel and relaunch, each one audited transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from app import audit, outbox
from app.extensions import db
from app.models import ItemStatus, JobItem, JobState, ProvisioningJob, ServiceState, utcnow
from app.models.states import RELAUNCHABLE_JOB_STATES, check_transition
from app.provisioning.finish import fail_items
from app.refusals import Refused


def can_relaunch(job: ProvisioningJob) -> bool:
    """Unsuccessful jobs, and successful ones with failed items (a playbook that ignores errors per item)."""
    return job.state in RELAUNCHABLE_JOB_STATES or (
        job.state == JobState.SUCCESSFUL and any(item.status == ItemStatus.FAILED for item in job.items))


class JobActionError(Refused):
    """The action does not apply to the job as it is now: code "not_found", "not_cancellable", "not_ended",
    "nothing_to_relaunch" or "already_relaunched" (the console's display.job_action_error words it)."""


def new_attempt(job: ProvisioningJob, items: list[JobItem], requested_by: str,
                not_before: datetime | None = None) -> ProvisioningJob:
    """A new job (attempt + 1, parent = job) for the given items' service requests; adds to the session.

    With `not_before` the job waits: the sweeper hands it to the outbox once that time has passed.
    """
    retry = ProvisioningJob(playbook=job.playbook, requested_by=requested_by, options=dict(job.options or {}),
                            attempt=job.attempt + 1, parent_id=job.id, not_before=not_before)
    db.session.add(retry)
    for item in items:
        retry.items.append(JobItem(service_request_id=item.service_request_id, label=item.label))
    db.session.flush()
    if not_before is None:
        outbox.add("job", job_id=retry.id)
    return retry


def cancel(job_id: int, actor: str) -> ProvisioningJob:
    """Cancel a queued job at once, or ask a running one to stop (the worker ends it `canceled`)."""
    job = db.session.get(ProvisioningJob, job_id)
    if job is None:
        raise JobActionError("not_found", job=job_id)
    now = utcnow()
    stopped = db.session.execute(
        update(ProvisioningJob)
        .where(ProvisioningJob.id == job_id, ProvisioningJob.state == JobState.QUEUED)
        .values(state=JobState.CANCELED, cancel_requested=True, finished_at=now, not_before=None,
                error=f"canceled by {actor} before it started")
    ).rowcount
    if stopped:
        db.session.refresh(job)
        fail_items(job, "canceled before it ran")
        audit.record(actor, "job.canceled", f"job:{job_id}", {"was": "queued"})
        db.session.commit()
        return job
    asked = db.session.execute(
        update(ProvisioningJob)
        .where(ProvisioningJob.id == job_id, ProvisioningJob.state == JobState.RUNNING,
               ProvisioningJob.cancel_requested.is_(False))
        .values(cancel_requested=True)
    ).rowcount
    if not asked:
        db.session.rollback()
        raise JobActionError("not_cancellable", job=job_id)
    audit.record(actor, "job.cancel_requested", f"job:{job_id}", {"was": "running"})
    db.session.commit()
    db.session.refresh(job)
    return job


def relaunch(job_id: int, actor: str) -> ProvisioningJob:
    """A new attempt of an unsuccessful job, covering only the items that did not succeed."""
    job = db.session.get(ProvisioningJob, job_id)
    if job is None:
        raise JobActionError("not_found", job=job_id)
    if job.state == JobState.SUCCESSFUL and not can_relaunch(job):
        raise JobActionError("nothing_to_relaunch", job=job_id)
    if not can_relaunch(job):
        raise JobActionError("not_ended", job=job_id)
    if db.session.scalar(select(ProvisioningJob.id).where(ProvisioningJob.parent_id == job_id).limit(1)):
        raise JobActionError("already_relaunched", job=job_id)
    items = [item for item in job.items if item.status != ItemStatus.OK]
    if not items:
        raise JobActionError("nothing_to_relaunch", job=job_id)
    for item in items:
        request = item.service_request
        if request.state != ServiceState.QUEUED:
            check_transition(request.state, ServiceState.QUEUED)
            request.state = ServiceState.QUEUED
            request.last_error = None
    # Only one relaunch wins when two sysadmins click at once: the parent is marked under a lock.
    locked = db.session.execute(
        update(ProvisioningJob).where(ProvisioningJob.id == job_id,
                                      ProvisioningJob.state.in_((*RELAUNCHABLE_JOB_STATES, JobState.SUCCESSFUL)))
        .values(state=ProvisioningJob.state)
    ).rowcount
    if not locked:
        db.session.rollback()
        raise JobActionError("not_ended", job=job_id)
    retry = new_attempt(job, items, requested_by=actor)
    # The row lock above makes a second concurrent relaunch wait for us; it then sees our attempt.
    attempts = db.session.scalars(select(ProvisioningJob.id).where(ProvisioningJob.parent_id == job_id)).all()
    if len(attempts) > 1:
        db.session.rollback()
        raise JobActionError("already_relaunched", job=job_id)
    audit.record(actor, "job.relaunched", f"job:{job_id}", {"new_job": retry.id, "items": len(items)})
    db.session.commit()
    return retry
