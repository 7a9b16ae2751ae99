"""Leaving the cooperative: the member asks, keeps everything through a notice period (and may change
their mind), then a daily command makes it effective: state left, services switched off through the
normal jobs, entry locked. Support hears of each step by email. Every step is audited and idempotent.

    flask --app app members leaving     # daily: make due leaves effective (safe to run twice)
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from app import audit, mail, outbox
from app.extensions import db
from app.models import Member, MemberState, ServiceState, utcnow
from app.models.states import allowed_from
from app.provisioning import planning
from app.refusals import Refused

MAX_REASON = 1000
BATCH = 200


class LeavingError(Refused):
    """Code "already_leaving", "not_leaving" (nothing to withdraw, or the notice period is over) or "too_long"."""


def request_leave(member: Member, reason: str | None) -> Member:
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON:
        raise LeavingError("too_long")
    now = utcnow()
    leaves_at = now + timedelta(days=int(current_app.config["LEAVE_NOTICE_DAYS"]))
    claimed = db.session.execute(
        update(Member).where(Member.id == member.id, Member.leave_requested_at.is_(None),
                             Member.state.in_(allowed_from(MemberState.LEFT)))
        .values(leave_requested_at=now, leaves_at=leaves_at, leave_reason=reason)).rowcount
    if not claimed:
        db.session.rollback()
        raise LeavingError("already_leaving")
    audit.record(f"member:{member.uid}", "member.leave_requested", f"member:{member.id}",
                 {"leaves_at": leaves_at.isoformat(), "reason": reason})
    mail.queue("members.leaving", member_id=member.id, step="requested")
    db.session.commit()
    db.session.refresh(member)
    return member


def withdraw_leave(member: Member) -> Member:
    """The member stays: only before the notice period ends (the daily command may not have run yet)."""
    claimed = db.session.execute(
        update(Member).where(Member.id == member.id, Member.leave_requested_at.is_not(None),
                             Member.leaves_at > utcnow(), Member.state != MemberState.LEFT)
        .values(leave_requested_at=None, leaves_at=None, leave_reason=None)).rowcount
    if not claimed:
        db.session.rollback()
        raise LeavingError("not_leaving")
    audit.record(f"member:{member.uid}", "member.leave_withdrawn", f"member:{member.id}", {})
    mail.queue("members.leaving", member_id=member.id, step="withdrawn")
    db.session.commit()
    db.session.refresh(member)
    return member


def complete_due(now=None) -> int:
    """Make every due leave effective, in batches; returns how many members left. Safe to run twice.

    A member whose services are still being set up or switched waits for the next run: planning over
    queued work would leave a service on.
    """
    now = now or utcnow()
    done = 0
    after = 0
    while True:
        ids = list(db.session.scalars(
            select(Member.id).where(Member.leaves_at <= now, Member.state != MemberState.LEFT, Member.id > after)
            .order_by(Member.id).limit(BATCH)))
        if not ids:
            return done
        for member_id in ids:
            done += _complete(member_id)
        after = ids[-1]


def _complete(member_id: int) -> int:
    member = db.session.get(Member, member_id)
    if any(r.state in (ServiceState.REQUESTED, ServiceState.QUEUED) for r in member.service_requests):
        return 0
    claimed = db.session.execute(
        update(Member).where(Member.id == member_id, Member.state.in_(allowed_from(MemberState.LEFT)))
        .values(state=MemberState.LEFT)).rowcount
    if not claimed:
        db.session.rollback()
        return 0
    db.session.refresh(member)
    requests = [r for r in member.service_requests if r.state in (ServiceState.ACTIVE, ServiceState.FAILED)]
    planned = planning.plan(requests, requested_by="system", options={"state": planning.SERVICES_OFF}) \
        if requests else []
    if not planned:
        outbox.add("member_entry", member_id=member.id)  # no job locks the entry: the members task does
    audit.record("system", "member.left", f"member:{member.id}",
                 {"jobs": [j.id for j in planned], "services": [r.kind for r in requests]})
    mail.queue("members.leaving", member_id=member.id, step="left")
    db.session.commit()
    return 1


SUBJECTS = {
    "requested": "A member is leaving the cooperative: %(uid)s",
    "withdrawn": "A member stays in the cooperative: %(uid)s",
    "left": "A member has left the cooperative: %(uid)s",
}


@mail.message("members.leaving")
def leaving_letter(payload: dict) -> mail.Letter | None:
    """To the support team: a member asked to leave, changed their mind, or has left."""
    member = db.session.get(Member, payload["member_id"])
    step = payload.get("step")
    if member is None or step not in SUBJECTS:
        return None
    config = current_app.config
    return mail.Letter(
        to=config["SUPPORT_EMAIL"], language=config["SUPPORT_LANGUAGE"], template="members_leaving",
        subject=SUBJECTS[step],
        context={"subject_args": {"uid": member.uid}, "step": step, "uid": member.uid,
                 "name": member.application.display_name, "leaves_at": member.leaves_at,
                 "reason": member.leave_reason, "member_since": member.member_since},
        target=f"member:{member.id}")
