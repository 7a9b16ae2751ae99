"""Read-only queries of the console: job list (filters + keyset pagination), job detail parts, audit log."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, JobEvent, JobItem, Member, ProvisioningJob, ServiceRequest
from app.params import day_end, day_start

PAGE_SIZE = 50
EVENT_PAGE_SIZE = 200
AUDIT_PAGE_SIZE = 100


@dataclass
class JobFilters:
    state: str = ""
    playbook: str = ""
    member: str = ""
    requester: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def query_args(self) -> dict:
        """The filters as query-string arguments (for links that keep them)."""
        args = {"state": self.state, "playbook": self.playbook, "member": self.member,
                "requester": self.requester, "date_from": self.date_from, "date_to": self.date_to}
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in args.items() if v}


@dataclass
class Page:
    rows: list
    next_cursor: int | None = None
    extras: dict = field(default_factory=dict)


def list_jobs(filters: JobFilters, before_id: int | None = None, limit: int = PAGE_SIZE) -> Page:
    """Newest first, `limit` jobs with id < before_id. Keyset, so page 2,000 costs what page 1 does."""
    query = select(ProvisioningJob)
    if filters.state:
        query = query.where(ProvisioningJob.state == filters.state)
    if filters.playbook:
        query = query.where(ProvisioningJob.playbook == filters.playbook)
    if filters.requester:
        query = query.where(ProvisioningJob.requested_by == filters.requester)
    if filters.member:
        covered = (select(JobItem.job_id).join(ServiceRequest, ServiceRequest.id == JobItem.service_request_id)
                   .join(Member, Member.id == ServiceRequest.member_id).where(Member.uid == filters.member))
        query = query.where(ProvisioningJob.id.in_(covered))
    if filters.date_from:
        query = query.where(ProvisioningJob.queued_at >= day_start(filters.date_from))
    if filters.date_to and day_end(filters.date_to):
        query = query.where(ProvisioningJob.queued_at < day_end(filters.date_to))
    if before_id:
        query = query.where(ProvisioningJob.id < before_id)
    jobs = list(db.session.scalars(query.order_by(ProvisioningJob.id.desc()).limit(limit + 1)))
    next_cursor = jobs[limit - 1].id if len(jobs) > limit else None
    jobs = jobs[:limit]
    return Page(jobs, next_cursor, {"labels": item_labels([j.id for j in jobs])})


def item_labels(job_ids: list[int]) -> dict[int, list[str]]:
    """The members (item labels) each job covers, in one query for the whole page."""
    labels: dict[int, list[str]] = defaultdict(list)
    if job_ids:
        rows = db.session.execute(select(JobItem.job_id, JobItem.label).where(JobItem.job_id.in_(job_ids))
                                  .order_by(JobItem.id))
        for job_id, label in rows:
            labels[job_id].append(label)
    return labels


def playbooks() -> list[str]:
    from app.provisioning.planning import PLAYBOOKS

    return sorted(PLAYBOOKS.values())


def attempt_chain(job: ProvisioningJob) -> list[ProvisioningJob]:
    """Every attempt of the same work, first to last: walk up the parents, then down the children."""
    root = job
    seen = {job.id}
    while root.parent_id and root.parent_id not in seen:
        root = db.session.get(ProvisioningJob, root.parent_id)
        seen.add(root.id)
    chain = [root]
    while len(chain) < 100:  # a relaunch loop this long means something else is wrong; stop listing
        child = db.session.scalars(select(ProvisioningJob).where(ProvisioningJob.parent_id == chain[-1].id)
                                   .order_by(ProvisioningJob.id).limit(1)).first()
        if child is None:
            break
        chain.append(child)
    return chain


RECAP_STATUSES = ("ok", "changed", "failed", "skipped", "unreachable")


def host_recap(job_id: int) -> dict[str, dict[str, int]]:
    """Like Ansible's PLAY RECAP: per host, how many task results were ok/changed/failed/skipped/unreachable."""
    rows = db.session.execute(
        select(JobEvent.host, JobEvent.status, JobEvent.changed, func.count())
        # One result per task and host, as Ansible counts them: a loop's per-item events are not added again.
        .where(JobEvent.job_id == job_id, JobEvent.host.is_not(None), JobEvent.status.is_not(None),
               ~JobEvent.event.startswith("runner_item_", autoescape=True))
        .group_by(JobEvent.host, JobEvent.status, JobEvent.changed))
    recap: dict[str, dict[str, int]] = {}
    for host, status, changed, count in rows:
        counts = recap.setdefault(host, dict.fromkeys(RECAP_STATUSES, 0))
        if status in counts:
            counts[status] += count
        # Ansible counts a changed result as ok too.
        if changed and status == "ok":
            counts["changed"] += count
    return dict(sorted(recap.items()))


def events(job_id: int, after_counter: int = 0, limit: int = EVENT_PAGE_SIZE) -> list[JobEvent]:
    """The timeline, in order, from the event after `after_counter` (the (job_id, counter) unique index)."""
    return list(db.session.scalars(
        select(JobEvent).where(JobEvent.job_id == job_id, JobEvent.counter > after_counter)
        .order_by(JobEvent.counter).limit(limit)))


@dataclass
class AuditFilters:
    actor: str = ""
    action: str = ""
    target: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def query_args(self) -> dict:
        args = {"actor": self.actor, "action": self.action, "target": self.target,
                "date_from": self.date_from, "date_to": self.date_to}
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in args.items() if v}


def audit_query(filters: AuditFilters):
    query = select(AuditEvent)
    if filters.actor:
        query = query.where(AuditEvent.actor == filters.actor)
    if filters.action:
        # "job." lists every job action; an exact name lists one.
        if filters.action.endswith("."):
            query = query.where(AuditEvent.action.startswith(filters.action, autoescape=True))
        else:
            query = query.where(AuditEvent.action == filters.action)
    if filters.target:
        query = query.where(AuditEvent.target == filters.target)
    if filters.date_from:
        query = query.where(AuditEvent.at >= day_start(filters.date_from))
    if filters.date_to and day_end(filters.date_to):
        query = query.where(AuditEvent.at < day_end(filters.date_to))
    return query


def list_audit(filters: AuditFilters, before_id: int | None = None, limit: int = AUDIT_PAGE_SIZE) -> Page:
    query = audit_query(filters)
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    rows = list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit + 1)))
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return Page(rows[:limit], next_cursor)
