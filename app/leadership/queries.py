"""The membership in aggregate, counted by the database (GROUP BY), never row by row in Python.

The population is every member who has not left, optionally filtered by country, region, language, kind and the
months they joined in (whole months only: a range that ends on a chosen day would let two ranges a day
apart be subtracted to single out the people who joined that day).
A member's current commitments are their latest member_commitment row, or what they stated when they
applied (commitment and application.movements). Counts leave here raw: app/leadership/suppression.py
decides what may be shown.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, text

from app.dues import totals
from app.extensions import db
from app.leadership.cache import remembered
from app.models import utcnow
from app.models.base import UTCDateTime


@dataclass(frozen=True)
class Filters:
    country: str | None = None
    region: str | None = None  # an ISO 3166-2 code of `country` ("MX-OAX")
    language: str | None = None
    kind: str | None = None
    joined_from: date | None = None  # the first day of the first month counted
    joined_until: date | None = None  # the first day of the last month counted

    def args(self) -> dict[str, str]:
        """The filters as the query string writes them (links to the CSV exports carry them on)."""
        out = self.columns()
        if self.joined_from:
            out["from"] = self.joined_from.strftime("%Y-%m")
        if self.joined_until:
            out["until"] = self.joined_until.strftime("%Y-%m")
        return out

    def columns(self) -> dict[str, str]:
        """The application columns filtered on, by name."""
        return {k: v for k, v in (("country", self.country), ("region", self.region), ("language", self.language),
                                  ("kind", self.kind)) if v}

    def window(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) of the months joined in, as instants; None where the range is open."""
        start = datetime.combine(self.joined_from, datetime.min.time()) if self.joined_from else None
        end = None
        if self.joined_until and self.joined_until < date(9999, 12, 1):
            following = (self.joined_until.replace(day=28) + timedelta(days=4)).replace(day=1)
            end = datetime.combine(following, datetime.min.time())
        return start, end


# The members counted, with their current commitment columns (mc: latest change, c: stated when applying).
BASE = """
FROM member m
JOIN application a ON a.id = m.application_id
LEFT JOIN commitment c ON c.application_id = a.id
LEFT JOIN (SELECT member_id, MAX(id) AS id FROM member_commitment GROUP BY member_id) latest
       ON latest.member_id = m.id
LEFT JOIN member_commitment mc ON mc.id = latest.id
WHERE m.state != 'left'
"""


def _where(filters: Filters) -> str:
    # Only our own column names go into the text; the values are bound parameters (see _params).
    return "".join(f" AND a.{name} = :{name}" for name in filters.columns())


def _joined_where(filters: Filters, column: str = "m.member_since") -> str:
    start, end = filters.window()
    return (f" AND {column} >= :joined_start" if start else "") + (f" AND {column} < :joined_end" if end else "")


def _params(filters: Filters) -> dict:
    start, end = filters.window()
    window = {k: v for k, v in (("joined_start", start), ("joined_end", end)) if v}
    return {**filters.columns(), **window}


def _bound(query, filters: Filters):
    """The query with the window's instants bound as the models bind datetimes."""
    start, end = filters.window()
    names = [n for n, v in (("joined_start", start), ("joined_end", end)) if v]
    return query.bindparams(*_moments(*names)) if names else query


def _base(filters: Filters) -> str:
    return BASE + _where(filters) + _joined_where(filters)


def _run(sql: str, filters: Filters, extra: dict | None = None, moments: tuple[str, ...] = ()):
    query = _bound(text(sql), filters)
    if moments:
        query = query.bindparams(*_moments(*moments))
    return db.session.execute(query, {**_params(filters), **(extra or {})})


def _joined(filters: Filters, joins: str) -> str:
    """The base query with more joins (before its WHERE)."""
    return _base(filters).replace("WHERE m.state", f"{joins}\nWHERE m.state", 1)


def _grouped(expression: str, filters: Filters, joins: str = "") -> dict[str, int]:
    base = _joined(filters, joins) if joins else _base(filters)
    rows = _run(f"SELECT {expression} AS k, COUNT(*) {base} GROUP BY {expression}", filters)  # noqa: S608
    return {str(key): int(count) for key, count in rows if key is not None}


