"""The end of a run: the job's end state, its redacted stdout, each item's result and its request's state;
or, when something the run needs does not answer, the job's wait before it is tried again."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, insert, select, update

from app import audit, outbox
from app.extensions import db
from app.models import ItemStatus, JobEvent, JobItem, JobState, ProvisioningJob, ServiceState, utcnow
from app.models.states import InvalidTransition, allowed_from, check_transition
from app.provisioning import hooks, planning
from app.provisioning.redaction import cap, redact_text

log = logging.getLogger(__name__)

# The job event that records one wait (the console's timeline shows its task text).
WAIT_EVENT = "alta_waiting"

END_STATES = {"successful": JobState.SUCCESSFUL, "failed": JobState.FAILED, "timeout": JobState.TIMEOUT,
              "canceled": JobState.CANCELED}
ERRORS = {
    "timeout": "stopped: the run took longer than {timeout} s",
    "canceled": "stopped: a sysadmin canceled the job",
}


def end(job_id: int, result, recorder, error: str | None = None) -> str:
    """Store the outcome of the run (one transaction) and return the job's state."""
    recorder.flush()
    if result.status == "lost":
        db.session.commit()  # the sweeper declared the job lost; its retry owns the items
        return JobState.LOST
    if result.status == "released":
        return release(job_id)
    state = END_STATES[result.status]
    config = current_app.config
    stdout, cut = cap(redact_text(result.stdout), int(config.get("JOB_STDOUT_MAX_CHARS", 1_000_000)))
    if error is None and result.status in ERRORS:
        error = ERRORS[result.status].format(timeout=config["JOB_TIMEOUT_SECONDS"])
    if error is None and state == JobState.FAILED:
        error = recorder.host_failure or next(iter(recorder.item_failures.values()), None) or \
            f"ansible-playbook ended with rc {result.rc}"
    ended = db.session.execute(
        update(ProvisioningJob)
        .where(ProvisioningJob.id == job_id, ProvisioningJob.state.in_(allowed_from(state)))
        .values(state=state, finished_at=utcnow(), rc=result.rc, stdout=stdout, stdout_truncated=cut,
                error=error, heartbeat_at=utcnow())
    ).rowcount
    if not ended:  # declared lost meanwhile: keep what the sweeper decided
        db.session.commit()
        return JobState.LOST
    job = db.session.get(ProvisioningJob, job_id)
    db.session.refresh(job)
    settle_items(job, state, recorder, error)
    audit.record("system", f"job.{state}", f"job:{job_id}",
                 {"items": len(job.items), "failed_items": sum(1 for i in job.items if i.status == ItemStatus.FAILED)})
    db.session.commit()
    hooks.run_after(job)
    return state


def settle_items(job: ProvisioningJob, state: JobState, recorder, error: str | None) -> None:
    """Each item ok or failed from the events; its service request active/disabled or failed.

    An item is ok only if the whole run succeeded and no event reported it failed: when a run fails,
    Ansible stops the host, so later tasks never ran for the other items either.
    """
    switched_off = planning.switches_off(job)
    for item in job.items:
        failure = recorder.item_failures.get(item.label)
        if state != JobState.SUCCESSFUL or failure is not None:
            fail_item(item, failure or error or "the job did not finish")
            continue
        _set_status(item, ItemStatus.OK)
        request = item.service_request
        target = ServiceState.DISABLED if switched_off else ServiceState.ACTIVE
        try:
            check_transition(request.state, target)
        except InvalidTransition:
            log.warning("job %s: service request %s is %s, not moved to %s", job.id, request.id, request.state, target)
            continue
        request.state = target
        request.last_error = None


def _set_status(item: JobItem, status: ItemStatus) -> None:
    # An item is settled once per run: settling it twice would be a bug (e.g. two finishers), so it raises.
    check_transition(item.status, status)
    item.status = status


