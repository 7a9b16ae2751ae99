"""Dues received, month by month and per currency: exact for support, the leadership protects its own copy.

Counted by the database (GROUP BY month, currency), never by loading payments. Months are the payment's
own date (paid_on), so an import in December of November's transfers counts in November.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, bindparam, text

from app.extensions import db


@dataclass(frozen=True)
class Received:
    month: str  # YYYY-MM
    currency: str
    payers: int  # distinct members who paid in that month and currency
    amount_minor: int


def month_of(column: str) -> str:
    """SQL for the YYYY-MM of a DATE column, on either database (our own column names only)."""
    if db.engine.dialect.name == "postgresql":
        return f"to_char({column}, 'YYYY-MM')"
    return f"strftime('%Y-%m', {column})"


def months_back(count: int, today: date) -> list[str]:
    """The last `count` months as YYYY-MM, oldest first, this month last."""
    first = today.replace(day=1)
    out = []
    for _ in range(count):
        out.append(first.strftime("%Y-%m"))
        first = (first - timedelta(days=1)).replace(day=1)
    return out[::-1]


def received(today: date, count: int = 12, population: str | None = None, params: dict | None = None,
             types: list | tuple = ()) -> list[Received]:
    """Payments in the last `count` months, newest month first, currencies in alphabetical order.

    `population`, when given, is SQL selecting the member ids to count (the leadership's filters), with its
    bound `params` (and `types`: bindparam()s for those that need a type); the caller owns that text."""
    since = date.fromisoformat(months_back(count, today)[0] + "-01")
    month = month_of("p.paid_on")
    among = f" AND p.member_id IN ({population})" if population else ""
    query = text(
        f"SELECT {month} AS month, p.currency, COUNT(DISTINCT p.member_id), SUM(p.amount_minor) "  # noqa: S608
        f"FROM payment p WHERE p.paid_on >= :since{among} GROUP BY {month}, p.currency "
        f"ORDER BY month DESC, p.currency").bindparams(bindparam("since", type_=Date()), *types)
    rows = db.session.execute(query, {**(params or {}), "since": since})
    return [Received(str(m), str(c), int(n), int(total)) for m, c, n, total in rows]
