"""Staff actions of the console. Each function owns its transaction: rows, audit event, one commit."""

from __future__ import annotations

import secrets

from sqlalchemy import update

from app import audit
from app.extensions import db
from app.hashing import sha256_hex
from app.models import ApiToken, utcnow
from app.provisioning import services as provisioning
from app.provisioning.services import JobActionError, can_relaunch  # noqa: F401 - re-exported for the views

TOKEN_PREFIX = "alta_"  # noqa: S105 - a prefix that makes leaked tokens easy to spot, not a secret


def hash_token(raw: str) -> str:
    return sha256_hex(raw)


def create_api_token(uid: str, name: str) -> tuple[ApiToken, str]:
    """A new token for `uid`; returns the row and the raw token, which is shown once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(uid=uid, name=name.strip(), token_hash=hash_token(raw))
    db.session.add(token)
    db.session.flush()
    audit.record(uid, "api_token.created", f"api_token:{token.id}", {"name": token.name, "owner": uid})
    db.session.commit()
    return token, raw


def revoke_api_token(token_id: int, actor: str) -> bool:
    """Revoke a token (any sysadmin may revoke any token: a leaked one must not wait for its owner).
    Returns False when it did not exist or was already revoked."""
    revoked = db.session.execute(update(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
                                 .values(revoked_at=utcnow())).rowcount
    if revoked:
        owner = db.session.get(ApiToken, token_id).uid
        audit.record(actor, "api_token.revoked", f"api_token:{token_id}", {"owner": owner})
    db.session.commit()
    return bool(revoked)


def record_export(actor: str, fmt: str, filters) -> None:
    """The audit event for an export is committed before the first byte leaves."""
    audit.record(actor, "audit.exported", None, {"format": fmt} | filters.query_args())
    db.session.commit()


def cancel_job(job_id: int, actor: str):
    """Delegates to the engine, which owns the job's state machine and writes the audit event."""
    return provisioning.cancel(job_id, actor)


def relaunch_job(job_id: int, actor: str):
    """A new attempt of the job's unsuccessful items (audited by the engine); returns the new job."""
    return provisioning.relaunch(job_id, actor)