def fail_item(item: JobItem, reason: str) -> None:
    """The item failed; its service request becomes failed (if it may) with the reason shown to staff."""
    _set_status(item, ItemStatus.FAILED)
    request = item.service_request
    try:
        check_transition(request.state, ServiceState.FAILED)
    except InvalidTransition:
        return
    request.state = ServiceState.FAILED
    request.last_error = reason[:1000]


def fail_items(job: ProvisioningJob, reason: str) -> None:
    """Every item of a job that will not run (canceled, lost for good) failed, with the same reason."""
    for item in job.items:
        fail_item(item, reason)


def release(job_id: int) -> str:
    """A stopping worker hands the job back: running → queued, pushed again through the outbox."""
    released = db.session.execute(
        update(ProvisioningJob)
        .where(ProvisioningJob.id == job_id, ProvisioningJob.state.in_(allowed_from(JobState.QUEUED)))
        .values(state=JobState.QUEUED, started_at=None, heartbeat_at=None, worker=None)
    ).rowcount
    if released:
        settled = JobItem.status.in_(allowed_from(ItemStatus.PENDING))
        db.session.execute(update(JobItem).where(JobItem.job_id == job_id, settled).values(status=ItemStatus.PENDING))
        audit.record("system", "job.released", f"job:{job_id}", {"reason": "worker stopping"})
        outbox.add("job", job_id=job_id)
    db.session.commit()
    return JobState.QUEUED if released else JobState.LOST


def wait_delay(waits_before: int) -> int:
    """Seconds before the next try: JOB_RETRY_BACKOFF_SECONDS doubling per wait, capped."""
    config = current_app.config
    base = int(config["JOB_RETRY_BACKOFF_SECONDS"])
    cap_seconds = int(config["JOB_RETRY_BACKOFF_MAX_SECONDS"])
    return min(cap_seconds, base * 2 ** min(waits_before, 30))


def wait(job_id: int, unavailable, recorder) -> str:
    """Something the run needs did not answer before anything ran (hooks.Unavailable): running → queued
    with `not_before`, so the sweeper hands the job to the outbox once the wait is over. Not a failure:
    it waits for as long as that takes (a sysadmin may cancel it); the items stay pending."""
    recorder.flush()
    waits = db.session.scalar(select(func.count()).select_from(JobEvent).where(
        JobEvent.job_id == job_id, JobEvent.event == WAIT_EVENT)) or 0
    delay = wait_delay(waits)
    now = utcnow()
    at = now + timedelta(seconds=delay)
    message = redact_text(
        f"Waiting: {unavailable.what} was unreachable ({unavailable.detail}). Nothing ran on the hosts. "
        f"The job will be tried again at {at:%Y-%m-%d %H:%M:%S} UTC (in {delay} s; wait {waits + 1}), "
        "and again with a longer wait each time until it answers. Cancel the job to stop it.")[:1000]
    waiting = db.session.execute(
        update(ProvisioningJob)
        .where(ProvisioningJob.id == job_id, ProvisioningJob.state.in_(allowed_from(JobState.QUEUED)),
               ProvisioningJob.cancel_requested.is_(False))
        .values(state=JobState.QUEUED, not_before=at, started_at=None, heartbeat_at=None, worker=None,
                error=message)
    ).rowcount
    if not waiting:  # a sysadmin asked to cancel meanwhile, or the sweeper declared the job lost
        db.session.rollback()
        from app.provisioning import runner

        return end(job_id, runner.RunResult("canceled", None, ""), recorder)
    counter = db.session.scalar(select(func.coalesce(func.max(JobEvent.counter), 0)).where(JobEvent.job_id == job_id))
    db.session.execute(insert(JobEvent), [{
        "job_id": job_id, "counter": counter + 1, "event": WAIT_EVENT, "task": message, "status": "retry",
        "changed": False, "data": {"unreachable": unavailable.what, "retry_in_seconds": delay, "wait": waits + 1},
        "created_at": now}])
    audit.record("system", "job.waiting", f"job:{job_id}",
                 {"unreachable": unavailable.what, "retry_in_seconds": delay, "wait": waits + 1})
    db.session.commit()
    log.warning("job %s: %s", job_id, message)
    return JobState.QUEUED
