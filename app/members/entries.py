"""Directory entries for the members a provisioning job covers, written before the playbook runs.

Registered as a before-run hook of the provisioning engine (app/members/__init__.py): every member of
the job gets their LDAP entry (a rerun is safe: an entry with the same data is success), an email job
adds the mail addresses and quota, and a switch job (options {"state": SERVICES_OFF | SERVICES_ON},
app/provisioning/planning.py) locks or unlocks the entries.
"""

from __future__ import annotations

import logging

from flask import current_app

from app import directory, outbox
from app.extensions import db
from app.members import activation
from app.models import Member, MemberState
from app.provisioning import extravars, hooks, planning

log = logging.getLogger(__name__)


def member_attributes(member) -> dict:
    """The directory attributes of a member entry (everything but objectClass and uid)."""
    application = member.application
    display = application.display_name or member.uid
    return {
        "cn": display,
        "sn": application.full_name or display,
        "displayName": display,
        "o": application.organisation_name or None,
        "mail": application.email,
        "preferredLanguage": application.language,
        "uidNumber": member.uid_number,
        # Each member's own group (user private groups, as Debian does): gidNumber = uidNumber.
        "gidNumber": member.uid_number,
        "homeDirectory": extravars.home_directory(member.uid),
        "loginShell": current_app.config["MEMBER_LOGIN_SHELL"],
    }


def mail_addresses(params: dict) -> list[str]:
    domain = params.get("domain", "")
    return [f"{mailbox['local']}@{domain}" for mailbox in params.get("mailboxes", [])]


def sync_entry(member_id: int) -> str:
    """RQ task (outbox kind "member_entry") for a member no provisioning job covers (they asked for no
    services): write their entry, lock or unlock it to match their state, and send the activation email
    to an active member, so that they can sign in to their member pages too. Jobs do the same for members
    with services (ensure_entries). Safe to deliver twice: every step is idempotent."""
    member = db.session.get(Member, member_id)
    if member is None:
        return "no such member"
    d = directory.Directory.from_config()
    try:
        with d.service() as conn:
            directory.ensure_member_entry(conn, d, member.uid, member_attributes(member))
            directory.set_member_locked(conn, d, member.uid, locked=member.state != MemberState.ACTIVE)
    except directory.LDAPException as exc:
        if not directory.unreachable(exc):
            raise
        # Not lost: the outbox row goes back to the sweeper, which pushes it again until the directory answers.
        db.session.rollback()
        message = (f"the directory (LDAP at {d.url}) was unreachable ({exc}); the member's entry is written "
                   "when it answers again (the sweeper tries every few seconds)")
        outbox.again("member_entry", "member_id", member_id, message)
        log.warning("member %s: %s", member_id, message)
        return "directory unreachable: tried again later"
    if member.state == MemberState.ACTIVE and activation.maybe_send_activation(member):
        return "activation queued"
    return f"entry written ({member.state})"


def ensure_entries(job) -> None:
    """Create (idempotently) the LDAP entry of every member the job covers, with one service bind.

    Raises directory.EntryConflict when an entry exists with other data (the job then fails, naming it),
    and hooks.Unavailable when the directory does not answer (the job waits and is tried again).
    """
    d = directory.Directory.from_config()
    try:
        _write_entries(job, d)
    except directory.LDAPException as exc:
        if not directory.unreachable(exc):
            raise
        raise hooks.Unavailable(f"the directory (LDAP at {d.url})", str(exc)) from exc


def _write_entries(job, d: directory.Directory) -> None:
    switch = (job.options or {}).get("state")  # absent for the jobs planned at approval
    quota = int(current_app.config["MAIL_QUOTA_MB"])
    with d.service() as conn:
        for job_item in job.items:
            request = job_item.service_request
            member = request.member
            if member is None:
                raise ValueError(f"service request {request.id} has no member")
            directory.ensure_member_entry(conn, d, member.uid, member_attributes(member))
            if request.kind == "email" and switch != planning.SERVICES_OFF:
                directory.ensure_mail_account(conn, d, member.uid, mail_addresses(request.params), quota)
            if switch in (planning.SERVICES_OFF, planning.SERVICES_ON):
                directory.set_member_locked(conn, d, member.uid, locked=switch == planning.SERVICES_OFF)
