"""Logging set-up, and the one filter that keeps link tokens out of every log line the process writes.

A link token (status, resume, verification, activation) opens someone's application or account, so it must
never reach a log: werkzeug's and gunicorn's request and access logs, the app's own lines, tracebacks.
The token routes are read from the URL map (every rule with a parameter named `token`), so a new token
route is covered without a list to keep up to date; the current request's token and anything shaped like
one of our tokens are replaced wherever they appear. The filter runs as each record is made (a log record
factory), which covers every logger and every handler, also those gunicorn or werkzeug add after us.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
import weakref

from flask import Flask, has_request_context, request
from werkzeug.routing import Map

MARKER = "[redacted]"

# The segment where a token sits: up to the next slash, query, fragment, space or quote.
_SEGMENT = r"[^/?#\s\"'<>]+"
_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
# The shape of every link token alta mints (32 random bytes or an HMAC-SHA256, URL-safe base64 without
# padding: 43 characters), standing alone: a token logged bare, outside any request (the worker, or
# werkzeug's "Error on request" traceback after the request has ended), is caught by its shape.
_BARE_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")

_maps: weakref.WeakSet[Map] = weakref.WeakSet()
_lock = threading.Lock()
_compiled: tuple[tuple, re.Pattern | None] = ((), None)


def _rule_pattern(rule: str) -> str | None:
    """The regex of a rule's path up to its token (other parameters match any segment); None if no token."""
    parts, position = [], 0
    for match in _PARAM.finditer(rule):
        parts.append(re.escape(rule[position:match.start()]))
        if match.group(1) == "token":
            return "".join(parts)
        parts.append(_SEGMENT)
        position = match.end()
    return None


def _pattern() -> re.Pattern | None:
    """One regex for every token route of every URL map registered; rebuilt when a map gains rules."""
    global _compiled
    maps = list(_maps)
    key = tuple((id(m), len(m._rules)) for m in maps)
    if key != _compiled[0]:
        prefixes = sorted({p for m in maps for r in m.iter_rules() if (p := _rule_pattern(r.rule))})
        pattern = re.compile(f"({'|'.join(prefixes)}){_SEGMENT}") if prefixes else None
        with _lock:
            _compiled = (key, pattern)
    return _compiled[1]


def _request_token() -> str | None:
    """The token of the request being handled, if its route has one (it may appear bare, e.g. in an error)."""
    if not has_request_context():
        return None
    token = (request.view_args or {}).get("token")
    return token if isinstance(token, str) and token else None


def redact(text: str) -> str:
    """The text with every token in a token route's path, the current request's token and anything shaped
    like one of our tokens replaced by MARKER."""
    pattern = _pattern()
    if pattern is not None:
        text = pattern.sub(lambda m: m.group(1) + MARKER, text)
    token = _request_token()
    if token:
        text = text.replace(token, MARKER)
    return _BARE_TOKEN.sub(MARKER, text)


class RedactLinkTokens(logging.Filter):
    """Rewrites a record's message, traceback and stack in place; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's to report, as it would be
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            # The formatted text replaces the exception itself, so no handler can format the raw one.
            record.exc_text, record.exc_info = redact(text), None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactLinkTokens()


def _install_record_factory() -> None:
    previous = logging.getLogRecordFactory()
    if getattr(previous, "alta_redacts", False):
        return

    def make_record(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _FILTER.filter(record)
        return record

    make_record.alta_redacts = True
    logging.setLogRecordFactory(make_record)


def init_app(app: Flask) -> None:
    """Called by create_app once every area has added its routes."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _maps.add(app.url_map)
    _install_record_factory()
