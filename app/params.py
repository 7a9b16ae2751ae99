"""The one parsing layer for what a URL or form carries: ids, keyset cursors, dates, limits and text filters.

Every area parses its query strings here, so bad input reads the same everywhere: a BadParameter (a 400 with
a message in the person's language, or `{"error": ...}` under /api/), and an id in a path that no row can
have is a 404 before the view runs (the `int` converter below). Never a 500: Python's ints, dates and
datetimes reach further than the databases' columns and the calendar, and those are the cases handled here.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from flask import Flask, abort, jsonify, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from app.refusals import Refused

# Integer primary keys are 32-bit on PostgreSQL (and SQLite's are 64-bit): one cap for every database.
MAX_ID = 2**31 - 1
MAX_TEXT = 200
# Control characters never belong in a filter; NUL cannot even be stored in PostgreSQL text.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
MONTH = re.compile(r"\d{4}-\d{2}", re.ASCII)
DIGITS = re.compile(r"\d{1,19}", re.ASCII)


class BadParameter(Refused):
    """A query-string or form value that cannot be used: `code` says why, `name` which parameter."""

    def __init__(self, code: str, name: str, **info):
        super().__init__(code, name=name, **info)


def message(error: BadParameter) -> str:
    """The refusal in the person's language."""
    info = error.info
    name = info.get("name", "")
    messages = {
        "empty": lambda: _("“%(name)s” is empty: give a value or leave it out.", name=name),
        "not_a_number": lambda: _("“%(name)s” must be a whole number from %(low)d to %(high)d.",
                                  name=name, low=info.get("low", 1), high=info.get("high", MAX_ID)),
        "bad_date": lambda: _("“%(name)s” must be a date written YYYY-MM-DD, for example 2026-03-31.", name=name),
        "bad_month": lambda: _("“%(name)s” must be a month written YYYY-MM, for example 2026-03.", name=name),
        "bad_range": lambda: _("“%(name)s” comes before the start of the range.", name=name),
        "bad_cursor": lambda: _("“%(name)s” is not a page of this list. Go back to the first page.", name=name),
        "too_long": lambda: _("“%(name)s” must be %(max)d characters or fewer.", name=name,
                              max=info.get("max", MAX_TEXT)),
        "control_characters": lambda: _("“%(name)s” contains control characters. Remove them and try again.",
                                        name=name),
        "not_a_choice": lambda: _("“%(name)s” must be one of: %(choices)s.", name=name,
                                  choices=", ".join(info.get("choices", ()))),
    }
    return messages.get(error.code, lambda: _("“%(name)s” is not valid.", name=name))()


def number(raw: str | None, name: str, low: int, high: int, default: int | None = None) -> int | None:
    """A whole number from low to high; absent gives the default, an empty value is refused."""
    if raw is None:
        return default
    if raw == "":
        raise BadParameter("empty", name)
    if not DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        raise BadParameter("not_a_number", name, low=low, high=high)
    return int(raw)


def ident(raw: str | None, name: str, default: int | None = None) -> int | None:
    """An id (or an id-keyed cursor) from the query string: 1 to MAX_ID."""
    return number(raw, name, 1, MAX_ID, default)


def form_id(value) -> int:
    """An id posted in a form, as a WTForms `coerce`: its ValueError becomes the field's error."""
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"{value} is not an id")
    return number


def cursor(raw: str | None, name: str) -> int:
    """An id-keyed (or counter-keyed) keyset cursor: 0 to MAX_ID, absent is 0 (the first page)."""
    return number(raw, name, 0, MAX_ID, 0)


def choice(raw: str | None, name: str, choices, default: str | None = None) -> str | None:
    """One of `choices`; absent or empty gives the default."""
    if raw is None or raw == "":
        return default
    allowed = sorted(str(c) for c in choices)
    if raw not in allowed:
        raise BadParameter("not_a_choice", name, choices=tuple(allowed))
    return raw


def text(raw: str | None, name: str, max_length: int = MAX_TEXT) -> str:
    """A free-text filter (search, a username), stripped; too long or with control characters is refused."""
    value = (raw or "").strip()
    if len(value) > max_length:
        raise BadParameter("too_long", name, max=max_length)
    if CONTROL.search(value):
        raise BadParameter("control_characters", name)
    return value


def day(raw: str | None, name: str) -> date | None:
    """A date written YYYY-MM-DD; absent or empty gives None."""
    if not raw:
        return None
    try:
        if not DAY.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise BadParameter("bad_date", name) from None


def month(raw: str | None, name: str) -> date | None:
    """A month written YYYY-MM, as its first day (years 1 to 9999); absent or empty gives None."""
    if not raw:
        return None
    try:
        if not MONTH.fullmatch(raw):
            raise ValueError(raw)
        return date(int(raw[:4]), int(raw[5:]), 1)
    except ValueError:
        raise BadParameter("bad_month", name) from None


def day_start(value: date) -> datetime:
    return datetime.combine(value, time.min, tzinfo=UTC)


def day_end(value: date) -> datetime | None:
    """The first instant after the day (ranges include their last day); None after the calendar's last day,
    where there is no such instant and the range simply has no end."""
    return None if value == date.max else day_start(value) + timedelta(days=1)


def moment(raw: str, name: str) -> datetime:
    """An ISO 8601 date and time, as UTC; one without an offset is read as UTC. An offset that pushes it past
    either end of the calendar is refused (Python can write 9999-12-31T23:59-05:00, but not in UTC)."""
    try:
        value = datetime.fromisoformat(raw)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (ValueError, OverflowError):
        raise BadParameter("bad_cursor", name) from None


def keyset(raw: str | None, name: str) -> tuple[datetime, int] | None:
    """A keyset cursor "<ISO date and time>|<id>"; absent or empty gives None."""
    if not raw:
        return None
    when, sep, key = raw.partition("|")
    if not sep or len(raw) > 80:
        raise BadParameter("bad_cursor", name)
    try:
        return moment(when, name), ident(key, name)
    except BadParameter:
        raise BadParameter("bad_cursor", name) from None


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: 1 to MAX_ID, so /review/18446744073709551616 is a 404 and never reaches the
    database (Werkzeug's own converter takes any number of digits)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,  # noqa: A002
                 signed: bool = False):
        super().__init__(map, fixed_digits, min, max, signed)


def _refuse_nul() -> None:
    """No text in alta may hold NUL (PostgreSQL refuses it mid-query), and nobody types one into an address:
    in the path it names no page (404), in the query string it is a BadParameter (400). Forms refuse it at the
    field instead (app/fields.py), where the person sees the error next to what they typed."""
    if any(isinstance(v, str) and "\x00" in v for v in (request.view_args or {}).values()):
        abort(404)
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            raise BadParameter("control_characters", key.replace("\x00", ""))


def _refused(error: BadParameter):
    if request.path == "/api" or request.path.startswith("/api/"):
        return jsonify({"error": message(error)}), 400
    from app.web import error_page

    return error_page(400, message=message(error))


def init_app(app: Flask) -> None:
    """Called before any blueprint is registered: rules take their converters when they are added."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(_refuse_nul)
    app.register_error_handler(BadParameter, _refused)
