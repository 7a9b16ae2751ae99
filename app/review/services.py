"""Review decisions: each one transaction that changes the application, writes one audit event and queues the
applicant's email, committed once. State changes are conditional UPDATEs, so of two reviewers deciding at
the same moment exactly one wins and the other is told who did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from app import audit, directory, mail, outbox
from app.auth.access import Role
from app.extensions import db
from app.models import Application, ApplicationState, Member, Note, ServiceRequest, utcnow
from app.models.members import allocate
from app.models.states import allowed_from
from app.provisioning import planning
from app.refusals import Refused
from app.review import welcome

MAX_TEXT = 5000


class ReviewError(Refused):
    """A decision that cannot be made; `code` picks the message shown to the reviewer (labels.review_error)."""


def _target(application_id: int) -> str:
    return f"application:{application_id}"


def _transition(application_id: int, target: ApplicationState, extra_where=(), **values) -> None:
    """The conditional UPDATE; on no row changed, roll back and raise why (already decided, wrong state…).

    It is the first statement of the transaction on purpose: on SQLite a transaction that read first
    could not take the write lock once another writer committed.
    """
    changed = db.session.execute(
        update(Application)
        .where(Application.id == application_id, Application.state.in_(allowed_from(target)), *extra_where)
        .values(state=target, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed == 1:
        return
    db.session.rollback()
    current = db.session.get(Application, application_id)
    if current is None:
        raise ReviewError("not_found")
    if current.state in (ApplicationState.APPROVED, ApplicationState.REJECTED):
        raise ReviewError("already_decided", by=current.decided_by or "?", state=current.state)
    raise ReviewError("wrong_state", state=current.state)


def _link_alive() -> dict:
    # The applicant reads the decision (reason, question) through the status link: keep it working.
    return {"token_expires_at": utcnow() + timedelta(days=int(current_app.config["TOKEN_DAYS"]))}


def _clean_text(value: str | None, code: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise ReviewError(code)
    if len(cleaned) > MAX_TEXT:
        raise ReviewError("too_long")
    return cleaned


@dataclass
class Approval:
    application_id: int
    member_id: int
    job_ids: list[int]


def approve(application_id: int, actor: str, reason: str | None = None) -> Approval:
    """submitted → approved, the member row, service requests planned as provisioning jobs, audit, email.

    Refused ("conversation_required") while the WELCOME_CONVERSATION policy asks for a conversation that has
    not been recorded: the check is part of the UPDATE, so it holds against a concurrent change too."""
    now = utcnow()
    try:
        _transition(application_id, ApplicationState.APPROVED, extra_where=(welcome.approvable_clause(),),
                    decided_at=now, decided_by=actor, decision_reason=(reason or "").strip() or None,
                    **_link_alive())
    except ReviewError as error:
        if error.code == "wrong_state" and error.info.get("state") in allowed_from(ApplicationState.APPROVED):
            raise ReviewError("conversation_required") from None
        raise
    application = db.session.get(Application, application_id)
    db.session.refresh(application)
    if not application.username:
        db.session.rollback()
        raise ReviewError("no_username")
    member = Member(application_id=application.id, uid=application.username,
                    uid_number=allocate(db.session, "uid_number"),
                    ldap_dn=directory.Directory.from_config().member_dn(application.username),
                    member_since=now, languages=[application.language])
    db.session.add(member)
    db.session.flush()
    requests = list(db.session.scalars(select(ServiceRequest).where(
        ServiceRequest.application_id == application.id).order_by(ServiceRequest.id)))
    for request in requests:
        request.member = member
    planned = planning.plan(requests, requested_by=actor) if requests else []
    if not planned:
        # No job will run for them: the members area writes the entry and sends the activation link.
        outbox.add("member_entry", member_id=member.id)
    audit.record(actor, "application.approved", _target(application.id), {
        "reason": application.decision_reason, "member_uid": member.uid, "uid_number": member.uid_number,
        "jobs": [job.id for job in planned]})
    mail.queue("review.approved", application_id=application.id)
    db.session.commit()
    return Approval(application.id, member.id, [job.id for job in planned])


def reject(application_id: int, actor: str, reason: str | None) -> None:
    """submitted → rejected with a reason the applicant sees on the status page."""
    reason = _clean_text(reason, "reason_required")
    _transition(application_id, ApplicationState.REJECTED, decided_at=utcnow(), decided_by=actor,
                decision_reason=reason, **_link_alive())
    audit.record(actor, "application.rejected", _target(application_id), {"reason": reason})
    mail.queue("review.rejected", application_id=application_id)
    db.session.commit()


def ask_for_information(application_id: int, actor: str, question: str | None) -> None:
    """submitted → needs_info with the question; the applicant's resubmission brings it back, answered."""
    question = _clean_text(question, "question_required")
    _transition(application_id, ApplicationState.NEEDS_INFO, info_request=question, info_answered_at=None,
                **_link_alive())
    audit.record(actor, "application.info_requested", _target(application_id), {"reason": question})
    mail.queue("review.needs_info", application_id=application_id)
    db.session.commit()


