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
import functools
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from app import audit
from app.dues import followup
from app.dues.accounts import apply_payment
from app.extensions import db
from app.hashing import sha256_hex
from app.models import ApplicationState, Member, Payment, PaymentImport, utcnow
from app.refusals import Refused

REQUIRED = ("member", "amount", "currency", "method", "reference", "paid_on")
MAX_ROWS = 20_000
MAX_CELL = 200
MAX_REFERENCE = Payment.__table__.c.reference.type.length
FORMULA = ("=", "+", "-", "@", "\t", "\r")
# What a simple file (see _simple_lines) never holds: a quote, a NUL, or whitespace but " " and line breaks.
SIMPLE_NEVER = '"\0\t\v\f\x1c\x1d\x1e\x1f'
SPACE_AT_EDGE = re.compile(r" [,\r\n]|[,\r\n] ")
CELL_START_FORMULA = "".join(c for c in FORMULA if not c.isspace())  # a simple file's cells start with no space


class ImportError_(Refused):
    """Code "not_csv" (unreadable), "columns" (missing: info["missing"]), "too_many_rows", "empty",
    "not_ready" (rows still unmatched or wrong: nothing committed), "gone" (no such import, or committed)."""


@dataclass(slots=True)
class Row:
    number: int
    cells: dict
    status: str = "matched"  # matched | unmatched | duplicate | error
    problem: str | None = None  # a code, worded by the view
    member_id: int | None = None
    amount_minor: int = 0
    paid_on: date | None = None


def _simple_lines(content: str) -> list[str] | None:
    """The file's lines when csv.reader would read every cell as exactly the text between two commas or
    line breaks, with nothing for strip() to take off: ASCII, no quote, no NUL, no whitespace but a line
    break ("\\r" only before "\\n", as io.StringIO feeds csv.reader lines), no space at a cell's edge, no
    line longer than csv's field limit. None otherwise (csv.reader then reads the file, as it always has).
    Cheap C-speed scans; any doubt means None."""
    if not content.isascii() or any(c in content for c in SIMPLE_NEVER):
        return None
    if "\r" in content and content.count("\r") != content.count("\r\n"):
        return None
    if " " in content and (SPACE_AT_EDGE.search(content) or content[0] == " " or content[-1] == " "):
        return None
    lines = content.splitlines()  # ASCII without \v \f \x1c-\x1e: breaks at \n and \r\n only, as csv does
    if not lines or max(map(len, lines)) > csv.field_size_limit():
        return None
    return lines


def _parse(content: str, lines: list[str] | None = None) -> list[Row]:
    """The rows of the file. `lines`, from _simple_lines, reads the file with str.split (the same cells
    as csv.reader and strip give there, in less time than csv.DictReader takes); without them csv.reader
    reads it."""
    if "\0" in content:
        raise ImportError_("not_csv")  # csv.reader and SQLite take a NUL; PostgreSQL cannot store or compare one
    records = None
    if lines is not None:
        header = [h.lower() for h in lines[0].split(",")]
    else:
        try:
            records = csv.reader(io.StringIO(content))
            header = [h.strip().lower() for h in next(records, [])]
        except csv.Error:
            raise ImportError_("not_csv") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportError_("columns", missing=missing)
    rows = _split_rows(header, lines) if records is None else _csv_rows(header, records)
    if not rows:
        raise ImportError_("empty")
    return rows


def _split_rows(header: list[str], lines: list[str]) -> list[Row]:
    if len(lines) - 1 > MAX_ROWS:  # as _csv_rows counts: every line after the header, blank ones too
        raise ImportError_("too_many_rows", limit=MAX_ROWS)
    named, width, rows = [(i, h) for i, h in enumerate(header) if h], len(header), []
    zips = len(named) == width  # no unnamed column: each row zips straight onto the header
    append = rows.append
    for number, line in enumerate(lines[1:], start=2):
        if line:  # a blank line, as DictReader skips it
            record = line.split(",")
            if zips and len(record) == width:
                append(Row(number, dict(zip(header, record, strict=True))))
            else:
                append(Row(number, {h: record[i] if i < len(record) else "" for i, h in named}))
    return rows