def _items(json_expression: str) -> str:
    """A join that gives one row per element of a JSON list, as `item.value`, on either database."""
    if db.engine.dialect.name == "postgresql":
        return f"CROSS JOIN LATERAL json_array_elements_text({json_expression}) AS item(value)"
    return f"CROSS JOIN json_each({json_expression}) AS item"


def _list_counts(json_expression: str, filters: Filters, joins: str = "") -> dict[str, int]:
    """Members per value of a JSON list column (a member with two movements counts in both rows)."""
    base = _joined(filters, f"{joins}\n{_items(json_expression)}")
    rows = _run(f"SELECT item.value, COUNT(DISTINCT m.id) {base} GROUP BY item.value", filters)  # noqa: S608
    return {str(key): int(count) for key, count in rows}


@remembered()
def total(filters: Filters) -> int:
    return int(_run(f"SELECT COUNT(*) {_base(filters)}", filters).scalar_one())  # noqa: S608


@remembered()
def by_country(filters: Filters) -> dict[str, int]:
    return _grouped("a.country", filters)


NO_REGION = "none"


@remembered()
def by_region(filters: Filters) -> dict[str, int]:
    """Members per ISO 3166-2 region ("MX-OAX"); those who gave none (optional, and not asked before
    issue 17) in one row of their own, NO_REGION."""
    return _grouped(f"COALESCE(a.region, '{NO_REGION}')", filters)


@remembered()
def by_language(filters: Filters) -> dict[str, int]:
    return _grouped("a.language", filters)


@remembered()
def by_kind(filters: Filters) -> dict[str, int]:
    return _grouped("a.kind", filters)


@remembered()
def by_movement(filters: Filters) -> dict[str, int]:
    return _list_counts("COALESCE(mc.movements, a.movements)", filters)


GROUPS = "COALESCE(mc.working_groups, c.working_groups, '[]')"


@remembered()
def by_working_group(filters: Filters) -> dict[str, int]:
    return _list_counts(GROUPS, filters)


# Why they joined (the wizard's "Why you are joining"); members who joined before it was asked have no row.
MOTIVATION = "LEFT JOIN motivation mo ON mo.application_id = a.id"
NOT_ANSWERED = "not-answered"


@remembered()
def by_value(filters: Filters) -> dict[str, int]:
    return _list_counts("COALESCE(mo.value_slugs, '[]')", filters, MOTIVATION)


@remembered()
def by_came_from(filters: Filters) -> dict[str, int]:
    return _grouped(f"COALESCE(mo.came_from, '{NOT_ANSWERED}')", filters, MOTIVATION)


HOURS = "COALESCE(mc.hours_per_month, c.hours_per_month, 0)"
HOUR_BUCKETS = ("0", "1-4", "5-10", "11+")


@remembered()
def by_hours(filters: Filters) -> dict[str, int]:
    bucket = (f"CASE WHEN {HOURS} = 0 THEN '0' WHEN {HOURS} <= 4 THEN '1-4' "
              f"WHEN {HOURS} <= 10 THEN '5-10' ELSE '11+' END")
    return _grouped(bucket, filters)


@remembered()
def hours_pledged(filters: Filters) -> int:
    return int(_run(f"SELECT COALESCE(SUM({HOURS}), 0) {_base(filters)}", filters).scalar_one())  # noqa: S608


AGE_BUCKETS = ("under-1", "1-2", "2-5", "5+")


@remembered()
def by_membership_age(filters: Filters) -> dict[str, int]:
    now = utcnow()
    bucket = ("CASE WHEN m.member_since >= :y1 THEN 'under-1' WHEN m.member_since >= :y2 THEN '1-2' "
              "WHEN m.member_since >= :y5 THEN '2-5' ELSE '5+' END")
    rows = _run(f"SELECT {bucket}, COUNT(*) {_base(filters)} GROUP BY {bucket}", filters,  # noqa: S608
                {"y1": now - timedelta(days=365), "y2": now - timedelta(days=730), "y5": now - timedelta(days=1826)},
                moments=("y1", "y2", "y5"))
    return {str(key): int(count) for key, count in rows}


