"""What the health page and /metrics read: RQ workers and queues, queued/failed jobs, the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rq import Worker
from sqlalchemy import func, select

from app.extensions import db
from app.models import JobState, Outbox, ProvisioningJob, utcnow
from app.queues import QUEUE_NAMES, get_queue, get_redis

# An idle RQ worker blocks on its queues for worker_ttl - 15 s (405 s by default) between heartbeats, and
# its registration expires after worker_ttl (420 s): a heartbeat older than that plus a margin is a dead
# worker whose key has not expired yet.
HEARTBEAT_STALE = timedelta(seconds=480)


@dataclass
class WorkerInfo:
    name: str
    hostname: str | None
    pid: int | None
    state: str
    queues: list[str]
    current_job: str | None
    last_heartbeat: datetime | None
    alive: bool


def workers() -> list[WorkerInfo]:
    """The RQ workers registered on alta's queues, with whether their heartbeat is recent."""
    now = utcnow()
    found = []
    for w in Worker.all(connection=get_redis()):
        queues = [q for q in w.queue_names() if q in QUEUE_NAMES]
        if not queues:
            continue
        beat = w.last_heartbeat
        if beat is not None and beat.tzinfo is None:
            beat = beat.replace(tzinfo=now.tzinfo)  # RQ stores naive UTC
        alive = beat is not None and now - beat < HEARTBEAT_STALE
        found.append(WorkerInfo(w.name, w.hostname, w.pid, str(w.get_state()), queues, w.get_current_job_id(),
                                beat, alive))
    return sorted(found, key=lambda w: w.name)


def worker_alive() -> bool:
    """True when at least one worker listens on alta's queues with a recent heartbeat. Redis down: False."""
    try:
        return any(w.alive for w in workers())
    except Exception:  # noqa: BLE001 - Redis down means no worker can take jobs either
        return False


def queue_depths() -> dict[str, int]:
    return {name: get_queue(name).count for name in QUEUE_NAMES}


def oldest_queued_job() -> ProvisioningJob | None:
    return db.session.scalars(select(ProvisioningJob).where(ProvisioningJob.state == JobState.QUEUED)
                              .order_by(ProvisioningJob.id).limit(1)).first()


def failed_since(since: datetime) -> int:
    failed = (JobState.FAILED, JobState.TIMEOUT, JobState.LOST)
    return db.session.scalar(select(func.count()).select_from(ProvisioningJob).where(
        ProvisioningJob.state.in_(failed), ProvisioningJob.finished_at >= since)) or 0


def undispatched_outbox() -> tuple[int, datetime | None]:
    """How many outbox rows are waiting to be handed to RQ, and when the oldest was written."""
    count, oldest = db.session.execute(select(func.count(), func.min(Outbox.created_at))
                                       .where(Outbox.dispatched_at.is_(None))).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=utcnow().tzinfo)  # an aggregate skips the column's type on SQLite
    return count or 0, oldest


@dataclass
class Health:
    workers: list[WorkerInfo]
    redis_error: str | None
    queue_depths: dict[str, int]
    oldest_queued: ProvisioningJob | None
    oldest_queued_age: timedelta | None
    failed_24h: int
    outbox_pending: int
    outbox_oldest_age: timedelta | None

    @property
    def worker_alive(self) -> bool:
        return any(w.alive for w in self.workers)


def health() -> Health:
    now = utcnow()
    redis_error = None
    try:
        found, depths = workers(), queue_depths()
    except Exception as exc:  # noqa: BLE001 - the page must still show what the database knows
        found, depths, redis_error = [], {}, f"{type(exc).__name__}: {exc}"[:300]
    oldest = oldest_queued_job()
    pending, outbox_oldest = undispatched_outbox()
    return Health(found, redis_error, depths, oldest, (now - oldest.queued_at) if oldest else None,
                  failed_since(now - timedelta(hours=24)), pending,
                  (now - outbox_oldest) if outbox_oldest else None)