def _csv_rows(header: list[str], records) -> list[Row]:
    named, width, rows = [(i, h) for i, h in enumerate(header) if h], len(header), []
    zips = len(named) == width
    try:
        for number, record in enumerate(records, start=2):
            if number - 1 > MAX_ROWS:
                raise ImportError_("too_many_rows", limit=MAX_ROWS)
            if not record:
                continue  # a blank line, as DictReader skips it
            record = list(map(str.strip, record))
            if zips and len(record) == width:
                cells = dict(zip(header, record, strict=True))
            else:
                cells = {h: record[i] if i < len(record) else "" for i, h in named}
            rows.append(Row(number, cells))
    except csv.Error:
        raise ImportError_("not_csv") from None
    return rows


def _check(row: Row, today: date, cells_checked: bool) -> None:
    """Sets the row's status and problem. `cells_checked`: the whole file was scanned already and has no
    cell too long and none that starts like a formula (see _file_is_plain), so those checks are skipped."""
    cells = row.cells
    if not cells_checked:
        if max(map(len, cells.values())) > MAX_CELL:
            row.status, row.problem = "error", "too_long"
            return
        # A spreadsheet would run a cell that starts like a formula. The amount is checked as a number
        # below (so "-5" is a bad amount, not a formula).
        if any(v.startswith(FORMULA) for k, v in cells.items() if k != "amount"):
            row.status, row.problem = "error", "formula"
            return
    if len(cells.get("reference", "")) > MAX_REFERENCE:  # shorter than a cell may be: the column's own length
        row.status, row.problem = "error", "too_long"
        return
    problem, row.amount_minor, row.paid_on = _fields(cells.get("amount", ""), cells.get("currency", ""),
                                                     cells.get("method", ""), cells.get("paid_on", ""), today)
    if problem in (None, "date", "future") and not cells.get("reference"):
        problem = "reference"  # checked before the date, as the report has always ordered them
    if problem is not None:
        row.status, row.problem = "error", problem


@functools.lru_cache(maxsize=4096)
def _fields(amount: str, currency: str, method: str, paid_on: str, today: date) -> tuple[str | None, int, date | None]:
    """(problem or None, amount in minor units, day paid) for one combination of cells. Cached: an export
    repeats a few amounts, currencies, methods and dates thousands of times."""
    minor = _minor(amount)
    if minor is None:
        return "amount", 0, None
    if currency.upper() not in followup.CURRENCIES:
        return "currency", minor, None
    if method.lower() not in followup.METHODS:
        return "method", minor, None
    day = _day(paid_on)
    if day is None:
        return "date", minor, None
    return ("future" if day > today else None), minor, day


def _file_is_plain(content: str, lines: list[str] | None) -> bool:
    """True when no row needs the length and formula checks one cell at a time: the file is simple (see
    _simple_lines: every cell lies within one line, unquoted, unstripped), no line is longer than a cell
    may be, and no cell starts with a formula character (none follows a comma or a line break, nor starts
    the file). Any other file is checked cell by cell: quotes, spaces and Unicode whitespace (which strip()
    takes off) are where a scan of the raw text went wrong before."""
    if lines is None or max(map(len, lines)) > MAX_CELL:
        return False
    return not any(c in content and (content.startswith(c) or any(p + c in content for p in ",\n\r"))
                   for c in CELL_START_FORMULA)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


PLAIN_AMOUNT = re.compile(r"(\d{1,9})(?:\.(\d{1,2}))?", re.ASCII)


def _minor(text: str) -> int | None:
    """An amount with at most two decimals as minor units, within (0, MAX_MINOR]; None otherwise. The usual
    "25.00" is read without Decimal; anything else ("1e3", " 5", "-5", "NaN") goes through Decimal's rules."""
    plain = PLAIN_AMOUNT.fullmatch(text)
    if plain:
        whole, cents = plain.groups()
        minor = int(whole) * 100 + int((cents or "0").ljust(2, "0"))
    else:
        try:
            amount = Decimal(text)
        except InvalidOperation:
            return None
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            return None
        minor = int((amount * 100).quantize(Decimal(1)))
    return minor if 0 < minor <= followup.MAX_MINOR else None