def _moments(*names: str):
    # Bound as the models bind datetimes (UTCDateTime), so SQLite compares like with like.
    return [bindparam(name, type_=UTCDateTime()) for name in names]


def months(count: int = 12) -> list[str]:
    """The last `count` months as YYYY-MM, oldest first, this month last."""
    today = utcnow().date().replace(day=1)
    out = []
    for _ in range(count):
        out.append(today.strftime("%Y-%m"))
        today = (today - timedelta(days=1)).replace(day=1)
    return out[::-1]


@remembered(decode=tuple)
def joins_and_departures(filters: Filters) -> tuple[dict[str, int], dict[str, int]]:
    """Members who joined, and who left, per month over the last 12 months (the filters apply to both)."""
    first = months()[0]
    since = utcnow().replace(year=int(first[:4]), month=int(first[5:]), day=1, hour=0, minute=0, second=0,
                             microsecond=0)
    who = _base(filters).replace("WHERE m.state != 'left'", "WHERE 1 = 1", 1)
    joined = _run(f"SELECT m.member_since {who} AND m.member_since >= :since", filters, {"since": since},  # noqa: S608
                  moments=("since",))
    left = _run(f"SELECT m.leaves_at {who} AND m.state = 'left' AND m.leaves_at >= :since", filters,  # noqa: S608
                {"since": since}, moments=("since",))

    def per_month(rows) -> dict[str, int]:
        counts = dict.fromkeys(months(), 0)
        for (moment,) in rows:
            key = moment.strftime("%Y-%m") if hasattr(moment, "strftime") else str(moment)[:7]
            if key in counts:
                counts[key] += 1
        return counts

    return per_month(joined), per_month(left)


def _json_true(column: str, key: str) -> str:
    """SQL that is true where the JSON object in `column` has `key` set to true (our own literals only)."""
    if db.engine.dialect.name == "postgresql":
        return f"(({column})::jsonb ->> '{key}') = 'true'"
    return f"json_extract({column}, '$.{key}') = 1"


@remembered()
def funnel(filters: Filters, steps: tuple[str, ...], since) -> dict[str, int]:
    """Applications started since `since` (or in the months chosen): how many verified their address,
    finished each wizard step, were sent, and were approved (the same applications at every step, so the
    drop-off reads down)."""
    where = ("WHERE 1 = 1" if filters.joined_from else "WHERE a.created_at >= :since") + _where(filters) + \
        _joined_where(filters, "a.created_at")
    columns = ["COUNT(*)", "SUM(CASE WHEN a.email_verified_at IS NOT NULL THEN 1 ELSE 0 END)"]
    columns += [f"SUM(CASE WHEN {_json_true('a.progress', step)} THEN 1 ELSE 0 END)" for step in steps]
    columns += ["SUM(CASE WHEN a.submitted_at IS NOT NULL THEN 1 ELSE 0 END)",
                "SUM(CASE WHEN a.state = 'approved' THEN 1 ELSE 0 END)"]
    extra, moments = ({}, ()) if filters.joined_from else ({"since": since}, ("since",))
    row = _run(f"SELECT {', '.join(columns)} FROM application a {where}", filters, extra, moments).one()  # noqa: S608
    names = ["started", "verified", *steps, "submitted", "approved"]
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


@remembered()
def decision_days(filters: Filters, since) -> list[float]:
    """Days from sending to decision for applications decided since `since` (approved or not accepted)."""
    where = ("" if filters.joined_from else "AND a.decided_at >= :since ") + _where(filters) + \
        _joined_where(filters, "a.decided_at")
    extra, moments = ({}, ()) if filters.joined_from else ({"since": since}, ("since",))
    query = _bound(text("SELECT a.submitted_at, a.decided_at FROM application a "  # noqa: S608
                        "WHERE a.submitted_at IS NOT NULL AND a.state IN ('approved', 'rejected') " + where), filters)
    if moments:
        query = query.bindparams(*_moments(*moments))
    query = query.columns(submitted_at=UTCDateTime(), decided_at=UTCDateTime())
    rows = db.session.execute(query, {**_params(filters), **extra})
    return [(decided - sent).total_seconds() / 86400 for sent, decided in rows]


