"""Rate-limit keys for personal values (addresses, usernames): a keyed hash, so Redis never holds them.

HMAC with the app's SECRET_KEY rather than a plain hash: addresses are guessable, and an unkeyed digest
of a guessed address would confirm it to whoever reads Redis.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app


def keyed(scope: str, value: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return f"{scope}:" + hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()
