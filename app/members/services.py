"""Disabling and re-enabling a member's services (a support decision, e.g. when dues lapse).

Each plans provisioning jobs with options {"state": SERVICES_OFF | SERVICES_ON} (app/provisioning/planning.py):
the worker locks or unlocks the directory entry (app/members/entries.py) and the playbooks switch the
site, pool and Drupal account off or back on. Both are audited; each function owns its transaction and commits once.
"""

from __future__ import annotations

from sqlalchemy import update

from app import audit, outbox
from app.extensions import db
from app.models import Member, MemberState, ServiceState
from app.models.states import allowed_from
from app.provisioning import planning
from app.refusals import Refused


class MemberStateError(Refused):
    """The member is not in a state this action applies to: code "wrong_state" (e.g. disabling a disabled
    member) or "busy" (earlier jobs for the member's services have not run yet)."""


def _switch(member_id: int, actor: str, reason: str, *, to: MemberState, job_state: str, action: str,
            only_from: tuple[MemberState, ...] | None = None, commit: bool = True) -> list:
    sources = [s for s in allowed_from(to) if only_from is None or s in only_from]
    claimed = db.session.execute(
        update(Member).where(Member.id == member_id, Member.state.in_(sources)).values(state=to)
    ).rowcount
    if not claimed:
        db.session.rollback()
        raise MemberStateError("wrong_state", member=member_id, to=str(to))
    member = db.session.get(Member, member_id)
    db.session.refresh(member)
    if any(r.state in (ServiceState.REQUESTED, ServiceState.QUEUED) for r in member.service_requests):
        # Switching back before the last switch's jobs ran would plan nothing for those services and
        # leave the member marked one way with services and entry the other: wait for the jobs.
        db.session.rollback()
        raise MemberStateError("busy", member=member_id)
    # Services already provisioned once (active, failed, disabled); never ones still requested or queued.
    requests = [r for r in member.service_requests
                if r.state in (ServiceState.ACTIVE, ServiceState.FAILED, ServiceState.DISABLED)]
    planned = planning.plan(requests, requested_by=actor, options={"state": job_state}) if requests else []
    if not planned:
        # No job will lock or unlock their entry: the members area's own task does.
        outbox.add("member_entry", member_id=member.id)
    audit.record(actor, action, f"member:{member.id}",
                 {"reason": reason, "jobs": [j.id for j in planned], "services": [r.kind for r in requests]})
    if commit:
        db.session.commit()
    return planned


def disable_member(member_id: int, actor: str, reason: str) -> list:
    """Lock the member's entry and switch their services off; returns the planned jobs."""
    return _switch(member_id, actor, reason, to=MemberState.DISABLED, job_state=planning.SERVICES_OFF,
                   action="member.disable")


def enable_member(member_id: int, actor: str, reason: str) -> list:
    """Unlock the member's entry and switch their services back on; returns the planned jobs."""
    return _switch(member_id, actor, reason, to=MemberState.ACTIVE, job_state=planning.SERVICES_ON,
                   action="member.enable", only_from=(MemberState.DISABLED,))


def suspend_member(member_id: int, actor: str, reason: str) -> list:
    """For dues (app/dues/followup.py, inside its transaction): services off and entry locked, like disabling."""
    return _switch(member_id, actor, reason, to=MemberState.SUSPENDED, job_state=planning.SERVICES_OFF,
                   action="member.suspend", commit=False)


def restore_member(member_id: int, actor: str, reason: str) -> list:
    """A suspended member paid or got a waiver: services back on. Never re-enables one support disabled."""
    return _switch(member_id, actor, reason, to=MemberState.ACTIVE, job_state=planning.SERVICES_ON,
                   action="member.restore", only_from=(MemberState.SUSPENDED,), commit=False)

