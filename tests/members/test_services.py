"""Disabling and re-enabling a member (support decision): jobs with a state option, audit, member state."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.members import services
from app.models import AuditEvent, JobState, Member, Outbox, ProvisioningJob, ServiceState
from tests.members.factories import make_member


def test_disabling_plans_one_disabled_job_per_service_and_is_audited(app):
    member = make_member(state=ServiceState.ACTIVE)
    db.session.commit()
    jobs = services.disable_member(member.id, "ana", "dues lapsed for 6 months")
    assert sorted(j.playbook for j in jobs) == ["drupal.yml", "email.yml", "hosting.yml"]
    assert all(j.options == {"state": "disabled"} and j.state == JobState.QUEUED for j in jobs)
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert member.state == "disabled"
    assert {r.state for r in member.service_requests} == {ServiceState.QUEUED}
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "member.disable")).all()
    assert event.actor == "ana" and event.target == f"member:{member.id}"
    assert event.details["reason"] == "dues lapsed for 6 months"
    assert sorted(event.details["jobs"]) == sorted(j.id for j in jobs)
    outbox = db.session.scalars(select(Outbox).where(Outbox.kind == "job")).all()
    assert sorted(o.payload["job_id"] for o in outbox) == sorted(j.id for j in jobs)


def test_disabling_a_disabled_member_is_refused_and_plans_nothing(app):
    member = make_member(state=ServiceState.ACTIVE)
    db.session.commit()
    services.disable_member(member.id, "ana", "dues")
    count = db.session.query(ProvisioningJob).count()
    with pytest.raises(services.MemberStateError):
        services.disable_member(member.id, "ana", "dues again")
    assert db.session.query(ProvisioningJob).count() == count


def test_enabling_plans_present_jobs_for_disabled_services_and_is_audited(app):
    member = make_member(state=ServiceState.ACTIVE)
    db.session.commit()
    disabling = services.disable_member(member.id, "ana", "dues")
    for job in disabling:  # as the engine ends a successful disabled job
        for item in job.items:
            item.service_request.state = ServiceState.DISABLED  # what the engine makes of a switch-off job
    db.session.commit()
    jobs = services.enable_member(member.id, "beto", "paid")
    assert all(j.options == {"state": "present"} for j in jobs) and len(jobs) == 3
    assert db.session.get(Member, member.id).state == "active"
    assert db.session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "member.enable")).all() == ["beto"]


def test_enabling_an_active_member_is_refused(app):
    member = make_member(state=ServiceState.ACTIVE)
    db.session.commit()
    with pytest.raises(services.MemberStateError):
        services.enable_member(member.id, "ana", "why")


def test_enabling_before_the_disable_jobs_ran_is_refused_and_changes_nothing(app):
    member = make_member(state=ServiceState.ACTIVE)
    db.session.commit()
    services.disable_member(member.id, "ana", "dues")
    jobs_before = db.session.query(ProvisioningJob).count()
    with pytest.raises(services.MemberStateError) as refused:
        services.enable_member(member.id, "beto", "paid after all")
    assert refused.value.code == "busy"
    db.session.expire_all()
    # Still consistently disabled: the member, the queued switch-off jobs, no new jobs, no audit event.
    assert db.session.get(Member, member.id).state == "disabled"
    assert db.session.query(ProvisioningJob).count() == jobs_before
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "member.enable")).all() == []
