"""Payments imported from a bank's or processor's CSV export: a preview (matched, unmatched, duplicate,
error, row by row), then a commit that adds every matched row in one transaction, or nothing.

Columns (a header row, any order): member (username or the address they applied with), amount (e.g.
25.00), currency (USD or MXN), method, reference, paid_on (YYYY-MM-DD), and an optional note. Every cell is
hostile: formula-looking cells are refused, amounts are parsed as decimals into minor units, members and
earlier payments are looked up in batches (no query per row). Importing the same file again adds nothing:
payments are unique by (method, reference).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select

from app import audit
from app.dues import followup
from app.dues.accounts import apply_payment
from app.extensions import db
from app.hashing import sha256_hex
from app.models import Application, ApplicationState, Member, Payment, PaymentImport, utcnow
from app.refusals import Refused

REQUIRED = ("member", "amount", "currency", "method", "reference", "paid_on")
MAX_ROWS = 20_000
MAX_CELL = 200
LOOKUP_BATCH = 2000  # keys per query: fewer, larger IN lists (well under SQLite's 32,766 variables)
FORMULA = ("=", "+", "-", "@", "\t", "\r")


class ImportError_(Refused):
    """Code "not_csv" (unreadable), "columns" (missing: info["missing"]), "too_many_rows", "empty",
    "not_ready" (rows still unmatched or wrong: nothing committed), "gone" (no such import, or committed)."""


@dataclass
class Row:
    number: int
    cells: dict
    status: str = "matched"  # matched | unmatched | duplicate | error
    problem: str | None = None  # a code, worded by the view
    member_id: int | None = None
    amount_minor: int = 0
    paid_on: date | None = None
    extra: dict = field(default_factory=dict)


def _clean(value: object) -> str:
    return str(value or "").strip()


def _parse(content: str) -> list[Row]:
    try:
        reader = csv.DictReader(io.StringIO(content))
        header = [(_clean(h)).lower() for h in (reader.fieldnames or [])]
    except csv.Error:
        raise ImportError_("not_csv") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportError_("columns", missing=missing)
    reader.fieldnames = header
    rows = []
    try:
        for number, record in enumerate(reader, start=2):
            if number - 1 > MAX_ROWS:
                raise ImportError_("too_many_rows", limit=MAX_ROWS)
            rows.append(Row(number, {k: _clean(v) for k, v in record.items() if k}))
    except csv.Error:
        raise ImportError_("not_csv") from None
    if not rows:
        raise ImportError_("empty")
    return rows


def _check(row: Row) -> None:
    cells = row.cells
    for name, value in cells.items():
        if len(value) > MAX_CELL:
            row.status, row.problem = "error", "too_long"
            return
        # A spreadsheet would run it; the amount is checked as a number below (so "-5" is a bad amount).
        if name != "amount" and value.startswith(FORMULA):
            row.status, row.problem = "error", "formula"
            return
    try:
        amount = Decimal(cells.get("amount", ""))
    except InvalidOperation:
        row.status, row.problem = "error", "amount"
        return
    minor = int((amount * 100).quantize(Decimal(1))) if amount.is_finite() else 0
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or not 0 < minor <= followup.MAX_MINOR:
        row.status, row.problem = "error", "amount"
        return
    row.amount_minor = minor
    if cells.get("currency", "").upper() not in followup.CURRENCIES:
        row.status, row.problem = "error", "currency"
        return
    if cells.get("method", "").lower() not in followup.METHODS:
        row.status, row.problem = "error", "method"
        return
    if not cells.get("reference"):
        row.status, row.problem = "error", "reference"
        return
    try:
        row.paid_on = date.fromisoformat(cells.get("paid_on", ""))
    except ValueError:
        row.status, row.problem = "error", "date"
        return
    if row.paid_on > utcnow().date():
        row.status, row.problem = "error", "future"


def _members(keys: set[str]) -> dict[str, int]:
    """Member ids by username and by application address, LOOKUP_BATCH keys per query (ids only: loading
    10,000 model objects would cost more than the whole rest of the preview)."""
    found: dict[str, int] = {}
    uids = sorted(k for k in keys if "@" not in k)
    emails = sorted(k for k in keys if "@" in k)
    for start in range(0, len(uids), LOOKUP_BATCH):
        rows = db.session.execute(select(Member.uid, Member.id).where(Member.uid.in_(uids[start:start + LOOKUP_BATCH])))
        found.update((uid, member_id) for uid, member_id in rows)
    for start in range(0, len(emails), LOOKUP_BATCH):
        for email, member_id in db.session.execute(
                select(func.lower(Application.email), Member.id).join(Member, Member.application_id == Application.id)
                .where(func.lower(Application.email).in_(emails[start:start + LOOKUP_BATCH]),
                       Application.state == ApplicationState.APPROVED)):
            found.setdefault(email, member_id)
    return found


def _recorded(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (method, reference) pairs already recorded: looked up by reference, matched on method here."""
    out: set[tuple[str, str]] = set()
    references = sorted({reference for _method, reference in pairs})
    for start in range(0, len(references), LOOKUP_BATCH):
        chunk = references[start:start + LOOKUP_BATCH]
        out.update((method, reference) for method, reference in db.session.execute(
            select(Payment.method, Payment.reference).where(Payment.reference.in_(chunk))))
    return out & pairs


