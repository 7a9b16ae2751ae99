"""Bearer-token authentication of the read-only API: per-sysadmin tokens, stored as SHA-256 hashes."""

from __future__ import annotations

import functools
import logging
from datetime import timedelta

from flask import current_app, g, jsonify, request
from flask_login import current_user
from sqlalchemy import or_, select, update

from app import directory
from app.auth.access import Role
from app.console.services import hash_token
from app.extensions import db
from app.models import ApiToken, utcnow
from app.queues import get_redis

log = logging.getLogger(__name__)

# last_used_at is bookkeeping, not an audit trail: write it at most this often per token.
TOUCH_EVERY = timedelta(minutes=5)
MAX_TOKEN_LENGTH = 200


def unauthorized(message: str):
    response = jsonify({"error": message})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="alta"'
    return response


def _token_from_header() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    return raw


def authenticate() -> ApiToken | None:
    raw = _token_from_header()
    if raw is None:
        return None
    token = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(raw),
                                                      ApiToken.revoked_at.is_(None))).first()
    if token is None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id, or_(
            ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOUCH_EVERY)).values(last_used_at=now))
        db.session.commit()
    return token


def owner_is_sysadmin(uid: str) -> bool:
    """A token is only as good as its owner's role: re-read from LDAP at most every ROLE_RECHECK_SECONDS
    (the answer is cached in Redis, shared by every web process). Directory unreachable: refuse."""
    key = f"alta:api-owner-role:{uid}"
    ttl = max(1, int(current_app.config["ROLE_RECHECK_SECONDS"]))
    redis = get_redis()
    try:
        cached = redis.get(key)
        if cached is not None:
            return cached == b"1"
    except Exception:  # noqa: BLE001 - without Redis, ask the directory every time
        redis = None
    try:
        allowed = Role.SYSADMINS in directory.staff_groups(directory.Directory.from_config(), uid)
    except directory.LDAPException as exc:
        log.warning("API token: role check of %s failed: %s", uid, type(exc).__name__)
        return False
    if redis is not None:
        try:
            redis.set(key, b"1" if allowed else b"0", ex=ttl)
        except Exception as exc:  # noqa: BLE001 - the cache is an optimisation only
            log.info("API token: could not cache the role of %s: %s", uid, type(exc).__name__)
    return allowed


def token_required(allow_sysadmin_session: bool = False):
    """Refuse (401, JSON) unless the request carries a live token; optionally a sysadmin's session will do
    (for the OpenAPI file, linked from the console)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            token = authenticate()
            if token is not None and not owner_is_sysadmin(token.uid):
                return unauthorized("the token's owner is no longer a sysadmin")
            if token is not None:
                g.api_uid = token.uid
            elif allow_sysadmin_session and current_user.is_authenticated and current_user.has_role(Role.SYSADMINS):
                g.api_uid = current_user.uid
            else:
                return unauthorized("a valid API token is required: Authorization: Bearer <token>")
            return view(*args, **kwargs)

        wrapper.alta_api_token = True
        return wrapper

    return decorate
