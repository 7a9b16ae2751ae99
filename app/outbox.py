"""Transactional outbox: rows written with the state change, pushed to RQ only after the commit.

Services just add rows with `outbox.add(...)` and commit once. A session listener remembers the rows
flushed in the transaction and, after the commit, enqueues them (RQ job id `job-<id>` or `mail-<id>`,
with only the id as argument).

A row is written already marked dispatched (the model's default), so the usual path costs no second
transaction: only a push that fails clears `dispatched_at` (and counts the attempt), and `sweep()`
re-pushes those. A process that
dies between the commit and the push leaves a row marked dispatched that never reached Redis; the
sweepers' second nets catch it: mail rows not done after `redeliver_after_seconds` are pushed again,
and queued jobs that Redis does not hold are re-queued (app/provisioning/sweeper.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Outbox, utcnow
from app.queues import get_queue

log = logging.getLogger(__name__)

EXTENSION = "alta_outbox_routes"


@dataclass(frozen=True)
class Route:
    """Where rows of one kind go: an RQ queue, the task, its RQ id prefix, the payload key it takes."""

    queue: str
    task: Callable
    id_prefix: str
    argument_key: str | None  # None: the task takes the outbox row's id


def route(app: Flask, kind: str, *, queue: str, task: Callable, id_prefix: str,
          argument_key: str | None = None) -> None:
    """Declare a kind of outbox row (the engine and the mail module call this from their init_app)."""
    routes = app.extensions.setdefault(EXTENSION, {})
    routes[kind] = Route(queue, task, id_prefix, argument_key)


def _route(kind: str) -> Route:
    routes = current_app.extensions.get(EXTENSION, {})
    if kind not in routes:
        raise ValueError(f"unknown outbox kind {kind!r}")
    return routes[kind]


@dataclass(frozen=True)
class Pending:
    """What a push needs of a row, copied at flush time so that no query is needed after the commit."""

    id: int
    kind: str
    payload: dict

    @classmethod
    def of(cls, row: Outbox) -> Pending:
        return cls(row.id, row.kind, dict(row.payload))


def add(kind: str, **payload) -> Outbox:
    """Record work for after the commit. Payload: ids and names only, never personal data or secrets."""
    _route(kind)
    row = Outbox(kind=kind, payload=payload)
    db.session.add(row)
    return row


def rq_job_id(row: Outbox | Pending) -> str:
    r = _route(row.kind)
    return f"{r.id_prefix}-{row.payload[r.argument_key] if r.argument_key else row.id}"


def _enqueue(item: Pending) -> str | None:
    """Push one row to RQ; returns the error text when Redis refused or was unreachable."""
    r = _route(item.kind)
    argument = item.payload[r.argument_key] if r.argument_key else item.id
    timeout = current_app.config["JOB_TIMEOUT_SECONDS"] + 120 if item.kind == "job" else 120
    try:
        get_queue(r.queue).enqueue(r.task, argument, job_id=rq_job_id(item), job_timeout=timeout,
                                      result_ttl=3600, failure_ttl=7 * 86400)
    except Exception as exc:  # noqa: BLE001 - Redis down or refusing: the sweeper retries
        log.warning("outbox %s not dispatched: %s", item.id, exc)
        return str(exc)[:500]
    return None


def push(items: list[Pending]) -> int:
    """Enqueue rows on RQ; a failed row is marked undispatched for the sweeper, a sent one dispatched.
    Returns how many went."""
    sent, failed = [], {}
    for item in items:
        error = _enqueue(item)
        if error is None:
            sent.append(item.id)
        else:
            failed[item.id] = error
    for row_id, error in failed.items():
        db.session.execute(update(Outbox).where(Outbox.id == row_id)
                           .values(dispatched_at=None, attempts=Outbox.attempts + 1, last_error=error))
    if sent:
        db.session.execute(update(Outbox).where(Outbox.id.in_(sent), Outbox.dispatched_at.is_(None))
                           .values(dispatched_at=utcnow()))
    db.session.commit()
    return len(sent)


def again(kind: str, key: str, value: int, error: str) -> int:
    """The task of the `kind` rows whose payload[key] == value could not do its work now (something it
    needs is down): mark them undispatched, so that the sweeper pushes them again. Commits; returns how many."""
    again_rows = db.session.execute(
        update(Outbox).where(Outbox.kind == kind, Outbox.done_at.is_(None),
                             Outbox.payload[key].as_integer() == int(value))
        .values(dispatched_at=None, attempts=Outbox.attempts + 1, last_error=error[:500])
    ).rowcount
    db.session.commit()
    return again_rows


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
    return push([Pending.of(row) for row in rows]) if rows else 0


@event.listens_for(Session, "after_flush")
def _remember_new_rows(session: Session, _flush_context) -> None:
    new = [Pending.of(obj) for obj in session.new if isinstance(obj, Outbox)]
    if new:
        session.info.setdefault("alta_outbox", []).extend(new)


@event.listens_for(Session, "after_rollback")
def _forget_rows(session: Session) -> None:
    session.info.pop("alta_outbox", None)


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    items = session.info.pop("alta_outbox", None)
    if not items or not has_app_context() or current_app.config.get("OUTBOX_AUTODISPATCH") is False:
        return
    failed = {item.id: error for item in items if (error := _enqueue(item)) is not None}
    if not failed:
        return  # the rows were written marked dispatched: nothing more to record
    # Run outside this session's finished transaction: a fresh one records the failures.
    with current_app.app_context():
        for row_id, error in failed.items():
            db.session.execute(update(Outbox).where(Outbox.id == row_id)
                               .values(dispatched_at=None, attempts=Outbox.attempts + 1, last_error=error))
        db.session.commit()
