"""What the health page and /metrics read: RQ workers and queues, queued/failed jobs, the outbox.

Whether a worker is alive is decided in one place, app/queues.py, which /healthz uses too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import JobState, Outbox, ProvisioningJob, utcnow
from app.models.states import UNSUCCESSFUL_JOB_STATES
from app.queues import QUEUE_NAMES, WorkerInfo, get_queue, workers


def queue_depths() -> dict[str, int]:
    return {name: get_queue(name).count for name in QUEUE_NAMES}


def oldest_queued_job() -> ProvisioningJob | None:
    return db.session.scalars(select(ProvisioningJob).where(ProvisioningJob.state == JobState.QUEUED)
                              .order_by(ProvisioningJob.id).limit(1)).first()


def failed_since(since: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(ProvisioningJob).where(
        ProvisioningJob.state.in_(UNSUCCESSFUL_JOB_STATES), ProvisioningJob.finished_at >= since)) or 0


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
