"""GET /healthz: is every part alta needs up? 200 only when database, redis, ldap and a worker are.
It also says which Redis role this process is connected to (master, or a replica it should not write to)
and how many workers are alive."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from app import directory, queues
from app.extensions import db, limiter

bp = Blueprint("health", __name__)


def _database() -> str | None:
    db.session.execute(text("SELECT 1"))
    return None


def _redis() -> str | dict | None:
    role = queues.role()
    if role != "master":
        return {"error": f"connected to a Redis {role}, which refuses writes", "role": role}
    return {"role": role}


def _ldap() -> str | None:
    directory.ping()
    return None


def _worker() -> str | dict | None:
    # The same rule as the console and its banner (app/queues.py): a registered worker is not enough,
    # its heartbeat must be recent.
    alive = sum(1 for w in queues.workers() if w.alive)
    if not alive:
        return {"error": "no worker with a recent heartbeat is listening on the provision and mail queues",
                "alive": 0}
    return {"alive": alive}


CHECKS = {"database": _database, "redis": _redis, "ldap": _ldap, "worker": _worker}


def status() -> dict[str, dict]:
    parts: dict[str, dict] = {}
    for name, check in CHECKS.items():
        details: dict = {}
        try:
            problem = check()
            if isinstance(problem, dict):
                details = dict(problem)
                problem = details.pop("error", None)
        except Exception as exc:  # noqa: BLE001 - any failure means the part is down
            current_app.logger.warning("healthz: %s is down: %s", name, exc)
            problem = f"{type(exc).__name__}: {exc}"[:300]
            if name == "database":
                db.session.rollback()
        parts[name] = {"ok": problem is None} | details | ({"error": problem} if problem else {})
    return parts


@bp.get("/healthz")
@limiter.exempt
def healthz():
    parts = status()
    down = [name for name, part in parts.items() if not part["ok"]]
    body = {"status": "ok" if not down else "down", "down": down, "parts": parts}
    return jsonify(body), (200 if not down else 503)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
