"""slapd down (issue 12, finding 7): sign-in says so in the person's language (never a 500), an approval
still commits, and its provisioning job waits and is tried again with a growing wait, saying so in plain
words, then runs exactly once when the directory is back: one entry, one activation email, nothing lost.

The session's own slapd is stopped and started again (its data stays on disk), as a real outage would.
"""

from __future__ import annotations

import time
from datetime import UTC

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, ItemStatus, JobEvent, JobState, Member, ProvisioningJob, ServiceRequest, utcnow
from app.provisioning import sweeper
from app.provisioning.finish import WAIT_EVENT
from tests.auth.conftest import sign_in as staff_sign_in
from tests.factories import make_application
from tests.support import members_in_directory

ROSA_PASSWORD = "Rosa-directory-down-1"


@pytest.fixture
def slapd(clean_state):
    """The session's slapd, to stop and start; always running again after the test."""
    yield clean_state.slapd
    if clean_state.slapd.process is None:
        clean_state.slapd.start()


def _page(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("language", "words"), [
    ("en", "Sign-in is not available right now."), ("es", "Por ahora no se puede entrar. Intenta de nuevo")])
def test_staff_sign_in_with_the_directory_down_says_so_in_the_persons_language(
        app, client, form, staff, slapd, language, words):
    password = staff.create("pat", "support")
    slapd.stop()
    response = form.post(client, "/login", {"username": "pat", "password": password},
                         get_url=f"/login?lang={language}")
    assert response.status_code == 200 and words in _page(response) and f'lang="{language}"' in _page(response)
    slapd.start()
    assert form.post(client, "/login", {"username": "pat", "password": password}).status_code == 303


@pytest.mark.parametrize(("language", "words"), [
    ("en", "Signing in is not available right now."), ("es", "Por ahora no se puede entrar. Inténtalo")])
def test_member_sign_in_with_the_directory_down_says_so_in_the_persons_language(
        app, client, form, slapd, language, words):
    from tests.portal.conftest import PASSWORD, signed_up_member

    signed_up_member("rosa")
    slapd.stop()
    response = form.post(client, "/me/sign-in", {"identity": "rosa", "password": PASSWORD},
                         get_url=f"/me/sign-in?lang={language}")
    assert response.status_code == 200 and words in _page(response) and f'lang="{language}"' in _page(response)
    slapd.start()
    assert form.post(client, "/me/sign-in", {"identity": "rosa", "password": PASSWORD}).status_code == 303


def _activation_letters(mailbox, address: str) -> list:
    return [m for m in mailbox.to(address) if "/activate/" in m.get_body(preferencelist=("plain",)).get_content()]


def _seconds_until(moment) -> float:
    return (moment.replace(tzinfo=UTC) - utcnow().replace(tzinfo=UTC)).total_seconds()


def _sweep_when_due(job_id: int) -> sweeper.SweepReport:
    """Sleep until the job's wait is over, then sweep (as every worker does every few seconds)."""
    db.session.rollback()
    not_before = db.session.get(ProvisioningJob, job_id).not_before
    time.sleep(max(0.0, _seconds_until(not_before)) + 0.05)
    db.session.rollback()
    return sweeper.sweep()


