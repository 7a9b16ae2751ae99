"""Audit log export as CSV or JSON Lines: a generator over a streamed query, so memory stays flat.

`csv_lines(filters)` and `jsonl_lines(filters)` build the query when called and return the generator: the
view calls them before it records `audit.exported`, so a filter that cannot become a query fails before
anything is recorded or streamed, never in the middle of the file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from app.console import queries
from app.extensions import db
from app.models import AuditEvent

COLUMNS = ("id", "at", "actor", "action", "target", "ip", "details")
BATCH = 500
# A cell starting with one of these is a formula to a spreadsheet (CSV injection): prefix it with '.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _query(filters: queries.AuditFilters):
    return queries.audit_query(filters).order_by(AuditEvent.at, AuditEvent.id)


def _rows(query) -> Iterator[AuditEvent]:
    # yield_per streams (a server-side cursor on PostgreSQL) and lets go of each batch's objects.
    result = db.session.execute(query.execution_options(yield_per=BATCH))
    yield from result.scalars()


def _values(event: AuditEvent) -> dict:
    return {"id": event.id, "at": event.at.isoformat(), "actor": event.actor, "action": event.action,
            "target": event.target, "ip": event.ip, "details": event.details}


def _safe_cell(value) -> str:
    text = "" if value is None else (json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_lines(filters: queries.AuditFilters) -> Iterator[str]:
    return _csv(_query(filters))


def jsonl_lines(filters: queries.AuditFilters) -> Iterator[str]:
    return _jsonl(_query(filters))


def _csv(query) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for n, event in enumerate(_rows(query), 1):
        values = _values(event)
        writer.writerow([_safe_cell(values[c]) for c in COLUMNS])
        if n % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _jsonl(query) -> Iterator[str]:
    chunk: list[str] = []
    for event in _rows(query):
        chunk.append(json.dumps(_values(event), ensure_ascii=False))
        if len(chunk) == 200:
            yield "\n".join(chunk) + "\n"
            chunk = []
    if chunk:
        yield "\n".join(chunk) + "\n"


FORMATS = {"csv": ("text/csv; charset=utf-8", "csv", csv_lines),
           "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl", jsonl_lines)}
