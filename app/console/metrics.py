"""GET /metrics in Prometheus' text format, computed from the database and Redis at scrape time.

Counts only: no names, addresses or uids. Public unless METRICS_TOKEN is set, in which case the scraper
must send `Authorization: Bearer <METRICS_TOKEN>` (Prometheus' `authorization` / `bearer_token` setting).
"""

from __future__ import annotations

from sqlalchemy import case, func, select

from app import queues
from app.console import monitor
from app.extensions import db
from app.models import Application, AuditEvent, DuesAccount, Member, ProvisioningJob, utcnow
from app.models.states import ApplicationState, DuesStanding, JobState, MemberState
from app.provisioning.planning import PLAYBOOKS

DURATION_BUCKETS = (1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
SIGNIN_FAILED_ACTION = "auth.failed"


def _escape(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items()) + "}"


class Exposition:
    def __init__(self):
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str) -> None:
        self.lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]

    def sample(self, name: str, value: float, **labels) -> None:
        number = int(value) if float(value).is_integer() else round(float(value), 6)
        self.lines.append(f"{name}{_labels(**labels)} {number}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _duration_seconds():
    """finished_at - started_at in seconds, in the database's own dialect."""
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", ProvisioningJob.finished_at - ProvisioningJob.started_at)
    return (func.julianday(ProvisioningJob.finished_at) - func.julianday(ProvisioningJob.started_at)) * 86400.0


def _duration_histogram(out: Exposition) -> None:
    seconds = _duration_seconds()
    columns = [func.sum(case((seconds <= le, 1), else_=0)) for le in DURATION_BUCKETS]
    rows = db.session.execute(
        select(ProvisioningJob.playbook, func.count(), func.sum(seconds), *columns)
        .where(ProvisioningJob.started_at.is_not(None), ProvisioningJob.finished_at.is_not(None))
        .group_by(ProvisioningJob.playbook).order_by(ProvisioningJob.playbook))
    out.family("alta_job_duration_seconds", "histogram", "Run time of finished provisioning jobs.")
    for playbook, count, total, *buckets in rows:
        for le, n in zip(DURATION_BUCKETS, buckets, strict=True):
            out.sample("alta_job_duration_seconds_bucket", n or 0, playbook=playbook, le=le)
        out.sample("alta_job_duration_seconds_bucket", count, playbook=playbook, le="+Inf")
        out.sample("alta_job_duration_seconds_sum", total or 0, playbook=playbook)
        out.sample("alta_job_duration_seconds_count", count, playbook=playbook)


def render() -> str:
    out = Exposition()
    # Every state of every enum is written, 0 when it has no rows: a series that vanishes breaks rate()
    # and alerts on "== 0".
    out.family("alta_applications", "gauge", "Applications by state.")
    counts = dict(db.session.execute(select(Application.state, func.count()).group_by(Application.state)).all())
    for state in sorted({*ApplicationState, *counts}):
        out.sample("alta_applications", counts.get(state, 0), state=state)

    out.family("alta_members", "gauge", "Members by state.")
    members = dict(db.session.execute(select(Member.state, func.count()).group_by(Member.state)).all())
    for state in sorted({*MemberState, *members}):
        out.sample("alta_members", members.get(state, 0), state=state)

    out.family("alta_dues_accounts", "gauge", "Members' dues accounts by standing.")
    standings = dict(db.session.execute(
        select(DuesAccount.standing, func.count()).group_by(DuesAccount.standing)).all())
    for standing in sorted({*DuesStanding, *standings}):
        out.sample("alta_dues_accounts", standings.get(standing, 0), standing=standing)

    out.family("alta_jobs", "gauge", "Provisioning jobs by state and playbook.")
    jobs = {(state, playbook): count for state, playbook, count in db.session.execute(
        select(ProvisioningJob.state, ProvisioningJob.playbook, func.count())
        .group_by(ProvisioningJob.state, ProvisioningJob.playbook))}
    states = sorted({*JobState, *(state for state, _ in jobs)})
    playbooks = sorted({*PLAYBOOKS.values(), *(playbook for _, playbook in jobs)})
    for state in states:
        for playbook in playbooks:
            out.sample("alta_jobs", jobs.get((state, playbook), 0), state=state, playbook=playbook)

    _duration_histogram(out)

    # Redis being down is its own gauge, not a sentinel depth: -1 jobs would poison sums and alerts.
    try:
        depths = monitor.queue_depths()
        alive, redis_up = sum(1 for w in queues.workers() if w.alive), 1
    except Exception:  # noqa: BLE001 - a scrape must still report what the database knows
        depths, alive, redis_up = {}, 0, 0
    out.family("alta_redis_up", "gauge", "1 when Redis answered this scrape, 0 when it did not.")
    out.sample("alta_redis_up", redis_up)
    out.family("alta_queue_depth", "gauge", "RQ jobs waiting in each queue (absent while Redis is unreachable).")
    for queue, depth in depths.items():
        out.sample("alta_queue_depth", depth, queue=queue)
    out.family("alta_workers_alive", "gauge", "RQ workers on alta's queues with a recent heartbeat.")
    out.sample("alta_workers_alive", alive)

    pending, oldest = monitor.undispatched_outbox()
    out.family("alta_outbox_pending", "gauge", "Outbox rows not yet handed to RQ.")
    out.sample("alta_outbox_pending", pending)
    out.family("alta_outbox_lag_seconds", "gauge", "Age of the oldest outbox row not yet handed to RQ.")
    out.sample("alta_outbox_lag_seconds", (utcnow() - oldest).total_seconds() if oldest else 0)

    failures = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == SIGNIN_FAILED_ACTION))
    out.family("alta_signin_failures_total", "counter", "Failed staff sign-ins (audit events auth.failed).")
    out.sample("alta_signin_failures_total", failures or 0)
    return out.text()
