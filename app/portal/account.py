"""The member's password: changing it (the current one first) and "forgot password" by emailed link.

The password goes to LDAP (Password Modify) and nowhere else. A reset link is the activation link
(app/members/activation.py: hash stored, single use, expiry), sent by its own email.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from app import audit, directory, mail
from app.extensions import db
from app.models import Member, utcnow
from app.portal.sessions import MAX_LOGGED_IDENTITY, normalise_identity, uid_for
from app.refusals import Refused

log = logging.getLogger(__name__)


class PasswordRefused(Refused):
    """Code "wrong_current" (the current password did not bind) or "directory_unavailable"."""


def change_password(member: Member, current: str, new: str) -> None:
    d = directory.Directory.from_config()
    try:
        found = directory.authenticate_member(d, member.uid, current)
        if found is None:
            audit.record(f"member:{member.uid}", "member.password_change_refused", f"member:{member.id}",
                         {"reason": "wrong current password"})
            db.session.commit()
            raise PasswordRefused("wrong_current")
        directory.set_member_password(d, member.uid, new)
    except (directory.LDAPException, ValueError) as exc:
        log.warning("member password change: directory refused: %s", type(exc).__name__)
        raise PasswordRefused("directory_unavailable") from None
    member.password_set_at = utcnow()
    audit.record(f"member:{member.uid}", "member.password_set", f"member:{member.id}", {"via": "change"})
    db.session.commit()


def request_reset(raw_identity: object) -> None:
    """Email a one-time link if the identity names a member; say nothing either way (no account probing)."""
    identity = normalise_identity(raw_identity)
    uid = uid_for(identity)
    member = db.session.scalar(select(Member).where(Member.uid == uid)) if uid else None
    audit.record(f"member:{member.uid}" if member else "anonymous", "member.password_reset_requested",
                 f"member:{member.id}" if member else None,
                 {} if member else {"identity": identity[:MAX_LOGGED_IDENTITY], "known": False})
    if member is not None:
        mail.queue("members.password_reset", member_id=member.id)
    db.session.commit()
