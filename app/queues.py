"""The one Redis connection per app, and the RQ queues alta uses (provision, mail)."""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis
from rq import Queue

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
