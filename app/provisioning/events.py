"""Event ingestion: ansible-runner events → redacted JobEvent rows, written in batches, and item results.

The recorder is ansible-runner's event handler. It does no query per event: rows are buffered and
inserted with one executemany per batch (AWX's lesson), and the outcome of each item (by its loop
label) is tracked in memory for the end of the run.
"""

from __future__ import annotations

import json
import time
from datetime import datetime

from sqlalchemy import func, insert, select

from app.extensions import db
from app.models import JobEvent, utcnow
from app.provisioning.redaction import redact, redact_text

# Events that only repeat what others say (per-host task start, raw verbose lines).
SKIPPED_EVENTS = {"verbose", "runner_on_start", "runner_item_on_start"}
FAILED_EVENTS = {"runner_on_failed", "runner_item_on_failed", "runner_on_async_failed"}
STATUS = {
    "runner_on_ok": "ok", "runner_item_on_ok": "ok", "runner_on_async_ok": "ok",
    "runner_on_failed": "failed", "runner_item_on_failed": "failed", "runner_on_async_failed": "failed",
    "runner_on_skipped": "skipped", "runner_item_on_skipped": "skipped",
    "runner_on_unreachable": "unreachable", "runner_retry": "retry",
}
MAX_TEXT = 4000
MAX_DATA = 16000
# Result keys not worth storing: module arguments can be whole file contents; facts (set_fact in a
# batch loop returns the whole growing list for every item, so they grow with the square of the batch).
DROPPED_RESULT_KEYS = {"invocation", "diff", "stdout_lines", "stderr_lines", "ansible_facts"}


def item_label(event_data: dict) -> str | None:
    res = event_data.get("res") or {}
    label = res.get("_ansible_item_label") if isinstance(res, dict) else None
    if label is None and "item" in event_data and not isinstance(event_data["item"], (dict, list)):
        label = event_data.get("item")
    return None if label is None else str(label)[:255]


def _compact_result(res: object) -> object:
    if not isinstance(res, dict):
        return res
    out = {k: v for k, v in res.items() if k not in DROPPED_RESULT_KEYS and not k.startswith("_ansible")}
    out.pop("item", None)  # the item is named by its label; its values stay out of the event store
    if isinstance(out.get("results"), list):
        out["results"] = [
            {"label": r.get("_ansible_item_label"), "failed": bool(r.get("failed")),
             "changed": bool(r.get("changed")), "skipped": bool(r.get("skipped")),
             **({"msg": r["msg"]} if r.get("msg") else {})}
            for r in out["results"] if isinstance(r, dict)
        ]
    return out


def _json_capped(value: object) -> object:
    text = json.dumps(value, default=str)
    if len(text) <= MAX_DATA:
        return value
    return {"truncated": True, "preview": text[:MAX_DATA]}


def _created(event: dict) -> datetime:
    try:
        return datetime.fromisoformat(event["created"])
    except (KeyError, TypeError, ValueError):
        return utcnow()


class EventRecorder:
    """Callable event handler; `flush()` writes buffered rows (the caller commits)."""

    def __init__(self, job_id: int, batch_size: int = 250, flush_seconds: float = 1.0):
        self.job_id = job_id
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        # A released job runs again under the same id: continue its counters.
        self.counter_base = db.session.scalar(
            select(func.coalesce(func.max(JobEvent.counter), 0)).where(JobEvent.job_id == job_id))
        self.pending: list[dict] = []
        self.last_flush = time.monotonic()
        self.stored = 0
        self.item_failures: dict[str, str] = {}
        self.item_seen: set[str] = set()
        self.host_failure: str | None = None

    def __call__(self, event: dict) -> None:
        name = event.get("event") or ""
        data = event.get("event_data") or {}
        label = item_label(data)
        self._track(name, data, label)
        if name in SKIPPED_EVENTS:
            return
        self.pending.append(self.row(event, name, data, label))
        if len(self.pending) >= self.batch_size or time.monotonic() - self.last_flush >= self.flush_seconds:
            self.flush()
            db.session.commit()

    def row(self, event: dict, name: str, data: dict, label: str | None) -> dict:
        res = data.get("res")
        stored = {
            "stdout": redact_text((event.get("stdout") or "")[:MAX_TEXT]),
            "play": data.get("play"),
            "task_action": data.get("task_action"),
        }
        if res is not None:
            stored["res"] = _json_capped(redact(_compact_result(res)))
        if name == "playbook_on_stats":
            stored.update({k: data.get(k) for k in ("ok", "changed", "failures", "dark", "skipped", "rescued",
                                                   "ignored", "processed")})
        if data.get("ignore_errors"):
            stored["ignore_errors"] = True
        changed = bool(isinstance(res, dict) and res.get("changed"))
        duration = data.get("duration")
        return {
            "job_id": self.job_id,
            "counter": self.counter_base + int(event.get("counter") or 0),
            "event": name[:64],
            "host": (data.get("host") or data.get("remote_addr") or None),
            "task": redact_text(str(data["task"]))[:500] if data.get("task") else None,
            "item_label": label,
            "status": STATUS.get(name),
            "changed": changed,
            "duration": float(duration) if isinstance(duration, (int, float)) else None,
            "data": {k: v for k, v in stored.items() if v not in (None, "", {})},
            "created_at": _created(event),
        }

    def _track(self, name: str, data: dict, label: str | None) -> None:
        if label is not None:
            self.item_seen.add(label)
        if name not in FAILED_EVENTS and name != "runner_on_unreachable":
            return
        res = data.get("res") if isinstance(data.get("res"), dict) else {}
        message = redact_text(f"{data.get('task') or 'task'}: {res.get('msg') or name}")[:900]
        if label is not None:
            self.item_failures.setdefault(label, message)
        # A loop task's summary event names no item; its items were reported one by one.
        elif (name == "runner_on_unreachable" or not data.get("ignore_errors")) and \
                not (isinstance(res.get("results"), list) and res["results"]):
            self.host_failure = self.host_failure or message

    def flush(self) -> int:
        if not self.pending:
            return 0
        rows, self.pending = self.pending, []
        db.session.execute(insert(JobEvent), rows)
        self.stored += len(rows)
        self.last_flush = time.monotonic()
        return len(rows)
