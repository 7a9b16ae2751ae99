"""Members as the review area's approval makes them: an approved application, a member row with a
uidNumber from the counter, its service requests attached (queued, or already active)."""

from __future__ import annotations

from app import directory
from app.extensions import db
from app.models import ApplicationState, Member, ServiceState
from app.models.members import allocate
from app.provisioning import planning
from tests.factories import make_application


def make_member(*, state: str = ServiceState.QUEUED, services=("hosting", "email", "drupal"), **fields) -> Member:
    application, _token = make_application(ApplicationState.APPROVED, services=services, **fields)
    uid_number = allocate(db.session, "uid_number")
    d = directory.Directory.from_config()
    member = Member(application_id=application.id, uid=application.username, uid_number=uid_number,
                    ldap_dn=d.member_dn(application.username), languages=[application.language])
    db.session.add(member)
    db.session.flush()
    for request in application.service_requests:
        request.member_id = member.id
        request.state = state
    db.session.flush()
    db.session.refresh(member)
    return member


def plan_jobs(members: list[Member], requested_by: str = "reviewer", options: dict | None = None):
    """Jobs for the members' requested services, as an approval plans them (requests → queued)."""
    requests = [r for m in members for r in m.service_requests]
    for r in requests:
        r.state = ServiceState.REQUESTED
    return planning.plan(requests, requested_by, options)