# The look-ups, as driver SQL with all the keys in ONE bound parameter: a binary text[] on PostgreSQL (%b: no
# quoting and re-parsing of 10,000 strings), a JSON array on SQLite (json_each, the keys' side first so each
# key is one index probe: 0.6 ms for 10,000 references where `IN (SELECT ...)` took 7). The same queries
# built with Core cost twice as much (ARRAY's per-item bind processing, a text array, row objects): 10,000
# members in 29 ms instead of 14 on PostgreSQL, 14 instead of 6 on SQLite. The DBAPI cursor keeps the
# session's transaction (see _lookup).
LOOKUPS = {
    "postgresql": {
        "uids": "SELECT uid, id FROM member WHERE uid = ANY(%(keys)b)",
        "emails": "SELECT lower(a.email), m.id FROM application AS a JOIN member AS m ON m.application_id = a.id"
                  " WHERE lower(a.email) = ANY(%(keys)b) AND a.state = %(approved)s",
        "payments": "SELECT method, reference FROM payment WHERE method = ANY(%(methods)b)"
                    " AND reference = ANY(%(keys)b)",
    },
    "sqlite": {
        "uids": "SELECT m.uid, m.id FROM json_each(:keys) AS k CROSS JOIN member AS m ON m.uid = k.value",
        "emails": "SELECT lower(a.email), m.id FROM application AS a JOIN member AS m ON m.application_id = a.id"
                  " WHERE lower(a.email) IN (SELECT value FROM json_each(:keys)) AND a.state = :approved",
        "payments": "SELECT p.method, p.reference FROM json_each(:methods) AS m CROSS JOIN json_each(:keys) AS k"
                    " CROSS JOIN payment AS p ON p.method = m.value AND p.reference = k.value",
    },
}


def _lookup(name: str, keys: list[str], **more) -> list[tuple]:
    """Rows as plain tuples from the DBAPI cursor of the session's own connection (its transaction): a
    10,000-row answer as SQLAlchemy rows costs 2-3 ms more, and tuples of strings and numbers are objects
    the garbage collector lets go of at its first look (rows are not), so they never reach an old generation."""
    dialect = db.engine.dialect.name
    lists = {"keys": keys, **more}
    if dialect != "postgresql":
        lists = {k: json.dumps(v) if isinstance(v, list) else v for k, v in lists.items()}
    cursor = db.session.connection().connection.cursor()
    try:
        cursor.execute(LOOKUPS[dialect][name], lists)
        return cursor.fetchall()
    finally:
        cursor.close()


def _members(keys: set[str]) -> dict[str, int]:
    """Member ids by username and by application address, in one query each (ids only: loading 10,000
    model objects would cost more than the whole rest of the preview)."""
    uids = [k for k in keys if "@" not in k]  # what the file names a member by: a username or an address
    emails = [k for k in keys if "@" in k]
    found: dict[str, int] = dict(_lookup("uids", uids)) if uids else {}
    for email, member_id in _lookup("emails", emails, approved=ApplicationState.APPROVED.value) if emails else ():
        found.setdefault(email, member_id)
    return found


def _recorded(methods: list[str], references: list[str]) -> dict[str, set[str]]:
    """The references already recorded, by method: looked up by the few methods and every reference (the
    unique index on both: one probe per method and reference)."""
    found: dict[str, set[str]] = {}
    if references:
        for method, reference in _lookup("payments", list(set(references)), methods=list(set(methods))):
            found.setdefault(method, set()).add(reference)
    return found


def preview(content: str) -> list[Row]:
    lines = _simple_lines(content)
    rows = _parse(content, lines)
    today, plain = utcnow().date(), _file_is_plain(content, lines)
    for row in rows:
        _check(row, today, plain)
    # The keys in lists of strings, not a tuple per row: 10,000 rows that outlive the collector's young
    # generations made CPython collect the whole process's heap (60 ms and more) in the middle of a preview.
    passed = [row for row in rows if row.status == "matched"]
    members = [row.cells["member"].lower() for row in passed]
    methods = [row.cells["method"].lower() for row in passed]
    references = [row.cells["reference"] for row in passed]
    found, recorded = _members(set(members)), _recorded(methods, references)
    seen: dict[str, set[str]] = {}
    for row, member, method, reference in zip(passed, members, methods, references, strict=True):
        row.member_id = found.get(member)
        if row.member_id is None:
            row.status, row.problem = "unmatched", "member"
        elif reference in recorded.get(method, ()) or reference in seen.get(method, ()):
            row.status = "duplicate"
        seen.setdefault(method, set()).add(reference)
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
