"""Development accounts in the local directory: staff `reviewer` (support), `sysadmin` (sysadmins) and
`leader` (leadership), and `member`, a real member (approved through the review service, services
provisioned in the sandbox by the worker, password set) for trying the member pages. Development mode
only (the callers check)."""

from __future__ import annotations

import secrets
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app import directory, documents
from app.auth.access import Role
from app.models.documents import DOCUMENT_KINDS

DEV_ACCOUNTS = {"reviewer": (Role.SUPPORT,), "sysadmin": (Role.SYSADMINS,), "leader": (Role.LEADERSHIP,)}


def ensure(output: str | None = None) -> dict[str, str]:
    """Give each development account a fresh random password; write `uid password` lines to output."""
    instance = Path(current_app.instance_path)
    admin_password = (instance / "ldap" / "admin-password").read_text().strip()
    d = directory.Directory.from_config()
    passwords = {uid: secrets.token_urlsafe(12) for uid in DEV_ACCOUNTS}
    with directory.admin_connection(d, f"cn=admin,{d.base_dn}", admin_password) as conn:
        for uid, groups in DEV_ACCOUNTS.items():
            directory.ensure_staff_account(conn, d, uid, passwords[uid], groups)
    passwords[DEV_MEMBER] = secrets.token_urlsafe(12)
    ensure_member(passwords[DEV_MEMBER])
    path = Path(output) if output else instance / "dev-credentials"
    path.write_text("".join(f"{uid} {password}\n" for uid, password in passwords.items()))
    path.chmod(0o600)
    return passwords


DEV_MEMBER = "member"


def ensure_member(password: str) -> None:
    """The development member: applied (documents accepted, commitments, hosting), approved by the review
    service (which plans the sandbox jobs the worker runs), directory entry written and password set."""
    from app.extensions import db
    from app.members.entries import member_attributes
    from app.models import Application, ApplicationState, Commitment, Consent, Member, ServiceRequest, utcnow
    from app.review import services as review

    member = db.session.scalar(select(Member).where(Member.uid == DEV_MEMBER))
    if member is None:
        application = Application(
            email="member@example.org", email_verified_at=utcnow(), kind="individual", full_name="Alex Miembro",
            country="MX", language="es", movements=["housing", "migrant-rights"], username=DEV_MEMBER,
            state=ApplicationState.SUBMITTED, submitted_at=utcnow(),
            progress={section: True for section in ("about", "unity", "agreement", "intentionality", "why",
                                                     "commitments", "services")})
        db.session.add(application)
        db.session.flush()
        for kind in DOCUMENT_KINDS:
            version = documents.current(kind, application.language)
            db.session.add(Consent(application_id=application.id, document_version_id=version.id,
                                   language=application.language, sha256_shown=version.sha256,
                                   ip="127.0.0.1", user_agent="make run"))
        db.session.add(Commitment(application_id=application.id, dues_amount=Decimal("10.00"), dues_currency="USD",
                                  hours_per_month=4, working_groups=["translation"], projects=[]))
        db.session.add(ServiceRequest(application_id=application.id, kind="hosting",
                                      params={"domain": "member.example.org"}))
        db.session.commit()
        approval = review.approve(application.id, "make run", "the development member")
        member = db.session.get(Member, approval.member_id)
    d = directory.Directory.from_config()
    with d.service() as conn:
        directory.ensure_member_entry(conn, d, member.uid, member_attributes(member))
    directory.set_member_password(d, member.uid, password)
    member.password_set_at = member.password_set_at or utcnow()
    db.session.commit()
