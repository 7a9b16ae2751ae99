"""Redaction: values under keys that look like a password/secret/token never reach events or stdout."""

from __future__ import annotations

import re

REDACTED = "********"
CUT_MARKER = "\n[… output cut by alta: {dropped} more characters not stored …]\n"

# Keys whose values are secrets, in any spelling: password, db_pass, api_token, client_secret, …
SECRET_KEY = re.compile(r"pass(word|wd|phrase)?|secret|token|api[_-]?key|private[_-]?key|credential",
                        re.IGNORECASE)

# `key: value`, `key=value`, `"key": "value"` and `'key': 'value'` in free text (stdout, messages).
_KEY = r"[\w.-]*(?:pass(?:word|wd|phrase)?|secret|token|api[_-]?key|private[_-]?key|credential)[\w.-]*"
_TEXT_PATTERNS = [
    re.compile(r'(?P<k>"' + _KEY + r'"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE),
    re.compile(r"(?P<k>'" + _KEY + r"'\s*:\s*)'(?:[^'\\]|\\.)*'", re.IGNORECASE),
    re.compile(r'(?P<k>"' + _KEY + r'"\s*:\s*)(?!")[^,}\s]+', re.IGNORECASE),
    re.compile(r"(?P<k>\b" + _KEY + r"\s*[=:]\s*)(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|(?![{\[])[^\s,;&]+)",
               re.IGNORECASE),
]


def is_secret_key(key: object) -> bool:
    return isinstance(key, str) and bool(SECRET_KEY.search(key))


def redact(value: object) -> object:
    """A copy of value (dicts, lists, strings) with every secret-looking key's value replaced."""
    if isinstance(value, dict):
        return {k: (REDACTED if is_secret_key(k) and v not in (None, "") else redact(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


# Cheap first look: most text names no secret-looking key at all.
_HINT = re.compile(r"pass|secret|token|api[_-]?key|private[_-]?key|credential", re.IGNORECASE)


def redact_text(text: str) -> str:
    if not _HINT.search(text):
        return text
    for pattern in _TEXT_PATTERNS:
        text = pattern.sub(lambda m: m.group("k") + _quoted_like(m), text)
    return text


def _quoted_like(match: re.Match) -> str:
    rest = match.group(0)[len(match.group("k")):]
    quote = rest[:1] if rest[:1] in "\"'" else ""
    return f"{quote}{REDACTED}{quote}"


def cap(text: str, limit: int) -> tuple[str, bool]:
    """At most `limit` characters of text, with a marker saying how much was cut; (text, was_cut)."""
    if len(text) <= limit:
        return text, False
    dropped = len(text) - limit
    return text[:limit] + CUT_MARKER.format(dropped=dropped), True
