"""Staff sessions: sign in against LDAP, load and re-check a session on each request, sign out.

The browser's cookie carries a random session id; the staff_session table keeps only its SHA-256, so a
copy of the database lets nobody in, and ending a row ends the session everywhere at once.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import insert, select, update

from app import audit, directory
from app.audit import client_ip
from app.extensions import db
from app.hashing import sha256_hex
from app.models import AuditEvent, StaffSession, utcnow
from app.refusals import Refused

log = logging.getLogger(__name__)

MAX_LOGGED_USERNAME = 64


class SignInRefused(Refused):
    """Sign-in failed. The code is the reason recorded in the audit event; the person sees only whether it
    was their credentials or "directory_unavailable" (not their fault), never which check failed."""


@dataclass
class StaffUser(UserMixin):
    """The signed-in member of staff, as flask_login's current_user."""

    session_id: str  # the raw id from the cookie (flask_login keeps it in the signed session)
    uid: str
    roles: frozenset[str]

    def get_id(self) -> str:
        return self.session_id

    def has_role(self, role: str) -> bool:
        return role in self.roles


def session_hash(session_id: str) -> str:
    return sha256_hex(session_id)


def normalise_username(raw: object) -> str:
    return raw.strip().lower() if isinstance(raw, str) else ""


def _refuse(username: str, reason: str) -> SignInRefused:
    # Never the password; the attempted name is cut short so a huge value cannot bloat the log.
    audit.record("anonymous", "auth.failed", None,
                 {"username": username[:MAX_LOGGED_USERNAME], "reason": reason})
    db.session.commit()
    return SignInRefused(reason.replace(" ", "_"))


def sign_in(raw_username: object, password: object) -> StaffUser:
    """Check the credentials against LDAP and open a server-side session; raises SignInRefused."""
    username = normalise_username(raw_username)
    if not isinstance(password, str) or not password.strip():
        raise _refuse(username, "empty password")
    if not directory.valid_staff_uid(username):
        raise _refuse(username, "invalid username")
    try:
        found = directory.authenticate_staff(directory.Directory.from_config(), username, password)
    except directory.LDAPException as exc:
        log.warning("staff sign-in: directory unavailable: %s", type(exc).__name__)
        raise _refuse(username, "directory unavailable") from None
    if found is None:
        raise _refuse(username, "bad credentials")
    dn, roles = found
    if not roles:
        raise _refuse(username, "not in a staff group")
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(StaffSession(id=session_hash(session_id), uid=username, dn=dn, roles=sorted(roles),
                                roles_checked_at=now, created_at=now, last_seen_at=now))
    audit.record(username, "auth.signed_in", f"staff:{username}", {"roles": sorted(roles)})
    db.session.commit()
    return StaffUser(session_id, username, roles)


def sign_out(session_id: str) -> None:
    row = db.session.get(StaffSession, session_hash(session_id))
    if row is None or row.ended_at is not None:
        return
    row.ended_at = utcnow()
    audit.record(row.uid, "auth.signed_out", f"staff:{row.uid}", {})
    db.session.commit()


def _older_than(moment: datetime | None, seconds: float, now: datetime) -> bool:
    return moment is None or now - moment >= timedelta(seconds=seconds)


def load(session_id: str) -> StaffUser | None:
    """The user of a live session, with roles re-read from LDAP when the last check is too old; else None.

    Runs on its own connection and transaction, so it never commits work the request has pending.
    """
    if not isinstance(session_id, str) or not session_id:
        return None
    config = current_app.config
    now = utcnow()
    table = StaffSession.__table__
    key = session_hash(session_id)
    with db.engine.begin() as conn:
        row = conn.execute(select(table).where(table.c.id == key)).mappings().first()
        if row is None or row["ended_at"] is not None:
            return None
        last_seen = _aware(row["last_seen_at"])
        idle = float(config["STAFF_IDLE_TIMEOUT_MINUTES"]) * 60
        if _older_than(last_seen, idle, now):
            conn.execute(update(table).where(table.c.id == key, table.c.ended_at.is_(None)).values(ended_at=now))
            conn.execute(insert(AuditEvent.__table__).values(
                at=now, actor=row["uid"], action="auth.expired", target=f"staff:{row['uid']}", details={},
                ip=client_ip()))
            return None
        values: dict = {}
        roles = frozenset(row["roles"] or ())
        if _older_than(_aware(row["roles_checked_at"]), float(config["ROLE_RECHECK_SECONDS"]), now):
            try:
                fresh = directory.staff_groups(directory.Directory.from_config(), row["uid"])
            except directory.LDAPException as exc:
                # Fail closed for this request; the next request tries the directory again.
                log.warning("staff role re-check failed for %s: %s", row["uid"], type(exc).__name__)
                return StaffUser(session_id, row["uid"], frozenset())
            values.update(roles=sorted(fresh), roles_checked_at=now)
            if fresh != roles:
                conn.execute(insert(AuditEvent.__table__).values(
                    at=now, actor="system", action="auth.roles_changed", target=f"staff:{row['uid']}",
                    details={"before": sorted(roles), "after": sorted(fresh)}, ip=client_ip()))
            roles = fresh
        # Writing last_seen_at on every request would make each page a write; a coarse clock is enough.
        if _older_than(last_seen, min(60.0, idle / 4), now):
            values["last_seen_at"] = now
        if values:
            conn.execute(update(table).where(table.c.id == key).values(**values))
    return StaffUser(session_id, row["uid"], roles)


def _aware(value: datetime | None) -> datetime | None:
    # UTCDateTime already returns aware values; this guards against a driver that does not.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
