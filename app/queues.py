"""The one Redis connection per app, the RQ queues alta uses (provision, mail), and whether a worker is alive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from redis import Redis
from rq import Queue, Worker

from app.models import utcnow

QUEUE_NAMES = ("provision", "mail")


def redis_for(app: Flask) -> Redis:
    conn = app.extensions.get("alta_redis")
    if conn is None:
        conn = Redis.from_url(app.config["REDIS_URL"], socket_timeout=3, socket_connect_timeout=2)
        app.extensions["alta_redis"] = conn
    return conn


def get_redis() -> Redis:
    return redis_for(current_app)


def get_queue(name: str, connection: Redis | None = None) -> Queue:
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(name, connection=connection or get_redis())


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
    """The liveness rule (for /healthz, the console and its banner): at least one worker listens on alta's
    queues with a recent heartbeat. Redis down: False."""
    try:
        return any(w.alive for w in workers())
    except Exception:  # noqa: BLE001 - Redis down means no worker can take jobs either
        return False
