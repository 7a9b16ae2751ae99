"""Activation: once every service of a member is active, a one-time, expiring link to set the password.

The link's token is minted by the mail builder at send time; only its SHA-256 is stored. The password
goes to LDAP with the Password Modify operation and nowhere else (not the database, not the logs).
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select, update

from app import audit, directory, links, mail
from app.extensions import db
from app.models import ActivationToken, ItemStatus, JobState, Member, ServiceState, utcnow
from app.provisioning import planning
from app.refusals import Refused

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


class ActivationError(Refused):
    """Code "unusable" (unknown or expired link), "used" (already used: e.g. a double submit) or
    "directory_unavailable" (LDAP refused or was down: nothing changed and the link still works)."""


def all_services_active(member: Member) -> bool:
    """True for a member who asked for no services too: they still sign in to their member pages."""
    return all(r.state == ServiceState.ACTIVE for r in member.service_requests)


def after_job(job) -> None:
    """After-end hook of the provisioning engine: members this job set up may now be fully active."""
    if job.state != JobState.SUCCESSFUL or planning.switches_off(job):
        return
    members = {item.service_request.member_id: item.service_request.member for item in job.items
               if item.status == ItemStatus.OK and item.service_request.member is not None}
    for member in members.values():
        try:
            maybe_send_activation(member)
        except Exception:  # noqa: BLE001 - the job's outcome is stored; the email can be retried
            db.session.rollback()
            log.exception("activation email for member %s not queued", member.id)


def maybe_send_activation(member: Member) -> bool:
    """Queue the activation email if every service of the member is active and none was queued yet.

    For the provisioning engine to call when a job ends (after the job's end state is committed).
    The conditional UPDATE makes it safe for several jobs ending at once: one email. Commits.
    """
    db.session.refresh(member)
    if member.password_set_at is not None or not all_services_active(member):
        return False
    claimed = db.session.execute(
        update(Member).where(Member.id == member.id, Member.activation_queued_at.is_(None),
                             Member.password_set_at.is_(None)).values(activation_queued_at=utcnow())
    ).rowcount
    if not claimed:
        db.session.rollback()
        return False
    mail.queue("members.activation", member_id=member.id)
    audit.record("system", "member.activation_queued", f"member:{member.id}", {})
    db.session.commit()
    return True


def mint(member: Member) -> str:
    """A fresh link token for the member (older unused links stop working). Adds to the session."""
    now = utcnow()
    db.session.execute(update(ActivationToken).where(ActivationToken.member_id == member.id,
                                                     ActivationToken.used_at.is_(None)).values(used_at=now))
    token, hashed = links.new_token()
    hours = int(current_app.config["ACTIVATION_TOKEN_HOURS"])
    db.session.add(ActivationToken(member_id=member.id, token_hash=hashed, expires_at=links.expiry(hours=hours)))
    return token


@mail.message("members.activation")
def activation_letter(payload: dict) -> mail.Letter | None:
    member = db.session.get(Member, payload["member_id"])
    if member is None or member.password_set_at is not None:
        return None
    application = member.application
    token = mint(member)
    return mail.Letter(
        to=application.email, language=application.language, template="members_activation",
        subject="Your cooperative accounts are ready: set your password",
        context={"name": application.display_name, "uid": member.uid,
                 "url": links.external_url("members.activate", token=token),
                 "hours": int(current_app.config["ACTIVATION_TOKEN_HOURS"]),
                 "services": [r.kind for r in member.service_requests],
                 "min_length": MIN_PASSWORD_LENGTH},
        target=f"member:{member.id}",
    )


@mail.message("members.password_reset")
def password_reset_letter(payload: dict) -> mail.Letter | None:
    """A member asked for a new password: the same one-time, expiring link as activation, in their language."""
    member = db.session.get(Member, payload["member_id"])
    if member is None:
        return None
    application = member.application
    token = mint(member)
    return mail.Letter(
        to=application.email, language=(member.languages or [application.language])[0],
        template="members_password_reset", subject="Choose a new password for your cooperative accounts",
        context={"name": application.display_name, "uid": member.uid,
                 "url": links.external_url("members.activate", token=token),
                 "hours": int(current_app.config["ACTIVATION_TOKEN_HOURS"]), "min_length": MIN_PASSWORD_LENGTH},
        target=f"member:{member.id}",
    )


def find(token: str) -> tuple[ActivationToken, Member] | None:
    """The live (unused, unexpired) link a token belongs to, with its member; None otherwise."""
    if not links.well_formed(token):
        return None
    row = db.session.scalar(select(ActivationToken).where(ActivationToken.token_hash == links.token_hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    member = db.session.get(Member, row.member_id)
    return (row, member) if member is not None else None


def set_password(token: str, password: str) -> Member:
    """Use the link: mark it used (conditional UPDATE), set the password in LDAP, audit, commit.

    The UPDATE and the LDAP operation share one transaction: if the directory refuses, nothing is
    committed and the link still works; two concurrent submits cannot both pass the UPDATE.
    """
    found = find(token)
    if found is None:
        raise ActivationError("unusable")
    row, member = found
    now = utcnow()
    claimed = db.session.execute(
        update(ActivationToken).where(ActivationToken.id == row.id, ActivationToken.used_at.is_(None),
                                      ActivationToken.expires_at > now).values(used_at=now)
    ).rowcount
    if not claimed:
        db.session.rollback()
        raise ActivationError("used")
    try:
        directory.set_member_password(directory.Directory.from_config(), member.uid, password)
    except (directory.LDAPException, ValueError) as exc:
        db.session.rollback()
        raise ActivationError("directory_unavailable") from exc
    member.password_set_at = now
    audit.record(f"member:{member.uid}", "member.password_set", f"member:{member.id}", {"via": "activation"})
    db.session.commit()
    return member
