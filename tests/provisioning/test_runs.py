"""A real worker process runs approved jobs with ansible-runner: end states, events, items, once only."""

from __future__ import annotations

from pathlib import Path

from rq.job import Job
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, JobEvent, ProvisioningJob, ServiceRequest
from app.provisioning import services
from app.queues import get_queue, get_redis
from tests.provisioning.conftest import approve, job_state
from tests.support import wait_for

DONE = ("successful", "failed", "timeout", "canceled", "lost")


def rq_results(*rq_ids: str) -> list[str] | None:
    results = [Job.fetch(i, connection=get_redis()).return_value() for i in rq_ids]
    return results if None not in results else None


def finished(job_id: int, seconds: float = 60) -> ProvisioningJob:
    state = wait_for(lambda: job_state(job_id) in DONE and job_state(job_id), seconds, 0.2)
    assert state in DONE, f"job {job_id} still {job_state(job_id)}"
    return db.session.get(ProvisioningJob, job_id)


def test_approved_job_runs_in_the_worker_and_ends_successful_with_its_events(engine_settings, app, workers):
    job = approve(count=2)
    workers.start(engine_settings)
    job = finished(job.id)
    assert job.state == "successful" and job.rc == 0
    assert job.started_at <= job.finished_at and job.worker
    events = db.session.scalars(select(JobEvent).where(JobEvent.job_id == job.id).order_by(JobEvent.counter)).all()
    names = [e.event for e in events]
    assert names[0] == "playbook_on_start" and names[-1] == "playbook_on_stats"
    labelled = {(e.task, e.item_label) for e in events if e.event == "runner_item_on_ok"}
    assert ("Apply each item's side effect once", job.items[0].label) in labelled
    assert ("Apply each item's side effect once", job.items[1].label) in labelled
    assert [i.status for i in job.items] == ["ok", "ok"]
    assert {i.service_request.state for i in job.items} == {"active"}
    assert "PLAY RECAP" in job.stdout and not job.stdout_truncated
    sandbox = Path(engine_settings["SANDBOX"])
    assert (sandbox / "markers" / "finished").read_text() == f"job {job.id} state present\n"
    assert db.session.scalars(select(AuditEvent).filter_by(action="job.successful", target=f"job:{job.id}")).one()
    # The private_data_dir is gone.
    assert list(Path(engine_settings["JOB_WORK_DIR"]).iterdir()) == []


def test_a_job_delivered_twice_runs_once(engine_settings, app, workers):
    job = approve(count=1, options={"sleep": 1})
    # A second delivery of the same job (an RQ redelivery, a sweeper re-push) under another RQ id.
    get_queue("provision").enqueue("app.provisioning.tasks.run_job", job.id, job_id=f"job-{job.id}-again")
    workers.start(engine_settings)
    job = finished(job.id)
    assert job.state == "successful"
    results = wait_for(lambda: rq_results(f"job-{job.id}", f"job-{job.id}-again"), 30)
    assert sorted(results) in (["not claimed (running)", "successful"], ["not claimed (successful)", "successful"])
    label = job.items[0].label
    assert (Path(engine_settings["SANDBOX"]) / "markers" / f"{label}.log").read_text() == "applied\n"
    counters = db.session.scalars(select(JobEvent.counter).where(JobEvent.job_id == job.id)).all()
    assert len(counters) == len(set(counters))


def test_each_item_gets_its_own_result_and_relaunch_covers_only_the_failed_ones(engine_settings, app, workers):
    job = approve(count=3, playbook="fail_some.yml")
    bad = job.items[1].label
    job.options = {"fail": [bad]}
    db.session.commit()
    workers.start(engine_settings)
    job = finished(job.id)
    assert job.state == "successful"  # errors were ignored per item
    assert {i.label: i.status for i in job.items} == {job.items[0].label: "ok", bad: "failed",
                                                       job.items[2].label: "ok"}
    failed_request = job.items[1].service_request
    assert failed_request.state == "failed" and f"{bad} was told to fail" in failed_request.last_error

    retry = services.relaunch(job.id, "sysadmin")
    assert retry.attempt == 2 and retry.parent_id == job.id and retry.requested_by == "sysadmin"
    assert [i.label for i in retry.items] == [bad]
    retry_id = retry.id
    retry = finished(retry_id)
    assert retry.state == "successful" and retry.items[0].status == "failed"
    audit = db.session.scalars(select(AuditEvent).filter_by(action="job.relaunched")).one()
    assert audit.actor == "sysadmin" and audit.details == {"new_job": retry_id, "items": 1}


def test_a_failing_run_fails_every_item_it_did_not_finish_and_can_be_relaunched(engine_settings, app, workers):
    job = approve(count=2, playbook="fail_some.yml")
    job.options = {"fail": [job.items[0].label], "ignore": False}
    db.session.commit()
    workers.start(engine_settings)
    job = finished(job.id)
    assert job.state == "failed" and job.rc == 2
    assert f"{job.items[0].label} was told to fail" in job.error
    assert [i.status for i in job.items] == ["failed", "failed"]
    assert {i.service_request.state for i in job.items} == {"failed"}
    with_retry = services.relaunch(job.id, "sysadmin")
    assert len(with_retry.items) == 2
    try:
        services.relaunch(job.id, "sysadmin")
    except services.JobActionError:
        pass
    else:
        raise AssertionError("a second relaunch of the same job was accepted")


def test_canceling_a_queued_job_stops_it_before_it_runs(engine_settings, app, workers):
    job = approve(count=1)
    services.cancel(job.id, "sysadmin")
    assert job_state(job.id) == "canceled"
    workers.start(engine_settings)
    assert wait_for(lambda: rq_results(f"job-{job.id}"), 30) == ["not claimed (canceled)"]
    assert not (Path(engine_settings["SANDBOX"]) / "markers").exists()
    request = db.session.get(ServiceRequest, job.items[0].service_request_id)
    assert request.state == "failed"
    assert db.session.scalars(select(AuditEvent).filter_by(action="job.canceled")).one().actor == "sysadmin"
    try:
        services.cancel(job.id, "sysadmin")
    except services.JobActionError:
        pass
    else:
        raise AssertionError("a finished job was canceled again")
