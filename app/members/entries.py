"""Directory entries for the members a provisioning job covers, written before the playbook runs.

The provisioning worker calls `ensure_entries(job)` right before ansible-runner: every member of the
job gets their LDAP entry (a rerun is safe: an entry with the same data is success), an email job adds
the mail addresses and quota, and a job run with options {"state": "disabled"|"present"} locks or
unlocks the entries. `job_items(job)` builds the playbooks' `alta_items` from the same rows.
"""

from __future__ import annotations

from flask import current_app

from app import directory


def home_directory(uid: str) -> str:
    return f"/home/{uid}"


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
        "homeDirectory": home_directory(member.uid),
        "loginShell": current_app.config["MEMBER_LOGIN_SHELL"],
    }


def mail_addresses(params: dict) -> list[str]:
    domain = params.get("domain", "")
    return [f"{mailbox['local']}@{domain}" for mailbox in params.get("mailboxes", [])]


def job_items(job) -> list[dict]:
    """alta_items for the job's playbook: one dict per item (person-supplied strings: tag them !unsafe)."""
    items = []
    for job_item in job.items:
        request = job_item.service_request
        member = request.member
        application = member.application
        items.append({
            "label": job_item.label,
            "uid": member.uid,
            "uid_number": member.uid_number,
            "gid_number": member.uid_number,
            "home": home_directory(member.uid),
            "email": application.email,
            "full_name": application.display_name,
            **request.params,
        })
    return items


def ensure_entries(job) -> None:
    """Create (idempotently) the LDAP entry of every member the job covers, with one service bind.

    Raises directory.EntryConflict when an entry exists with other data (the job then fails, naming it).
    """
    d = directory.Directory.from_config()
    state = (job.options or {}).get("state")
    quota = int(current_app.config["MAIL_QUOTA_MB"])
    with d.service() as conn:
        for job_item in job.items:
            request = job_item.service_request
            member = request.member
            if member is None:
                raise ValueError(f"service request {request.id} has no member")
            directory.ensure_member_entry(conn, d, member.uid, member_attributes(member))
            if request.kind == "email" and state != "disabled":
                directory.ensure_mail_account(conn, d, member.uid, mail_addresses(request.params), quota)
            if state in ("disabled", "present"):
                directory.set_member_locked(conn, d, member.uid, locked=state == "disabled")
