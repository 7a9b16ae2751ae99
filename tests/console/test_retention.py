"""`flask jobs prune`: old events and stdout go, every job's summary stays, the counts are reported."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from app.extensions import db
from app.models import AuditEvent, JobEvent, JobItem, ProvisioningJob, utcnow
from tests.console.factories import make_job, make_member


def _age(job: ProvisioningJob, days: int) -> None:
    then = utcnow() - timedelta(days=days)
    db.session.execute(update(ProvisioningJob).where(ProvisioningJob.id == job.id)
                       .values(queued_at=then, started_at=then, finished_at=then))
    db.session.execute(update(JobEvent).where(JobEvent.job_id == job.id).values(created_at=then))


def test_prune_removes_old_events_and_stdout_but_keeps_job_summaries(app):
    member = make_member("ramona")
    old = make_job("failed", members=[member], events=30, failed_hosts=2, stdout="PLAY RECAP ...", rc=2)
    recent = make_job("successful", members=[member], events=10, stdout="ok")
    running = make_job("running", members=[member], events=5)
    _age(old, 100)
    _age(running, 100)  # still running: its events are kept whatever their age
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["jobs", "prune", "--older-than-days", "90"])
    assert result.exit_code == 0, result.output
    assert "removed 30 events and the stdout of 1 jobs" in result.output

    db.session.expire_all()
    counts = dict(db.session.execute(select(JobEvent.job_id, func.count()).group_by(JobEvent.job_id)).all())
    assert counts == {recent.id: 10, running.id: 5}
    kept = db.session.get(ProvisioningJob, old.id)
    assert (kept.state, kept.rc, kept.stdout) == ("failed", 2, None)
    assert db.session.scalar(select(func.count()).select_from(JobItem).where(JobItem.job_id == old.id)) == 1
    assert db.session.get(ProvisioningJob, recent.id).stdout == "ok"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "jobs.pruned")).one()
    assert event.details == {"older_than_days": 90, "events": 30, "stdouts": 1}


def test_prune_refuses_a_missing_or_zero_age(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["jobs", "prune"]).exit_code != 0
    assert runner.invoke(args=["jobs", "prune", "--older-than-days", "0"]).exit_code != 0
    assert runner.invoke(args=["jobs", "prune", "--older-than-days", "abc"]).exit_code != 0
