"""Transactional outbox: rows written with the state change, pushed to RQ only after the commit.

Services just add rows with `outbox.add(...)` and commit once. A session listener remembers the rows
flushed in the transaction and, after the commit, enqueues them (RQ job id `job-<id>` or `mail-<id>`,
with only the id as argument). If Redis is down the rows stay undispatched and `sweep()` re-pushes them.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Outbox, utcnow
from app.queues import get_queue

log = logging.getLogger(__name__)

# kind → (queue, dotted task path, RQ job id prefix, payload key holding the task's argument)
ROUTES = {
    "job": ("provision", "app.provisioning.tasks.run_job", "job", "job_id"),
    "mail": ("mail", "app.mail.deliver", "mail", None),
}


def add(kind: str, **payload) -> Outbox:
    """Record work for after the commit. Payload: ids and names only, never personal data or secrets."""
    if kind not in ROUTES:
        raise ValueError(f"unknown outbox kind {kind!r}")
    row = Outbox(kind=kind, payload=payload)
    db.session.add(row)
    return row


def rq_job_id(row: Outbox) -> str:
    _queue, _task, prefix, key = ROUTES[row.kind]
    return f"{prefix}-{row.payload[key] if key else row.id}"


def push(rows: list[Outbox]) -> int:
    """Enqueue rows on RQ and mark them dispatched; returns how many went. Redis errors are logged."""
    sent = []
    for row in rows:
        queue_name, task, _prefix, key = ROUTES[row.kind]
        argument = row.payload[key] if key else row.id
        timeout = current_app.config["JOB_TIMEOUT_SECONDS"] + 120 if row.kind == "job" else 120
        try:
            get_queue(queue_name).enqueue(task, argument, job_id=rq_job_id(row), job_timeout=timeout,
                                          result_ttl=3600, failure_ttl=7 * 86400)
        except Exception as exc:  # noqa: BLE001 - Redis down or refusing: the sweeper retries
            log.warning("outbox %s not dispatched: %s", row.id, exc)
            db.session.execute(update(Outbox).where(Outbox.id == row.id)
                               .values(attempts=Outbox.attempts + 1, last_error=str(exc)[:500]))
            continue
        sent.append(row.id)
    if sent:
        db.session.execute(update(Outbox).where(Outbox.id.in_(sent)).values(dispatched_at=utcnow()))
    db.session.commit()
    return len(sent)


def sweep(older_than_seconds: int = 30, redeliver_after_seconds: int = 600) -> int:
    """Re-push rows never dispatched, and mail rows dispatched long ago but still not done."""
    now = utcnow()
    rows = db.session.scalars(
        select(Outbox).where(
            Outbox.done_at.is_(None),
            (Outbox.dispatched_at.is_(None) & (Outbox.created_at < now - timedelta(seconds=older_than_seconds)))
            | ((Outbox.kind == "mail")
               & (Outbox.dispatched_at < now - timedelta(seconds=redeliver_after_seconds))),
        ).order_by(Outbox.id).limit(500)
    ).all()
    return push(rows) if rows else 0


@event.listens_for(Session, "after_flush")
def _remember_new_rows(session: Session, _flush_context) -> None:
    new = [obj for obj in session.new if isinstance(obj, Outbox)]
    if new:
        session.info.setdefault("alta_outbox", []).extend(new)


@event.listens_for(Session, "after_rollback")
def _forget_rows(session: Session) -> None:
    session.info.pop("alta_outbox", None)


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    rows = session.info.pop("alta_outbox", None)
    if not rows or not has_app_context() or current_app.config.get("OUTBOX_AUTODISPATCH") is False:
        return
    ids = [row.id for row in rows]
    # Run outside this session's finished transaction: a fresh one marks the rows dispatched.
    with current_app.app_context():
        pending = db.session.scalars(select(Outbox).where(Outbox.id.in_(ids))).all()
        push(pending)
