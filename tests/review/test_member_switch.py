"""Switching a member's services off and back on from the application page (a support decision):
through the real sign-in and forms, audited with actor and reason, support only, CSRF and a reason required."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import directory
from app.extensions import db
from app.models import AuditEvent, Member, ProvisioningJob, ServiceRequest, ServiceState
from tests.members.factories import make_member
from tests.review.conftest import post

REASON = "Cuota sin pagar desde marzo *)(uid=*) {{ 7*7 }}"


@pytest.fixture
def member(app):
    """An approved applicant whose three services are active."""
    member = make_member(state=ServiceState.ACTIVE, username="marta", full_name="Marta Núñez")
    db.session.commit()
    return member.id, member.application_id


def _member(member_id: int) -> Member:
    db.session.expire_all()
    return db.session.get(Member, member_id)


def _jobs() -> list[ProvisioningJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(ProvisioningJob).order_by(ProvisioningJob.id)))


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _request_states(member_id: int) -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(ServiceRequest.state).where(ServiceRequest.member_id == member_id)))


def test_the_page_shows_the_members_state_and_a_confirmed_switch_off_button(reviewer, member):
    _member_id, application_id = member
    page = reviewer.get(f"/review/{application_id}").get_data(as_text=True)
    assert 'id="member-state">Services on<' in page
    assert f'action="/review/{application_id}/member/disable"' in page
    assert 'data-confirm="Switch off this member’s web site, email and Drupal account?"' in page
    assert "/member/enable" not in page


def test_support_switches_a_members_services_off_with_a_reason_and_it_is_audited(reviewer, form, member):
    member_id, application_id = member
    response = post(form, reviewer, f"/review/{application_id}/member/disable", {"reason": REASON},
                    page=f"/review/{application_id}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/review/{application_id}#member")
    assert _member(member_id).state == "disabled"
    jobs = _jobs()
    assert sorted(j.playbook for j in jobs) == ["drupal.yml", "email.yml", "hosting.yml"]
    assert {j.requested_by for j in jobs} == {"rita"} and [j.options for j in jobs] == [{"state": "disabled"}] * 3
    (event,) = _events("member.disable")
    assert (event.actor, event.target) == ("rita", f"member:{member_id}")
    assert event.details["reason"] == REASON and sorted(event.details["jobs"]) == sorted(j.id for j in jobs)
    page = reviewer.get(f"/review/{application_id}").get_data(as_text=True)
    assert "The member&#39;s services are being switched off." in page or \
        "The member's services are being switched off." in page
    assert 'id="member-state">Services switched off<' in page
    assert f'action="/review/{application_id}/member/enable"' in page


def test_switched_off_services_come_back_on_through_the_page(reviewer, form, member, drain):
    member_id, application_id = member
    detail = f"/review/{application_id}"
    assert post(form, reviewer, f"{detail}/member/disable", {"reason": "dues"}, page=detail).status_code == 303
    drain()  # the worker really runs the three disable jobs (ansible-runner, sandbox, drush stand-in)
    assert {j.state for j in _jobs()} == {"successful"}, [(j.playbook, j.error) for j in _jobs()]
    assert _request_states(member_id) == {ServiceState.DISABLED}
    d = directory.Directory.from_config()
    assert directory.read_member_entry(d, "marta", ["shadowExpire"])["shadowExpire"] == ["1"]  # locked

    response = post(form, reviewer, f"{detail}/member/enable", {"reason": "Pagó la cuota 🎉"}, page=detail)
    assert response.status_code == 303
    assert _member(member_id).state == "active"
    enable_jobs = [j for j in _jobs() if j.options == {"state": "present"}]
    assert sorted(j.playbook for j in enable_jobs) == ["drupal.yml", "email.yml", "hosting.yml"]
    (event,) = _events("member.enable")
    assert (event.actor, event.details["reason"]) == ("rita", "Pagó la cuota 🎉")
    drain()
    assert _request_states(member_id) == {ServiceState.ACTIVE}
    assert directory.read_member_entry(d, "marta", ["shadowExpire"])["shadowExpire"] == []  # unlocked
    assert 'id="member-state">Services on<' in reviewer.get(detail).get_data(as_text=True)


def test_switching_off_a_member_already_switched_off_changes_nothing(reviewer, form, member):
    member_id, application_id = member
    detail = f"/review/{application_id}"
    assert post(form, reviewer, f"{detail}/member/disable", {"reason": "dues"}, page=detail).status_code == 303
    response = post(form, reviewer, f"{detail}/member/disable", {"reason": "again"}, page=detail)
    assert response.status_code == 303
    assert len(_jobs()) == 3 and len(_events("member.disable")) == 1
    assert "already switched that way" in reviewer.get(detail).get_data(as_text=True)


@pytest.mark.parametrize(("language", "message"), [
    ("en", "Enter the reason for switching the services: it goes into the record."),
    ("es", "Escribe el motivo del cambio: queda anotado en el registro."),
])
def test_switching_without_a_reason_is_refused_with_a_translated_error(reviewer, form, member, language, message):
    member_id, application_id = member
    detail = f"/review/{application_id}"
    reviewer.get(f"{detail}?lang={language}")
    response = post(form, reviewer, f"{detail}/member/disable", {"reason": "   "}, page=detail)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error:" in body and message in body
    assert _member(member_id).state == "active" and _jobs() == [] and _events("member.disable") == []


def test_switching_without_the_csrf_token_is_refused(reviewer, member):
    member_id, application_id = member
    response = reviewer.post(f"/review/{application_id}/member/disable", data={"reason": "dues"})
    assert response.status_code == 400
    assert _member(member_id).state == "active" and _jobs() == []


def test_a_sysadmin_without_the_support_role_cannot_switch_services(reviewers, form, member):
    member_id, application_id = member
    sysadmin = reviewers.client("sam", "sysadmins")
    response = form.post(sysadmin, f"/review/{application_id}/member/disable", {"reason": "dues"}, get_url="/join/")
    assert response.status_code == 403
    assert _member(member_id).state == "active" and _jobs() == [] and _events("member.disable") == []


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_changes(app, form, member):
    member_id, application_id = member
    anonymous = app.test_client()
    response = form.post(anonymous, f"/review/{application_id}/member/disable", {"reason": "dues"},
                         get_url="/join/")
    assert response.status_code == 303 and "/login" in response.headers["Location"]
    assert _member(member_id).state == "active" and _jobs() == []


def test_an_application_without_a_member_has_no_switch(reviewer, form, app):
    from tests.factories import make_application

    application, _token = make_application(username="nadia")
    db.session.commit()
    detail = f"/review/{application.id}"
    assert "/member/disable" not in reviewer.get(detail).get_data(as_text=True)
    assert post(form, reviewer, f"{detail}/member/disable", {"reason": "dues"}, page=detail).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ProvisioningJob)) == 0
