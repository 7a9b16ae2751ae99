"""The engine under failure: a crashed worker, a run past its timeout, a cancel mid-run, a stopping
worker, and Redis down at approval. Real worker processes, real ansible-runner, real Redis."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select

from app import outbox
from app.devservices import free_port
from app.devservices.redis import RedisServer
from app.extensions import db
from app.models import AuditEvent, JobEvent, Outbox, ProvisioningJob
from app.provisioning import services
from tests.provisioning.conftest import approve, crash, job_state, processes_mentioning
from tests.provisioning.test_runs import finished
from tests.support import wait_for


def task_started(job_id: int, task: str) -> bool:
    db.session.rollback()
    return db.session.scalar(select(JobEvent.id).where(JobEvent.job_id == job_id, JobEvent.task == task,
                                                       JobEvent.event == "playbook_on_task_start")) is not None


def leftovers(settings: dict, sleep: str) -> list[str]:
    """Live processes of a run: anything naming its private_data_dir, or its unique `sleep`."""
    return processes_mentioning(settings["JOB_WORK_DIR"], f"sleep {sleep}")


def test_a_crashed_worker_leaves_the_job_lost_and_the_retry_finishes_it_without_repeating_side_effects(
        engine_settings, app, workers):
    job = approve(count=2, options={"sleep": "31.5", "sleep_once": True})
    first = workers.start(engine_settings)
    assert wait_for(lambda: task_started(job.id, "Wait"), 60)
    time.sleep(0.5)
    crash(first)
    assert leftovers(engine_settings, "31.5") == []
    assert job_state(job.id) == "running"  # nobody knows yet

    workers.start(engine_settings)  # its sweeper finds the stale heartbeat
    assert wait_for(lambda: job_state(job.id) == "lost", 30)
    lost = db.session.get(ProvisioningJob, job.id)
    assert "heartbeat" in lost.error
    retry = wait_for(lambda: db.session.scalar(select(ProvisioningJob).where(ProvisioningJob.parent_id == job.id)), 10)
    assert retry.attempt == 2 and retry.requested_by == "system"
    retry = finished(retry.id)
    assert retry.state == "successful"
    markers = Path(engine_settings["SANDBOX"]) / "markers"
    for item in retry.items:
        assert (markers / f"{item.label}.log").read_text() == "applied\n"  # once, not twice
        assert item.service_request.state == "active"
    assert (markers / "finished").read_text() == f"job {retry.id} state present\n"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target == f"job:{job.id}")).all()
    assert "job.lost" in actions and "job.retried" in actions


def test_a_run_past_its_timeout_ends_timeout_and_leaves_no_process(engine_settings, app, workers):
    engine_settings["JOB_TIMEOUT_SECONDS"] = 4
    job = approve(count=1, options={"sleep": "32.5"})
    workers.start(engine_settings)
    job = finished(job.id, 40)
    assert job.state == "timeout"
    assert 4 <= job.duration < 12
    assert "longer than 4 s" in job.error
    assert job.items[0].status == "failed" and job.items[0].service_request.state == "failed"
    assert leftovers(engine_settings, "32.5") == []


def test_cancel_during_a_run_ends_canceled_within_5_seconds_and_leaves_no_process(engine_settings, app, workers):
    job = approve(count=1, options={"sleep": "33.5"})
    workers.start(engine_settings)
    assert wait_for(lambda: task_started(job.id, "Wait"), 60)
    assert wait_for(lambda: processes_mentioning("sleep 33.5"), 30)  # the run is really in its long task
    asked = time.monotonic()
    services.cancel(job.id, "sysadmin")
    assert wait_for(lambda: job_state(job.id) == "canceled", 5, 0.05)
    assert time.monotonic() - asked <= 5
    assert leftovers(engine_settings, "33.5") == []
    job = db.session.get(ProvisioningJob, job.id)
    assert "canceled" in job.error and job.items[0].service_request.state == "failed"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target == f"job:{job.id}")).all()
    assert "job.cancel_requested" in actions and "job.canceled" in actions


def test_a_stopping_worker_hands_its_job_back_and_another_worker_finishes_it(engine_settings, app, workers):
    job = approve(count=1, options={"sleep": "34.5", "sleep_once": True})
    first = workers.start(engine_settings)
    assert wait_for(lambda: task_started(job.id, "Wait"), 60)
    first.terminate()  # SIGTERM: a warm stop
    first.wait(15)
    assert leftovers(engine_settings, "34.5") == []
    assert job_state(job.id) == "queued"
    assert db.session.scalars(select(AuditEvent).filter_by(action="job.released")).one().target == f"job:{job.id}"
    workers.start(engine_settings)
    job = finished(job.id)
    assert job.state == "successful" and job.attempt == 1
    label = job.items[0].label
    assert (Path(engine_settings["SANDBOX"]) / "markers" / f"{label}.log").read_text() == "applied\n"
    counters = db.session.scalars(select(JobEvent.counter).where(JobEvent.job_id == job.id)).all()
    assert len(counters) == len(set(counters))  # the second run's events follow the first's


def test_redis_down_at_approval_still_commits_and_the_job_runs_once_redis_is_back(
        engine_settings, app, workers, tmp_path):
    from app import create_app

    port = free_port()
    redis = RedisServer(tmp_path / "redis", port)
    settings = {**engine_settings, "REDIS_URL": redis.url}
    other = create_app(settings)
    with other.app_context():
        job = approve(count=1)  # Redis is not running: the commit must still succeed
        job_id = job.id
        row = db.session.scalars(select(Outbox).where(Outbox.kind == "job")).one()
        assert row.dispatched_at is None and row.attempts == 1
        assert db.session.get(ProvisioningJob, job_id).state == "queued"
        redis.start()
        try:
            assert outbox.sweep(older_than_seconds=0) == 1
            db.session.remove()
            workers.start(settings)
            state = wait_for(lambda: job_state(job_id) in ("successful", "failed") and job_state(job_id), 60, 0.2)
            assert state == "successful"
        finally:
            workers.stop_all()
            workers.procs.clear()
            redis.stop()
            db.session.remove()
            db.engine.dispose()


def test_a_run_declared_lost_meanwhile_stops_and_leaves_the_lost_state_alone(engine_settings, app, workers):
    from sqlalchemy import update

    job = approve(count=1, options={"sleep": "36.5"})
    workers.start(engine_settings)
    assert wait_for(lambda: processes_mentioning("sleep 36.5"), 60)
    # What the sweeper does when it thinks the worker died (a long database stall, say).
    db.session.execute(update(ProvisioningJob).where(ProvisioningJob.id == job.id).values(state="lost"))
    db.session.commit()
    assert wait_for(lambda: leftovers(engine_settings, "36.5") == [], 10)
    time.sleep(1)
    job = db.session.get(ProvisioningJob, job.id)
    db.session.refresh(job)
    assert job.state == "lost" and job.finished_at is None and job.items[0].status == "pending"
