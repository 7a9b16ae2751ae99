"""The one SHA-256 helper: document texts, link tokens, session ids and API tokens are stored as this."""

from __future__ import annotations

import hashlib


def sha256_hex(value: str | bytes) -> str:
    """Hex SHA-256 of a text (as UTF-8) or of bytes."""
    data = value.encode("utf-8") if isinstance(value, str) else value
    return hashlib.sha256(data).hexdigest()