def preview(content: str) -> list[Row]:
    rows = _parse(content)
    for row in rows:
        _check(row)
    members = _members({row.cells["member"].lower() for row in rows if row.status == "matched"})
    recorded = _recorded({(row.cells["method"].lower(), row.cells["reference"]) for row in rows
                          if row.status == "matched"})
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if row.status != "matched":
            continue
        key = (row.cells["method"].lower(), row.cells["reference"])
        row.member_id = members.get(row.cells["member"].lower())
        if row.member_id is None:
            row.status, row.problem = "unmatched", "member"
        elif key in recorded or key in seen:
            row.status = "duplicate"
        seen.add(key)
    return rows


def upload(content: str, actor: str) -> tuple[PaymentImport, list[Row]]:
    rows = preview(content)  # refuses an unreadable file before anything is stored
    upload_row = PaymentImport(sha256=sha256_hex(content), content=content, uploaded_by=actor)
    db.session.add(upload_row)
    db.session.flush()
    audit.record(actor, "dues.import_previewed", f"payment_import:{upload_row.id}",
                 {"rows": len(rows), **counts_of(rows)})
    db.session.commit()
    return upload_row, rows


def counts_of(rows: list[Row]) -> dict[str, int]:
    counts = {"matched": 0, "unmatched": 0, "duplicate": 0, "error": 0}
    for row in rows:
        counts[row.status] += 1
    return counts


def commit(import_id: int, actor: str) -> int:
    """Add every matched row in one transaction; refused (nothing added) while any row is unmatched or wrong."""
    upload_row = db.session.get(PaymentImport, import_id)
    if upload_row is None or upload_row.committed_at is not None:
        raise ImportError_("gone")
    rows = preview(upload_row.content)
    counts = counts_of(rows)
    if counts["unmatched"] or counts["error"]:
        raise ImportError_("not_ready", **counts)
    added = 0
    for row in rows:
        if row.status != "matched":
            continue
        member = db.session.get(Member, row.member_id)
        payment = Payment(member_id=member.id, amount_minor=row.amount_minor,
                          currency=row.cells["currency"].upper(), method=row.cells["method"].lower(),
                          reference=row.cells["reference"], paid_on=row.paid_on,
                          note=row.cells.get("note") or None, recorded_by=actor)
        db.session.add(payment)
        db.session.flush()
        apply_payment(member, payment, row.paid_on)
        audit.record(actor, "dues.payment_recorded", f"member:{member.id}",
                     {"payment": payment.id, "amount_minor": payment.amount_minor, "currency": payment.currency,
                      "method": payment.method, "import": upload_row.id})
        followup.restore_if_paid_up(member, actor, utcnow().date())
        added += 1
    upload_row.committed_at = utcnow()
    audit.record(actor, "dues.import_committed", f"payment_import:{upload_row.id}", {"added": added, **counts})
    db.session.commit()
    return added
