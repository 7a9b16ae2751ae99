"""Every emailed link in one place: minting its token, hashing it for storage, its expiry, its URL.

Only a token's hash is ever stored; the token itself exists in the email and the person's browser.
URLs are built from the URL map with BASE_URL as the host, so they work the same in a request and in
the worker (which builds the emails) and follow the routes if a path changes.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app

from app.hashing import sha256_hex
from app.models import utcnow

# Longer tokens than this are refused before any lookup (ours are 43 characters).
MAX_TOKEN_LENGTH = 128


def new_token() -> tuple[str, str]:
    """A fresh random link token and the hash to store for it."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return sha256_hex(token)


def well_formed(token: object) -> bool:
    """Worth a database lookup: a non-empty string of sane length."""
    return isinstance(token, str) and 0 < len(token) <= MAX_TOKEN_LENGTH


def expiry(*, days: float = 0, hours: float = 0) -> datetime:
    """When a link minted now stops working."""
    return utcnow() + timedelta(days=days, hours=hours)


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of an endpoint under BASE_URL, e.g. external_url("onboarding.status", token=t)."""
    base = urlsplit(str(current_app.config["BASE_URL"]))
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)
