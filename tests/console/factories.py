"""Rows for console tests: members, jobs in any state with items and events, audit events.

Jobs are written directly (not run): the console only reads them. Each factory flushes; the test commits.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from app.extensions import db
from app.models import ApplicationState, AuditEvent, JobEvent, JobItem, Member, ProvisioningJob, utcnow
from app.models.members import allocate
from tests.factories import make_application

_seq = itertools.count(1)


def make_member(uid: str | None = None, services=("hosting",), **fields) -> Member:
    uid = uid or f"console{next(_seq)}"
    application, _ = make_application(ApplicationState.APPROVED, services=services, username=uid, **fields)
    member = Member(application_id=application.id, uid=uid, uid_number=allocate(db.session, "uid_number"),
                    ldap_dn=f"uid={uid},ou=members,dc=alta,dc=coop", languages=["en"])
    db.session.add(member)
    db.session.flush()
    for request in application.service_requests:
        request.member_id = member.id
        request.state = "queued"
    db.session.flush()
    db.session.refresh(member)
    return member


def make_job(state: str = "successful", *, members: list[Member] | None = None, playbook: str = "hosting.yml",
             requested_by: str = "rita", events: int = 0, failed_hosts: int = 0, stdout: str | None = None,
             queued_minutes_ago: float = 10, duration: float = 30, parent: ProvisioningJob | None = None,
             item_status: str | None = None, kind: str | None = None, **fields) -> ProvisioningJob:
    """A job with one item per member's request of the playbook's kind, and `events` task results."""
    now = utcnow()
    queued = now - timedelta(minutes=queued_minutes_ago)
    started = queued + timedelta(seconds=5) if state != "queued" else None
    finished = started + timedelta(seconds=duration) if state not in ("queued", "running") else None
    job = ProvisioningJob(playbook=playbook, state=state, requested_by=requested_by, queued_at=queued,
                          started_at=started, finished_at=finished, rc=fields.pop("rc", 0 if finished else None),
                          stdout=stdout, attempt=parent.attempt + 1 if parent else 1,
                          parent_id=parent.id if parent else None, **fields)
    db.session.add(job)
    kind = kind or playbook.removesuffix(".yml")  # which of the members' requests the job covers
    default_status = {"successful": "ok", "failed": "failed", "queued": "pending", "running": "pending"}
    for member in members or []:
        for request in member.service_requests:
            if request.kind == kind:
                job.items.append(JobItem(service_request_id=request.id, label=member.uid,
                                         status=item_status or default_status.get(state, "failed")))
    db.session.flush()
    add_events(job, events, failed_hosts=failed_hosts)
    return job


def add_events(job: ProvisioningJob, count: int, *, start: int = 0, failed_hosts: int = 0,
               status: str = "ok") -> list[JobEvent]:
    rows = []
    labels = [i.label for i in job.items] or [None]
    for n in range(start + 1, start + count + 1):
        host = "localhost"
        failed = n <= failed_hosts
        rows.append(JobEvent(job_id=job.id, counter=n, event="runner_on_failed" if failed else "runner_on_ok",
                             host=host, task=f"task {n}", item_label=labels[n % len(labels)],
                             status="failed" if failed else status, changed=n % 2 == 0, duration=0.5,
                             data={"res": {"msg": "done"}}))
    db.session.add_all(rows)
    db.session.flush()
    return rows


def make_audit_events(count: int, *, actor: str = "rita", action: str = "application.approved",
                      days_ago: float = 1) -> None:
    """Bulk audit events (core insert: fast enough for 100,000)."""
    at = utcnow() - timedelta(days=days_ago)
    rows = [{"at": at + timedelta(milliseconds=n), "actor": actor, "action": action, "target": f"application:{n}",
             "details": {"n": n, "note": "Ñandú 名前 😀"}, "ip": "203.0.113.9"} for n in range(count)]
    for start in range(0, count, 10000):
        db.session.execute(AuditEvent.__table__.insert(), rows[start:start + 10000])
    db.session.flush()
