"""A job whose run needs something that does not answer waits instead of failing (issue 12, finding 7):
the wait doubles and is capped, a cancel asked meanwhile still ends the job, and a directory that answers
but refuses (wrong service password) still fails it at once. The full outage, with slapd really stopped,
is in tests/members/test_directory_down.py."""

from __future__ import annotations

from sqlalchemy import update

from app.extensions import db
from app.models import ItemStatus, JobState, ProvisioningJob
from app.provisioning import finish, hooks, tasks
from tests.provisioning.conftest import approve


def test_the_wait_doubles_from_the_backoff_and_stops_growing_at_the_cap(engine_settings, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RETRY_BACKOFF_SECONDS", 30)
    monkeypatch.setitem(app.config, "JOB_RETRY_BACKOFF_MAX_SECONDS", 900)
    assert [finish.wait_delay(n) for n in range(7)] == [30, 60, 120, 240, 480, 900, 900]
    assert finish.wait_delay(10_000) == 900  # a week-long outage: still a number, still the cap


def test_a_cancel_asked_while_the_directory_is_down_ends_the_job_canceled_instead_of_waiting(engine_settings, app):
    job = approve()

    def cancel_then_find_it_down(job):
        db.session.execute(update(ProvisioningJob).where(ProvisioningJob.id == job.id).values(cancel_requested=True))
        db.session.commit()
        raise hooks.Unavailable("the directory (LDAP at ldap://127.0.0.1:1)", "connection refused")

    app.extensions[hooks.EXTENSION].before_run.insert(0, cancel_then_find_it_down)
    assert tasks.run_job(job.id) == JobState.CANCELED
    db.session.rollback()
    job = db.session.get(ProvisioningJob, job.id)
    assert job.state == JobState.CANCELED and job.not_before is None
    assert [item.status for item in job.items] == [ItemStatus.FAILED]


def test_a_directory_that_answers_but_refuses_still_fails_the_job_at_once(engine_settings, app, monkeypatch):
    job = approve()
    monkeypatch.setitem(app.config, "LDAP_SERVICE_PASSWORD", "not-the-service-password")
    assert tasks.run_job(job.id) == JobState.FAILED
    db.session.rollback()
    job = db.session.get(ProvisioningJob, job.id)
    assert job.state == JobState.FAILED and job.not_before is None and "invalidCredentials" in job.error
