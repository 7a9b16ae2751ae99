"""GET /healthz: is every part alta needs up? 200 only when database, redis, ldap and a worker are."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from rq import Worker
from sqlalchemy import text

from app import directory
from app.extensions import db, limiter
from app.queues import QUEUE_NAMES, get_redis

bp = Blueprint("health", __name__)


def _database() -> str | None:
    db.session.execute(text("SELECT 1"))
    return None


def _redis() -> str | None:
    get_redis().ping()
    return None


def _ldap() -> str | None:
    directory.ping()
    return None


def _worker() -> str | None:
    workers = [w for w in Worker.all(connection=get_redis()) if set(w.queue_names()) & set(QUEUE_NAMES)]
    if not workers:
        return "no worker is listening on the provision and mail queues"
    return None


CHECKS = {"database": _database, "redis": _redis, "ldap": _ldap, "worker": _worker}


def status() -> dict[str, dict]:
    parts: dict[str, dict] = {}
    for name, check in CHECKS.items():
        try:
            problem = check()
        except Exception as exc:  # noqa: BLE001 - any failure means the part is down
            current_app.logger.warning("healthz: %s is down: %s", name, exc)
            problem = f"{type(exc).__name__}: {exc}"[:300]
            if name == "database":
                db.session.rollback()
        parts[name] = {"ok": problem is None} | ({"error": problem} if problem else {})
    return parts


@bp.get("/healthz")
@limiter.exempt
def healthz():
    parts = status()
    down = [name for name, part in parts.items() if not part["ok"]]
    body = {"status": "ok" if not down else "down", "down": down, "parts": parts}
    return jsonify(body), (200 if not down else 503)
