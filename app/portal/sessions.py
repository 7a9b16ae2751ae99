"""Member sign-in against the directory, and server-side sessions for /me/.

The cookie holds a random session id; the database holds only its SHA-256 (MemberSession), so signing
out or an idle timeout ends the session for good, whatever the browser kept. Every sign-in, refusal,
sign-out and expiry is an audit event; the password goes to LDAP and nowhere else.
"""

from __future__ import annotations

import functools
import logging
import secrets
from datetime import timedelta

from flask import current_app, g, redirect, request, session, url_for
from sqlalchemy import func, select, update

from app import audit, directory
from app.auth.access import safe_next
from app.extensions import db
from app.hashing import sha256_hex
from app.i18n import fresh_session
from app.models import Application, ApplicationState, Member, MemberSession, MemberState, utcnow
from app.refusals import Refused

log = logging.getLogger(__name__)

COOKIE_KEY = "member_session"
MAX_LOGGED_IDENTITY = 64


class MemberSignInRefused(Refused):
    """The code is the reason recorded in the audit event. The person sees only "credentials" (whichever
    check failed) or, after a right password, "locked" (support switched them off) or "left"; or
    "directory_unavailable"."""


def normalise_identity(raw: object) -> str:
    return raw.strip().lower() if isinstance(raw, str) else ""


def uid_for(identity: str) -> str:
    """A member's uid from what they typed: their username, or the address they applied with."""
    if "@" not in identity:
        return identity
    uids = db.session.scalars(
        select(Member.uid).join(Application, Application.id == Member.application_id)
        .where(func.lower(Application.email) == identity, Application.state == ApplicationState.APPROVED)
        .limit(2)).all()
    # One address may belong to two members (a person and their organisation): then the username decides.
    return uids[0] if len(uids) == 1 else ""


def _refuse(identity: str, reason: str) -> MemberSignInRefused:
    audit.record("anonymous", "member.sign_in_failed", None,
                 {"identity": identity[:MAX_LOGGED_IDENTITY], "reason": reason})
    db.session.commit()
    return MemberSignInRefused(reason.replace(" ", "_"))


def sign_in(raw_identity: object, password: object) -> str:
    """Check the credentials against LDAP and open a session; returns the raw session id for the cookie."""
    identity = normalise_identity(raw_identity)
    if not isinstance(password, str) or not password.strip():
        raise _refuse(identity, "empty password")
    uid = uid_for(identity)
    if not directory.valid_staff_uid(uid):
        raise _refuse(identity, "unknown identity")
    try:
        found = directory.authenticate_member(directory.Directory.from_config(), uid, password)
    except directory.LDAPException as exc:
        log.warning("member sign-in: directory unavailable: %s", type(exc).__name__)
        raise _refuse(identity, "directory unavailable") from None
    member = db.session.scalar(select(Member).where(Member.uid == uid)) if found else None
    if member is None:
        raise _refuse(identity, "bad credentials")
    if member.state == MemberState.LEFT:
        raise _refuse(identity, "left")
    if found.locked:
        raise _refuse(identity, "locked")
    raw = secrets.token_urlsafe(32)
    db.session.add(MemberSession(id=sha256_hex(raw), member_id=member.id))
    audit.record(f"member:{member.uid}", "member.signed_in", f"member:{member.id}", {})
    db.session.commit()
    return raw


def sign_out(raw: str | None) -> None:
    row = db.session.get(MemberSession, sha256_hex(raw)) if raw else None
    if row is None or row.ended_at is not None:
        return
    row.ended_at = utcnow()
    member = db.session.get(Member, row.member_id)
    audit.record(f"member:{member.uid}", "member.signed_out", f"member:{member.id}", {})
    db.session.commit()


def load(raw: object) -> Member | None:
    """The member of a live session, or None (ending the session, audited, once it has been idle too long)."""
    if not isinstance(raw, str) or not raw:
        return None
    row = db.session.get(MemberSession, sha256_hex(raw))
    if row is None or row.ended_at is not None:
        return None
    now = utcnow()
    idle = timedelta(minutes=float(current_app.config["MEMBER_IDLE_TIMEOUT_MINUTES"]))
    member = db.session.get(Member, row.member_id)
    if now - row.last_seen_at >= idle:
        ended = db.session.execute(update(MemberSession).where(MemberSession.id == row.id,
                                                               MemberSession.ended_at.is_(None))
                                   .values(ended_at=now)).rowcount
        if ended:
            audit.record("system", "member.session_expired", f"member:{member.id}", {})
        db.session.commit()
        return None
    # A coarse clock: writing last_seen_at on every request would make every page a write.
    if now - row.last_seen_at >= min(timedelta(minutes=1), idle / 4):
        row.last_seen_at = now
        db.session.commit()
    return member


def start(raw: str) -> None:
    """Put a new session id in a fresh cookie session (app/i18n.fresh_session)."""
    fresh_session()
    session[COOKIE_KEY] = raw


def member_required(view):
    """Not signed in as a member (or the session ended) → the member sign-in page, back here afterwards."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        member = load(session.get(COOKIE_KEY))
        if member is None:
            session.pop(COOKIE_KEY, None)
            here = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("portal.sign_in", next=safe_next(here)), 303)
        g.member = member
        g.personal_data = True  # no-store (app/security.py)
        return view(*args, **kwargs)

    wrapper.alta_member_only = True
    return wrapper
