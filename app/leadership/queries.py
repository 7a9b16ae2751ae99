"""The membership in aggregate, counted by the database (GROUP BY), never row by row in Python.

The population is every member who has not left, optionally filtered by country, language and kind.
A member's current commitments are their latest member_commitment row, or what they stated when they
applied (commitment and application.movements). Counts leave here raw: app/leadership/suppression.py
decides what may be shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, text

from app.extensions import db
from app.models import utcnow
from app.models.base import UTCDateTime


@dataclass(frozen=True)
class Filters:
    country: str | None = None
    language: str | None = None
    kind: str | None = None

    def args(self) -> dict[str, str]:
        return {k: v for k, v in (("country", self.country), ("language", self.language), ("kind", self.kind)) if v}


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
    return "".join(f" AND a.{name} = :{name}" for name in filters.args())


def _params(filters: Filters) -> dict:
    return filters.args()


def _base(filters: Filters) -> str:
    return BASE + _where(filters)


def _grouped(expression: str, filters: Filters) -> dict[str, int]:
    rows = db.session.execute(text(f"SELECT {expression} AS k, COUNT(*) {_base(filters)} GROUP BY {expression}"),  # noqa: S608
                              _params(filters))
    return {str(key): int(count) for key, count in rows if key is not None}


def _items(json_expression: str) -> str:
    """A join that gives one row per element of a JSON list, as `item.value`, on either database."""
    if db.engine.dialect.name == "postgresql":
        return f"CROSS JOIN LATERAL json_array_elements_text({json_expression}) AS item(value)"
    return f"CROSS JOIN json_each({json_expression}) AS item"


def _list_counts(json_expression: str, filters: Filters) -> dict[str, int]:
    """Members per value of a JSON list column (a member with two movements counts in both rows)."""
    base = _base(filters).replace("WHERE m.state", f"{_items(json_expression)}\nWHERE m.state", 1)
    rows = db.session.execute(text(f"SELECT item.value, COUNT(DISTINCT m.id) {base} GROUP BY item.value"),  # noqa: S608
                              _params(filters))
    return {str(key): int(count) for key, count in rows}


def total(filters: Filters) -> int:
    return int(db.session.execute(text(f"SELECT COUNT(*) {_base(filters)}"), _params(filters)).scalar_one())  # noqa: S608


def by_country(filters: Filters) -> dict[str, int]:
    return _grouped("a.country", filters)


def by_language(filters: Filters) -> dict[str, int]:
    return _grouped("a.language", filters)


def by_kind(filters: Filters) -> dict[str, int]:
    return _grouped("a.kind", filters)


def by_movement(filters: Filters) -> dict[str, int]:
    return _list_counts("COALESCE(mc.movements, a.movements)", filters)


GROUPS = "COALESCE(mc.working_groups, c.working_groups, '[]')"


def by_working_group(filters: Filters) -> dict[str, int]:
    return _list_counts(GROUPS, filters)


HOURS = "COALESCE(mc.hours_per_month, c.hours_per_month, 0)"
HOUR_BUCKETS = ("0", "1-4", "5-10", "11+")


def by_hours(filters: Filters) -> dict[str, int]:
    bucket = (f"CASE WHEN {HOURS} = 0 THEN '0' WHEN {HOURS} <= 4 THEN '1-4' "
              f"WHEN {HOURS} <= 10 THEN '5-10' ELSE '11+' END")
    return _grouped(bucket, filters)


def hours_pledged(filters: Filters) -> int:
    return int(db.session.execute(text(f"SELECT COALESCE(SUM({HOURS}), 0) {_base(filters)}"),  # noqa: S608
                                  _params(filters)).scalar_one())


AGE_BUCKETS = ("under-1", "1-2", "2-5", "5+")


def by_membership_age(filters: Filters) -> dict[str, int]:
    now = utcnow()
    bucket = ("CASE WHEN m.member_since >= :y1 THEN 'under-1' WHEN m.member_since >= :y2 THEN '1-2' "
              "WHEN m.member_since >= :y5 THEN '2-5' ELSE '5+' END")
    query = text(f"SELECT {bucket}, COUNT(*) {_base(filters)} GROUP BY {bucket}").bindparams(  # noqa: S608
        *_moments("y1", "y2", "y5"))
    rows = db.session.execute(query, {**_params(filters), "y1": now - timedelta(days=365),
                                      "y2": now - timedelta(days=730), "y5": now - timedelta(days=1826)})
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


def joins_and_departures(filters: Filters) -> tuple[dict[str, int], dict[str, int]]:
    """Members who joined, and who left, per month over the last 12 months (the filters apply to both)."""
    first = months()[0]
    since = utcnow().replace(year=int(first[:4]), month=int(first[5:]), day=1, hour=0, minute=0, second=0,
                             microsecond=0)
    params = {**_params(filters), "since": since}
    who = _base(filters).replace("WHERE m.state != 'left'", "WHERE 1 = 1", 1)
    joined = db.session.execute(text(f"SELECT m.member_since {who} AND m.member_since >= :since")  # noqa: S608
                                .bindparams(*_moments("since")), params)
    left = db.session.execute(text(f"SELECT m.leaves_at {who} AND m.state = 'left' AND m.leaves_at >= :since")  # noqa: S608
                              .bindparams(*_moments("since")), params)

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


def funnel(filters: Filters, steps: tuple[str, ...], since) -> dict[str, int]:
    """Applications started since `since`: how many verified their address, finished each wizard step,
    were sent, and were approved (the same applications at every step, so the drop-off reads down)."""
    where = "WHERE a.created_at >= :since" + _where(filters)
    columns = ["COUNT(*)", "SUM(CASE WHEN a.email_verified_at IS NOT NULL THEN 1 ELSE 0 END)"]
    columns += [f"SUM(CASE WHEN {_json_true('a.progress', step)} THEN 1 ELSE 0 END)" for step in steps]
    columns += ["SUM(CASE WHEN a.submitted_at IS NOT NULL THEN 1 ELSE 0 END)",
                "SUM(CASE WHEN a.state = 'approved' THEN 1 ELSE 0 END)"]
    query = text(f"SELECT {', '.join(columns)} FROM application a {where}").bindparams(*_moments("since"))  # noqa: S608
    row = db.session.execute(query, {**_params(filters), "since": since}).one()
    names = ["started", "verified", *steps, "submitted", "approved"]
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


def decision_days(filters: Filters, since) -> list[float]:
    """Days from sending to decision for applications decided since `since` (approved or not accepted)."""
    query = text("SELECT a.submitted_at, a.decided_at FROM application a WHERE a.decided_at >= :since "  # noqa: S608
                 "AND a.submitted_at IS NOT NULL AND a.state IN ('approved', 'rejected')" + _where(filters)
                 ).bindparams(*_moments("since"))
    query = query.columns(submitted_at=UTCDateTime(), decided_at=UTCDateTime())
    rows = db.session.execute(query, {**_params(filters), "since": since})
    return [(decided - sent).total_seconds() / 86400 for sent, decided in rows]


def dues_pledged(filters: Filters) -> dict[str, tuple[int, float]]:
    """Per currency: members pledging dues in it, and the monthly total they pledged (waivers apart)."""
    rows = db.session.execute(text(
        f"SELECT c.dues_currency, COUNT(*), COALESCE(SUM(c.dues_amount), 0) {_base(filters)} "  # noqa: S608
        "AND c.dues_amount IS NOT NULL AND c.waiver_requested = :no GROUP BY c.dues_currency"),
        {**_params(filters), "no": False})
    return {str(currency): (int(count), float(total)) for currency, count, total in rows}


def waivers(filters: Filters) -> int:
    return int(db.session.execute(text(f"SELECT COUNT(*) {_base(filters)} AND c.waiver_requested = :yes"),  # noqa: S608
                                  {**_params(filters), "yes": True}).scalar_one())


def hours_in_group(slug: str) -> int:
    """Hours a month pledged by the members whose current working groups include `slug`."""
    base = BASE.replace("WHERE m.state", f"{_items(GROUPS)}\nWHERE m.state", 1)
    return int(db.session.execute(text(f"SELECT COALESCE(SUM({HOURS}), 0) {base} AND item.value = :slug"),  # noqa: S608
                                  {"slug": slug}).scalar_one())
