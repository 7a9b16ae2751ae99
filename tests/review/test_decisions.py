"""Decisions through the pages: one transaction each, exactly one audit event, the applicant's email."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import (
    Application,
    AuditEvent,
    Member,
    Note,
    Outbox,
    ProvisioningJob,
    ServiceRequest,
    utcnow,
)
from tests.factories import make_application
from tests.review.conftest import post, send_mail

DECISIONS = ("application.approved", "application.rejected", "application.info_requested",
             "application.rejection_undone")


def _fresh(application_id: int) -> Application:
    db.session.expire_all()
    return db.session.get(Application, application_id)


def _decision_events(application_id: int) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.target == f"application:{application_id}", AuditEvent.action.in_(DECISIONS))
        .order_by(AuditEvent.id)))


def _mail_rows(name: str) -> list[Outbox]:
    db.session.expire_all()
    return [r for r in db.session.scalars(select(Outbox).where(Outbox.kind == "mail")) if r.payload["message"] == name]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def submitted(app):
    application, token = make_application(language="es", full_name="Xóchitl Hernández 🌽", username="xochitl")
    db.session.commit()
    return application.id, token


def test_approval_creates_member_queues_jobs_and_emails_in_one_go(app, reviewer, form, submitted):
    application_id, _ = submitted
    response = post(form, reviewer, f"/review/{application_id}/approve", {"reason": ""})
    assert response.status_code == 303
    application = _fresh(application_id)
    assert application.state == "approved" and application.decided_by == "rita"
    member = db.session.scalars(select(Member)).one()
    assert (member.uid, member.uid_number) == ("xochitl", 10000)
    assert member.ldap_dn == "uid=xochitl,ou=members," + app.config["LDAP_BASE_DN"]
    requests = list(db.session.scalars(select(ServiceRequest)))
    assert {r.member_id for r in requests} == {member.id} and {r.state for r in requests} == {"queued"}
    jobs = list(db.session.scalars(select(ProvisioningJob)))
    assert sorted(j.playbook for j in jobs) == ["drupal.yml", "email.yml", "hosting.yml"]
    assert {j.requested_by for j in jobs} == {"rita"}
    assert len([r for r in db.session.scalars(select(Outbox)) if r.kind == "job"]) == 3
    events = _decision_events(application_id)
    assert [(e.actor, e.action) for e in events] == [("rita", "application.approved")]
    assert sorted(events[0].details["jobs"]) == sorted(j.id for j in jobs)
    assert len(_mail_rows("review.approved")) == 1


def test_approval_email_goes_out_in_the_applicants_language(mailbox, app, reviewer, form):
    application, _ = make_application(language="es", email="ana@example.org", username="anaperez")
    english, _ = make_application(language="en", email="bo@example.org", username="bobo")
    db.session.commit()
    for a in (application, english):
        post(form, reviewer, f"/review/{a.id}/approve")
    send_mail()
    spanish = mailbox.to("ana@example.org")
    assert len(spanish) == 1
    assert spanish[0]["Subject"] == "Te damos la bienvenida a alta: tu solicitud fue aprobada"
    assert "anaperez" in spanish[0].get_body(("plain",)).get_content()
    assert mailbox.to("bo@example.org")[0]["Subject"] == "Welcome to alta: your application is approved"


@pytest.mark.parametrize("state", ["draft", "needs_info", "approved", "rejected", "withdrawn"])
def test_approval_of_an_application_that_is_not_submitted_is_refused(app, reviewer, form, state):
    application, _ = make_application(state=state, decided_by="otra" if state in ("approved", "rejected") else None)
    db.session.commit()
    response = post(form, reviewer, f"/review/{application.id}/approve")
    assert response.status_code == 303
    assert _fresh(application.id).state == state
    assert _count(Member) == 0 and _count(ProvisioningJob) == 0
    assert _decision_events(application.id) == [] and _mail_rows("review.approved") == []
    page = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    if state in ("approved", "rejected"):
        assert "already decided by otra" in page
    else:
        assert "not waiting for that decision" in page


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_rejection_without_a_reason_is_refused_and_changes_nothing(app, reviewer, form, submitted, reason):
    application_id, _ = submitted
    response = post(form, reviewer, f"/review/{application_id}/reject", {"reason": reason})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error:" in body and "Enter the reason" in body
    assert _fresh(application_id).state == "submitted"
    assert _decision_events(application_id) == [] and _mail_rows("review.rejected") == []


def test_rejection_reason_is_recorded_mailed_and_shown_on_the_status_page(app, reviewer, form, submitted, client):
    application_id, token = submitted
    reason = "Nuestro acuerdo pide <b>trabajo</b> voluntario; escríbenos si cambia tu situación. ✊"
    post(form, reviewer, f"/review/{application_id}/reject", {"reason": reason})
    application = _fresh(application_id)
    assert (application.state, application.decision_reason, application.decided_by) == ("rejected", reason, "rita")
    events = _decision_events(application_id)
    assert [(e.actor, e.action, e.details["reason"]) for e in events] == [("rita", "application.rejected", reason)]
    assert len(_mail_rows("review.rejected")) == 1
    status = client.get(f"/status/{token}").get_data(as_text=True)
    assert "Nuestro acuerdo pide &lt;b&gt;trabajo&lt;/b&gt;" in status


def test_asking_for_information_then_the_answer_brings_it_back_marked_answered(app, reviewer, form, submitted):
    application_id, _ = submitted
    question = "¿Puedes contarnos más sobre tu colectivo?"
    post(form, reviewer, f"/review/{application_id}/ask", {"question": question})
    application = _fresh(application_id)
    assert (application.state, application.info_request) == ("needs_info", question)
    events = _decision_events(application_id)
    assert [(e.action, e.details["reason"]) for e in events] == [("application.info_requested", question)]
    assert len(_mail_rows("review.needs_info")) == 1
    # The applicant answers (what the onboarding wizard's resubmission does).
    db.session.execute(update(Application).where(Application.id == application_id).values(
        state="submitted", info_answered_at=utcnow()))
    db.session.commit()
    queue = reviewer.get("/review/?state=answered").get_data(as_text=True)
    assert f'id="application-{application_id}"' in queue and "answered" in queue
    assert post(form, reviewer, f"/review/{application_id}/approve").status_code == 303
    assert _fresh(application_id).state == "approved"


def test_asking_without_a_question_is_refused(app, reviewer, form, submitted):
    application_id, _ = submitted
    response = post(form, reviewer, f"/review/{application_id}/ask", {"question": "  "})
    assert "Enter your question" in response.get_data(as_text=True)
    assert _fresh(application_id).state == "submitted"


def test_a_rejection_can_be_undone_within_the_window_only(app, reviewer, form):
    recent, _ = make_application()
    old, _ = make_application()
    db.session.commit()
    for a in (recent, old):
        post(form, reviewer, f"/review/{a.id}/reject", {"reason": "duplicate"})
    hours = app.config["UNDO_REJECTION_HOURS"]
    db.session.execute(update(Application).where(Application.id == old.id).values(
        decided_at=utcnow() - timedelta(hours=hours, minutes=1)))
    db.session.commit()
    post(form, reviewer, f"/review/{recent.id}/undo", {"reason": "wrong person"}, page=f"/review/{recent.id}")
    assert _fresh(recent.id).state == "submitted" and _fresh(recent.id).decision_reason is None
    events = _decision_events(recent.id)
    assert [e.action for e in events] == ["application.rejected", "application.rejection_undone"]
    assert events[-1].details["reason"] == "wrong person"
    assert len(_mail_rows("review.reopened")) == 1
    response = post(form, reviewer, f"/review/{old.id}/undo", {}, page=f"/review/{old.id}")
    assert _fresh(old.id).state == "rejected"
    assert "within 48 hours" in reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert [e.action for e in _decision_events(old.id)] == ["application.rejected"]


def test_notes_are_kept_and_shown_in_the_history(app, reviewer, form, submitted):
    application_id, _ = submitted
    body = "Llamé por teléfono: todo bien. مرحبا 你好"
    post(form, reviewer, f"/review/{application_id}/notes", {"body": body})
    note = db.session.scalars(select(Note)).one()
    assert (note.author, note.body) == ("rita", body)
    assert body in reviewer.get(f"/review/{application_id}").get_data(as_text=True)
    assert "Enter the note" in post(form, reviewer, f"/review/{application_id}/notes", {"body": ""}).get_data(
        as_text=True)
    assert _count(Note) == 1


def test_assign_to_me_to_another_reviewer_and_not_to_a_stranger(app, reviewers, form, submitted, staff):
    application_id, _ = submitted
    rita = reviewers.client("rita")
    staff.create("pablo", "support")
    staff.create("sam", "sysadmins")
    url = f"/review/{application_id}/assign"
    form.post(rita, url, {"to": "me"}, get_url=f"/review/{application_id}")
    assert _fresh(application_id).assignee == "rita"
    post(form, rita, url, {"assignee": "pablo"})
    assert _fresh(application_id).assignee == "pablo"
    for stranger in ("sam", "nobody", "*)(uid=*"):
        response = post(form, rita, url, {"assignee": stranger})
        assert _fresh(application_id).assignee == "pablo", stranger
        assert response.status_code in (200, 303)
    post(form, rita, url, {"assignee": ""})
    assert _fresh(application_id).assignee is None
    moves = [(e.details["before"], e.details["after"]) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "application.assigned").order_by(AuditEvent.id))]
    assert moves == [(None, "rita"), ("rita", "pablo"), ("pablo", None)]


def test_bulk_approve_approves_the_selected_and_reports_the_rest(app, reviewer, form):
    chosen = [make_application()[0] for _ in range(3)]
    waiting, _ = make_application(state="needs_info")
    untouched, _ = make_application()
    db.session.commit()
    ids = [a.id for a in chosen] + [waiting.id]
    response = form.post(reviewer, "/review/bulk-approve", {"application_id": [str(i) for i in ids]},
                         get_url="/review/")
    assert response.status_code == 303
    assert [_fresh(a.id).state for a in chosen] == ["approved"] * 3
    assert _fresh(waiting.id).state == "needs_info" and _fresh(untouched.id).state == "submitted"
    assert _count(Member) == 3 and len(_mail_rows("review.approved")) == 3
    page = reviewer.get("/review/").get_data(as_text=True)
    assert "3 applications approved." in page and f"Application {waiting.id}" in page


def test_bulk_approve_with_nothing_or_garbage_selected_changes_nothing(app, reviewer, form, submitted):
    for data in ({}, {"application_id": ["abc"]}, {"application_id": ["1 OR 1=1"]}):
        response = form.post(reviewer, "/review/bulk-approve", data, get_url="/review/")
        assert response.status_code == 303
    assert _count(Member) == 0


def test_every_decision_leaves_exactly_one_audit_event_with_actor_and_reason(app, reviewer, form):
    a, _ = make_application()
    b, _ = make_application()
    c, _ = make_application()
    db.session.commit()
    post(form, reviewer, f"/review/{a.id}/approve", {"reason": "known to the Oaxaca group"})
    post(form, reviewer, f"/review/{b.id}/reject", {"reason": "spam"})
    post(form, reviewer, f"/review/{c.id}/ask", {"question": "which domain?"})
    post(form, reviewer, f"/review/{b.id}/undo", {"reason": "mistake"}, page=f"/review/{b.id}")
    for application_id, actions in [(a.id, ["application.approved"]),
                                    (b.id, ["application.rejected", "application.rejection_undone"]),
                                    (c.id, ["application.info_requested"])]:
        events = _decision_events(application_id)
        assert [e.action for e in events] == actions
        assert all(e.actor == "rita" and e.details.get("reason") for e in events)


def test_a_sysadmin_without_support_cannot_decide(app, reviewers, form, submitted):
    sam = reviewers.client("sam", "sysadmins")
    application_id, _ = submitted
    assert sam.get("/review/").status_code == 403
    token = form.token(sam, "/")
    assert sam.post(f"/review/{application_id}/approve", data={"csrf_token": token}).status_code == 403
    assert _fresh(application_id).state == "submitted"


def test_detail_shows_documents_with_hashes_commitments_services_and_history(app, reviewer, submitted):
    application_id, _ = submitted
    page = reviewer.get(f"/review/{application_id}").get_data(as_text=True)
    application = _fresh(application_id)
    for consent in application.consents:
        assert consent.sha256_shown in page
        assert f"/review/documents/{consent.document_version_id}" in page
    assert "xochitl.example.org" in page and "25.00 USD" in page and "Xóchitl Hernández 🌽" in page
    version_id = application.consents[0].document_version_id
    text = reviewer.get(f"/review/documents/{version_id}").get_data(as_text=True)
    assert application.consents[0].sha256_shown in text
    assert reviewer.get("/review/999999").status_code == 404


def test_a_member_approved_without_services_gets_an_entry_and_the_activation_link(mailbox, app, reviewer, form,
                                                                                  drain):
    from app import directory

    application, _ = make_application(services=(), email="solo@example.org", username="solita", language="es")
    db.session.commit()
    post(form, reviewer, f"/review/{application.id}/approve")
    assert _count(ProvisioningJob) == 0
    drain()
    assert directory.read_member_entry(directory.Directory.from_config(), "solita", ["uid"]) is not None
    subjects = [m["Subject"] for m in mailbox.to("solo@example.org")]
    assert "Tus cuentas de la cooperativa están listas: elige tu contraseña" in subjects
    drain()  # delivered twice (e.g. the sweeper pushing again): still one email
    assert len(_mail_rows("members.activation")) == 1