def test_approval_with_the_directory_down_commits_and_its_job_waits_then_provisions_exactly_once(
        mailbox, app, form, staff, drain, clean_state, slapd, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RETRY_BACKOFF_SECONDS", 1)
    monkeypatch.setitem(app.config, "JOB_RETRY_BACKOFF_MAX_SECONDS", 60)
    application, _token = make_application(services=("hosting",), email="lucia@example.org")
    db.session.commit()
    staff.create("rosa", "support", password=ROSA_PASSWORD)
    reviewer = app.test_client()
    staff_sign_in(reviewer, form, "rosa", ROSA_PASSWORD)
    staff.create("sam", "sysadmins", password=ROSA_PASSWORD)
    sysadmin = app.test_client()
    staff_sign_in(sysadmin, form, "sam", ROSA_PASSWORD)
    detail = f"/review/{application.id}"
    token = form.token(reviewer, detail)

    slapd.stop()
    response = reviewer.post(f"{detail}/approve", data={"csrf_token": token, "reason": ""})
    assert response.status_code == 303 and response.headers["Location"].endswith(detail)
    db.session.rollback()
    assert db.session.get(type(application), application.id).state == "approved"
    member = db.session.scalars(select(Member)).one()
    job = db.session.scalars(select(ProvisioningJob)).one()

    drain()  # the worker takes the job: the directory does not answer
    db.session.rollback()
    job = db.session.get(ProvisioningJob, job.id)
    assert job.state == JobState.QUEUED and job.not_before is not None, job.error
    assert 0 < _seconds_until(job.not_before) <= 1.5
    assert "the directory (LDAP at ldap://" in job.error and "was unreachable" in job.error
    assert "Connection refused" in job.error and "will be tried again at" in job.error
    assert [i.status for i in job.items] == [ItemStatus.PENDING]
    assert db.session.scalars(select(ServiceRequest.state)).all() == ["queued"]
    (event,) = db.session.scalars(select(JobEvent).where(JobEvent.job_id == job.id)).all()
    assert event.event == WAIT_EVENT and event.task == job.error and event.data["retry_in_seconds"] == 1
    # What the sysadmin on call sees on the job's page: why it waits, and when it tries again.
    page = _page(sysadmin.get(f"/jobs/{job.id}")).replace("&#39;", "'")
    assert "was unreachable" in page and f"will be tried again at {job.not_before:%Y-%m-%d %H:%M:%S} UTC" in page
    assert drain() == 0  # nothing is pushed before the wait is over
    assert not sweeper.sweep().released

    # Still down at the next try: it waits again, twice as long, and says so.
    first_wait_until = job.not_before
    assert _sweep_when_due(job.id).released == [job.id]
    drain()
    db.session.rollback()
    job = db.session.get(ProvisioningJob, job.id)
    assert job.state == JobState.QUEUED and (job.not_before - first_wait_until).total_seconds() >= 2
    assert "in 2 s; wait 2" in job.error
    waits = db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "job.waiting")).all()
    assert [w["retry_in_seconds"] for w in waits] == [1, 2]

    slapd.start()
    assert _sweep_when_due(job.id).released == [job.id]
    drain()  # the job, then the activation email it queues
    db.session.rollback()
    job = db.session.get(ProvisioningJob, job.id)
    assert job.state == JobState.SUCCESSFUL and job.error is None and job.not_before is None
    assert db.session.scalar(select(func.count()).select_from(ProvisioningJob)) == 1  # the same job, no new attempt
    assert db.session.scalars(select(ServiceRequest.state)).all() == ["active"]
    assert members_in_directory(clean_state) == [f"uid={member.uid},ou=members,{clean_state.slapd.base_dn}"]
    assert len(_activation_letters(mailbox, "lucia@example.org")) == 1

    sweeper.sweep()  # nothing more to do: no second run, no second email
    drain()
    assert len(_activation_letters(mailbox, "lucia@example.org")) == 1
    assert db.session.get(ProvisioningJob, job.id).state == JobState.SUCCESSFUL


def test_a_member_without_services_approved_with_the_directory_down_gets_their_entry_once_it_is_back(
        mailbox, app, form, staff, drain, clean_state, slapd):
    from app.models import Outbox

    application, _token = make_application(services=(), email="tomas@example.org")
    db.session.commit()
    staff.create("rosa", "support", password=ROSA_PASSWORD)
    reviewer = app.test_client()
    staff_sign_in(reviewer, form, "rosa", ROSA_PASSWORD)
    detail = f"/review/{application.id}"
    token = form.token(reviewer, detail)

    slapd.stop()
    assert reviewer.post(f"{detail}/approve", data={"csrf_token": token, "reason": ""}).status_code == 303
    drain()  # the member's entry task: the directory does not answer
    db.session.rollback()
    member = db.session.scalars(select(Member)).one()
    row = db.session.scalars(select(Outbox).where(Outbox.kind == "member_entry")).one()
    assert row.dispatched_at is None and row.attempts == 1 and "was unreachable" in row.last_error
    assert sweeper.sweep(outbox_age_seconds=0).dispatched == 1  # still down: pushed, back again
    drain()
    db.session.rollback()
    assert db.session.get(Outbox, row.id).attempts == 2 and db.session.get(Outbox, row.id).dispatched_at is None

    slapd.start()
    assert sweeper.sweep(outbox_age_seconds=0).dispatched == 1
    drain()
    db.session.rollback()
    assert db.session.get(Outbox, row.id).dispatched_at is not None
    assert members_in_directory(clean_state) == [f"uid={member.uid},ou=members,{clean_state.slapd.base_dn}"]
    assert len(_activation_letters(mailbox, "tomas@example.org")) == 1
    assert sweeper.sweep(outbox_age_seconds=0).dispatched == 0
    drain()
    assert len(_activation_letters(mailbox, "tomas@example.org")) == 1