def undo_rejection(application_id: int, actor: str, reason: str | None = None) -> None:
    """rejected → submitted again, only within UNDO_REJECTION_HOURS of the rejection."""
    hours = float(current_app.config["UNDO_REJECTION_HOURS"])
    since = utcnow() - timedelta(hours=hours)
    try:
        _transition(application_id, ApplicationState.SUBMITTED,
                    extra_where=(Application.decided_at >= since,),
                    decided_at=None, decided_by=None, decision_reason=None, **_link_alive())
    except ReviewError as error:
        if error.code == "already_decided" and error.info.get("state") == ApplicationState.REJECTED:
            raise ReviewError("undo_window_passed", hours=hours) from None
        raise
    audit.record(actor, "application.rejection_undone", _target(application_id),
                 {"reason": (reason or "").strip() or None})
    mail.queue("review.reopened", application_id=application_id)
    db.session.commit()


def add_note(application_id: int, actor: str, body: str | None) -> Note:
    body = _clean_text(body, "note_required")
    if db.session.get(Application, application_id) is None:
        raise ReviewError("not_found")
    note = Note(application_id=application_id, author=actor, body=body)
    db.session.add(note)
    audit.record(actor, "application.note_added", _target(application_id), {"length": len(body)})
    db.session.commit()
    return note


def assign(application_id: int, actor: str, assignee: str | None) -> None:
    """Give the application to a reviewer (a member of the support group) or to nobody."""
    assignee = (assignee or "").strip().lower() or None
    if assignee and assignee != actor:
        try:
            groups = directory.staff_groups(directory.Directory.from_config(), assignee)
        except directory.LDAPException:
            raise ReviewError("directory_unavailable") from None
        if Role.SUPPORT not in groups:
            raise ReviewError("not_a_reviewer", uid=assignee[:64])
    application = db.session.get(Application, application_id)
    if application is None:
        raise ReviewError("not_found")
    if application.assignee == assignee:
        return
    before = application.assignee
    application.assignee = assignee
    audit.record(actor, "application.assigned", _target(application_id), {"before": before, "after": assignee})
    db.session.commit()


@dataclass
class BulkResult:
    approved: list[int]
    refused: dict[int, ReviewError]


def bulk_approve(application_ids: list[int], actor: str) -> BulkResult:
    """Approve each selected application in its own transaction: one refusal does not undo the others."""
    result = BulkResult([], {})
    for application_id in sorted(set(application_ids)):
        try:
            approve(application_id, actor)
            result.approved.append(application_id)
        except ReviewError as error:
            result.refused[application_id] = error
    return result


def queue_digest() -> None:
    """Queue the daily digest to the support group; the worker counts at send time."""
    audit.record("system", "review.digest_queued", None, {"to": current_app.config["SUPPORT_EMAIL"]})
    mail.queue("review.digest")
    db.session.commit()