@remembered(decode=lambda rows: {c: tuple(v) for c, v in rows.items()})
def dues_pledged(filters: Filters) -> dict[str, tuple[int, float]]:
    """Per currency: members pledging dues in it, and the monthly total they pledged (waivers apart)."""
    rows = _run(f"SELECT c.dues_currency, COUNT(*), COALESCE(SUM(c.dues_amount), 0) {_base(filters)} "  # noqa: S608
                "AND c.dues_amount IS NOT NULL AND c.waiver_requested = :no GROUP BY c.dues_currency", filters,
                {"no": False})
    return {str(currency): (int(count), float(total)) for currency, count, total in rows}


@remembered()
def waivers(filters: Filters) -> int:
    return int(_run(f"SELECT COUNT(*) {_base(filters)} AND c.waiver_requested = :yes", filters,  # noqa: S608
                    {"yes": True}).scalar_one())


def hours_in_group(slug: str) -> int:
    """Hours a month pledged by the members whose current working groups include `slug`."""
    base = BASE.replace("WHERE m.state", f"{_items(GROUPS)}\nWHERE m.state", 1)
    return int(db.session.execute(text(f"SELECT COALESCE(SUM({HOURS}), 0) {base} AND item.value = :slug"),  # noqa: S608
                                  {"slug": slug}).scalar_one())


@remembered()
def by_dues_standing(filters: Filters) -> dict[str, int]:
    """Members per dues standing; members without a dues account yet (just joined) count as "none"."""
    base = _base(filters).replace("WHERE m.state", "LEFT JOIN dues_account d ON d.member_id = m.id\nWHERE m.state", 1)
    rows = _run(f"SELECT COALESCE(d.standing, 'none'), COUNT(*) {base} GROUP BY COALESCE(d.standing, 'none')",  # noqa: S608
                filters)
    return {str(key): int(count) for key, count in rows}


@remembered(encode=lambda rows: [[k, v, o.isoformat(), c] for k, v, o, c in rows],
            decode=lambda rows: [(k, v, datetime.fromisoformat(o), c) for k, v, o, c in rows])
def consent_progress(filters: Filters, campaigns: int = 5) -> list[tuple[str, int, object, dict[str, int]]]:
    """The latest re-consent campaigns (kind, version, opened at) and their requests per answer, counted
    over the members in the population (who have not left)."""
    opened = db.session.execute(text(
        "SELECT id, kind, version, opened_at FROM consent_campaign ORDER BY opened_at DESC, id DESC LIMIT :n"
    ).columns(opened_at=UTCDateTime()), {"n": campaigns}).all()
    if not opened:
        return []
    base = _base(filters).replace("WHERE m.state", "JOIN consent_request r ON r.member_id = m.id\nWHERE m.state", 1)
    ids = [row.id for row in opened]
    query = _bound(text(f"SELECT r.campaign_id, r.state, COUNT(*) {base} AND r.campaign_id IN :ids "  # noqa: S608
                        "GROUP BY r.campaign_id, r.state").bindparams(bindparam("ids", expanding=True)), filters)
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    for campaign_id, state, count in db.session.execute(query, {**_params(filters), "ids": ids}):
        counts[int(campaign_id)][str(state)] = int(count)
    return [(row.kind, int(row.version), row.opened_at, counts[row.id]) for row in opened]


@remembered(encode=lambda rows: [list(astuple(r)) for r in rows],
            decode=lambda rows: [totals.Received(*r) for r in rows])
def dues_received(filters: Filters, today: date, months: int = 12) -> list[totals.Received]:
    """Payments per month and currency (app/dues/totals), from the members the filters select, including
    members who have left since: money received stays received."""
    who = _base(filters).replace("WHERE m.state != 'left'", "WHERE 1 = 1", 1)
    start, end = filters.window()
    names = [n for n, v in (("joined_start", start), ("joined_end", end)) if v]
    return totals.received(today, months, f"SELECT m.id {who}", _params(filters), _moments(*names))  # noqa: S608
