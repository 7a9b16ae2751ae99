"""The welcome conversation through the pages: support proposes times and records the conversation, the
applicant confirms a time from the status page, the policy holds approval back until it took place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, AuditEvent, Member, Outbox, WelcomeConversation, utcnow
from app.review import welcome
from tests.factories import make_application
from tests.review.conftest import post, send_mail

HOSTILE = "'); DROP TABLE application;-- <script>alert(1)</script> ${{7*7}} 😀 ñ"


def _fresh(application_id: int) -> Application:
    db.session.expire_all()
    return db.session.get(Application, application_id)


def _events(application_id: int, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.target == f"application:{application_id}", AuditEvent.action == action)))


def _mail(name: str) -> list[Outbox]:
    db.session.expire_all()
    return [r for r in db.session.scalars(select(Outbox).where(Outbox.kind == "mail")) if r.payload["message"] == name]


def _local(days: int, hour: int = 18) -> str:
    """A datetime-local value `days` from now, as the browser's input sends it."""
    moment = (datetime.now(UTC) + timedelta(days=days)).replace(hour=hour, minute=0)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _record(form, reviewer, application_id: int, **changes):
    data = {"held_on": utcnow().date().isoformat(), "held_with": "rita y Juana", "language": "es",
            "notes": "Platicamos de la Declaración de Unidad.", "questions": "¿Cómo participo en traducción?",
            **changes}
    return post(form, reviewer, f"/review/{application_id}/conversation/record", data,
                page=f"/review/{application_id}")


def _propose(form, reviewer, application_id: int, **changes):
    data = {"time_1": _local(3), "time_2": _local(4), "time_3": "", "timezone": "America/Mexico_City", **changes}
    return post(form, reviewer, f"/review/{application_id}/conversation/propose", data,
                page=f"/review/{application_id}")


@pytest.fixture
def organisation(app):
    application, token = make_application(kind="organisation", language="es", username="tierra",
                                          organisation_name="Colectivo Tierra y Libertad")
    db.session.commit()
    return application.id, token


def test_an_organisation_is_not_approved_before_its_conversation_is_recorded(app, reviewer, form, organisation):
    application_id, _ = organisation
    page = reviewer.get(f"/review/{application_id}").get_data(as_text=True)
    assert 'id="conversation-required"' in page and 'id="approve-blocked"' in page
    response = post(form, reviewer, f"/review/{application_id}/approve")
    assert response.status_code == 303
    assert _fresh(application_id).state == "submitted"
    assert db.session.scalar(select(func.count()).select_from(Member)) == 0
    assert _mail("review.approved") == [] and _events(application_id, "application.approved") == []
    page = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert "A welcome conversation must be held and recorded" in page

    assert _record(form, reviewer, application_id).status_code == 303
    assert post(form, reviewer, f"/review/{application_id}/approve").status_code == 303
    assert _fresh(application_id).state == "approved"


def test_a_person_is_approved_without_a_conversation_under_the_default_policy(app, reviewer, form):
    application, _ = make_application(kind="individual")
    db.session.commit()
    assert post(form, reviewer, f"/review/{application.id}/approve").status_code == 303
    assert _fresh(application.id).state == "approved"


@pytest.mark.parametrize(("policy", "kind", "approved"), [
    ("everyone", "individual", False), ("everyone", "organisation", False),
    ("optional", "organisation", True), ("organisations", "organisation", False),
])
def test_the_policy_setting_decides_whose_approval_waits(app, reviewer, form, policy, kind, approved):
    app.config["WELCOME_CONVERSATION"] = policy
    application, _ = make_application(kind=kind)
    db.session.commit()
    post(form, reviewer, f"/review/{application.id}/approve")
    assert (_fresh(application.id).state == "approved") is approved


def test_bulk_approval_refuses_the_organisation_and_approves_the_person(app, reviewer, form, organisation):
    application_id, _ = organisation
    person, _ = make_application(kind="individual")
    db.session.commit()
    response = form.post(reviewer, "/review/bulk-approve", {"application_id": [str(application_id), str(person.id)]},
                         get_url="/review/")
    assert response.status_code == 303
    assert _fresh(application_id).state == "submitted" and _fresh(person.id).state == "approved"
    page = reviewer.get("/review/").get_data(as_text=True)
    assert f"Application {application_id}: A welcome conversation must be held" in page


def test_a_conversation_recorded_for_another_application_does_not_unlock_this_one(app, reviewer, form, organisation):
    application_id, _ = organisation
    other, _ = make_application(kind="organisation", username="otra")
    db.session.commit()
    assert _record(form, reviewer, other.id).status_code == 303
    post(form, reviewer, f"/review/{application_id}/approve")
    assert _fresh(application_id).state == "submitted"


def test_proposed_times_reach_the_applicant_who_confirms_one_and_gets_mail_in_spanish(
        mailbox, app, reviewer, form, client, organisation):
    application_id, token = organisation
    response = _propose(form, reviewer, application_id)
    assert response.status_code == 303
    conversation = _fresh(application_id).conversation
    assert conversation.stage == "proposed" and len(conversation.proposed_times) == 2
    # Entered as 18:00 in Mexico City (UTC-6 all year since 2022): stored as 00:00 UTC the next day.
    assert datetime.fromisoformat(conversation.proposed_times[0]).hour == 0
    [event] = _events(application_id, "application.conversation_proposed")
    assert event.actor == "rita" and event.details["timezone"] == "America/Mexico_City"
    send_mail()
    [letter] = mailbox.to("person")
    body = letter.get_body(("plain",)).get_content()
    assert letter["Subject"] == "Platiquemos: elige un horario para tu plática de bienvenida"
    assert "18:00, hora de México (Ciudad de México)" in body and f"/status/{token}" in body

    status = client.get(f"/status/{token}?lang=es").get_data(as_text=True)
    assert "Tu plática de bienvenida" in status and "18:00, hora de México (Ciudad de México)" in status
    chosen = conversation.proposed_times[1]
    for _twice in range(2):  # a double click confirms once
        response = form.post(client, f"/status/{token}/conversation", {"time": chosen}, get_url=f"/status/{token}")
        assert response.status_code == 303 and response.headers["Location"].endswith("#conversation")
    conversation = _fresh(application_id).conversation
    assert conversation.stage == "scheduled" and conversation.scheduled_for.isoformat() == chosen
    assert len(_events(application_id, "application.conversation_confirmed")) == 1
    assert len(_mail("review.conversation_confirmed")) == 1
    assert 'id="scheduled-for"' in reviewer.get(f"/review/{application_id}").get_data(as_text=True)
    send_mail()
    confirmed = [m for m in mailbox.to("person") if "confirmada" in m["Subject"]]
    assert len(confirmed) == 1 and "videollamada" not in confirmed[0]["Subject"]


@pytest.mark.parametrize("chosen", ["", HOSTILE, "2026-01-01T00:00:00+00:00", "x" * 10_000])
def test_the_applicant_can_only_confirm_a_time_that_was_proposed(app, reviewer, form, client, organisation, chosen):
    application_id, token = organisation
    _propose(form, reviewer, application_id)
    response = form.post(client, f"/status/{token}/conversation", {"time": chosen}, get_url=f"/status/{token}")
    assert response.status_code == 303
    assert _fresh(application_id).conversation.scheduled_for is None
    assert _events(application_id, "application.conversation_confirmed") == []
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Elige uno de los horarios que te propusimos." in page  # the applicant's language


def test_a_time_that_has_passed_cannot_be_confirmed(app, reviewer, form, client, organisation):
    application_id, token = organisation
    _propose(form, reviewer, application_id)
    conversation = _fresh(application_id).conversation
    past = (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0).isoformat()
    conversation.proposed_times = [past]
    db.session.commit()
    response = form.post(client, f"/status/{token}/conversation", {"time": past}, get_url=f"/status/{token}")
    assert "Ese horario ya pasó" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _fresh(application_id).conversation.scheduled_for is None


@pytest.mark.parametrize(("changes", "message"), [
    ({"time_1": _local(-1)}, "Propose times that have not passed yet."),
    ({"time_1": _local(200)}, "Propose times within the next 120 days."),
    ({"timezone": "Europe/Paris"}, "Not a valid choice"),
    ({"time_1": ""}, "Enter a date and time, like 2026-12-08 18:00."),
    ({"time_1": HOSTILE}, "Not a valid datetime value"),
    ({"time_1": "9999-12-31T23:59"}, "Propose times within the next 120 days."),
])
def test_bad_proposals_are_refused_with_a_message_and_change_nothing(app, reviewer, form, organisation, changes,
                                                                    message):
    application_id, _ = organisation
    response = _propose(form, reviewer, application_id, **changes)
    page = response.get_data(as_text=True) if response.status_code == 200 else \
        reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    assert _fresh(application_id).conversation is None and _mail("review.conversation_proposed") == []


def test_more_than_three_times_are_refused_by_the_service(app, organisation):
    application_id, _ = organisation
    soon = utcnow() + timedelta(days=2)
    with pytest.raises(welcome.WelcomeError) as refused:
        welcome.propose(application_id, "rita", [soon + timedelta(hours=h) for h in range(4)], "America/Mexico_City")
    assert refused.value.code == "too_many_times"


@pytest.mark.parametrize(("changes", "message"), [
    ({"held_on": (utcnow().date() + timedelta(days=1)).isoformat()}, "cannot be in the future"),
    ({"held_on": "2001-01-01"}, "Enter a date within the last year."),
    ({"held_on": "31/31/2026"}, "Not a valid date value"),
    ({"held_with": "  "}, "Enter who from the cooperative took part."),
    ({"held_with": "a\x00b"}, "Use a single line of text"),
    ({"notes": "n" * 10_000}, "The notes must be 5000 characters or fewer."),
    ({"questions": "q\x00"}, "Remove the control characters"),
    ({"language": "fr"}, "Not a valid choice"),
])
def test_bad_records_are_refused_with_a_message_and_change_nothing(app, reviewer, form, organisation, changes,
                                                                  message):
    application_id, _ = organisation
    response = _record(form, reviewer, application_id, **changes)
    page = response.get_data(as_text=True) if response.status_code == 200 else \
        reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    assert _fresh(application_id).conversation is None
    if response.status_code == 200 and "notes" in changes:  # what was typed is on the page again
        assert "n" * 10_000 in page


def test_the_record_keeps_hostile_text_as_text(app, reviewer, form, organisation):
    application_id, _ = organisation
    assert _record(form, reviewer, application_id, notes=HOSTILE, held_with=HOSTILE[:60]).status_code == 303
    conversation = _fresh(application_id).conversation
    assert conversation.notes == HOSTILE and conversation.stage == "held"
    page = reviewer.get(f"/review/{application_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    [event] = _events(application_id, "application.conversation_recorded")
    assert "notes" not in event.details and event.details["language"] == "es"


def test_queue_filters_find_who_waits_for_a_conversation_and_who_had_it(app, reviewer, form, organisation):
    application_id, _ = organisation
    person, _ = make_application(kind="individual", username="persona")
    wants, _ = make_application(kind="individual", username="quiere")
    wants.motivation.wants_conversation = True
    db.session.commit()

    def listed(conversation: str) -> set[int]:
        page = reviewer.get(f"/review/?conversation={conversation}").get_data(as_text=True)
        return {i for i in (application_id, person.id, wants.id) if f'id="application-{i}"' in page}

    assert listed("waiting") == {application_id, wants.id}
    assert listed("held") == set()
    _record(form, reviewer, application_id)
    assert listed("waiting") == {wants.id} and listed("held") == {application_id}
    assert listed(HOSTILE) == {application_id, person.id, wants.id}  # an unknown filter is ignored


def test_reminders_go_once_to_conversations_in_the_next_day(app, organisation):
    application_id, _ = organisation
    soon = utcnow() + timedelta(hours=5)
    later, _ = make_application(kind="organisation", username="luego")
    db.session.commit()
    welcome.propose(application_id, "rita", [soon], "America/Mexico_City")
    welcome.propose(later.id, "rita", [utcnow() + timedelta(days=3)], "America/Mexico_City")
    for application in (_fresh(application_id), _fresh(later.id)):
        welcome.confirm(application, application.conversation.proposed_times[0])
    assert welcome.send_reminders() == 1
    assert welcome.send_reminders() == 0
    assert [r.payload["application_id"] for r in _mail("review.conversation_reminder")] == [application_id]


def test_the_reminders_command_runs_from_the_cli(app, organisation):
    result = app.test_cli_runner().invoke(args=["review", "conversation-reminders"])
    assert result.exit_code == 0 and "0 conversation reminders queued" in result.output


def test_a_sysadmin_without_support_cannot_propose_or_record(app, reviewers, form, organisation):
    sam = reviewers.client("sam", "sysadmins")
    application_id, _ = organisation
    token = form.token(sam, "/")
    for action in ("propose", "record"):
        response = sam.post(f"/review/{application_id}/conversation/{action}", data={"csrf_token": token})
        assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(WelcomeConversation)) == 0


def test_nothing_can_be_proposed_or_recorded_once_decided(app, reviewer, form):
    application, _ = make_application(kind="individual")
    db.session.commit()
    post(form, reviewer, f"/review/{application.id}/approve")
    page = reviewer.get(f"/review/{application.id}").get_data(as_text=True)
    assert 'id="propose-form"' not in page and 'id="record-form"' not in page
    response = _record(form, reviewer, application.id)
    assert "is not waiting for review" in reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert _fresh(application.id).conversation is None


def test_the_reviewer_reads_why_they_join_first(app, reviewer):
    application, _ = make_application(kind="individual")
    application.motivation.hopes = "Aprender a cuidar los servidores 🌱"
    application.motivation.values = ["companerismo", "buen-vivir"]
    db.session.commit()
    page = reviewer.get(f"/review/{application.id}").get_data(as_text=True)
    assert page.index('id="why"') < page.index(">About<")
    assert "Compañerismo" in page and "Buen vivir" in page and "Aprender a cuidar los servidores 🌱" in page


def test_times_cannot_be_proposed_again_once_the_conversation_was_held(app, reviewer, form, organisation):
    application_id, _ = organisation
    _record(form, reviewer, application_id)
    assert 'id="propose-form"' not in reviewer.get(f"/review/{application_id}").get_data(as_text=True)
    response = _propose(form, reviewer, application_id)
    assert "already held" in reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert _fresh(application_id).conversation.proposed_times == []


def test_a_decided_application_cannot_confirm_a_time(app, reviewer, form, client, organisation):
    application_id, token = organisation
    _propose(form, reviewer, application_id)
    chosen = _fresh(application_id).conversation.proposed_times[0]
    _record(form, reviewer, application_id)  # held after all, then approved
    post(form, reviewer, f"/review/{application_id}/approve")
    assert _fresh(application_id).state == "approved"
    assert 'id="conversation-form"' not in client.get(f"/status/{token}").get_data(as_text=True)
    response = form.post(client, f"/status/{token}/conversation", {"time": chosen}, get_url="/join/?new=1")
    assert "ya no está esperando revisión" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _fresh(application_id).conversation.scheduled_for is None


def test_no_reminder_for_a_conversation_already_held(app, reviewer, form, organisation):
    application_id, _ = organisation
    welcome.propose(application_id, "rita", [utcnow() + timedelta(hours=3)], "America/Mexico_City")
    application = _fresh(application_id)
    welcome.confirm(application, application.conversation.proposed_times[0])
    _record(form, reviewer, application_id)
    assert welcome.send_reminders() == 0 and _mail("review.conversation_reminder") == []


def test_the_welcome_email_points_to_the_working_groups_chosen_and_the_education_material(
        mailbox, app, reviewer, form):
    application, _ = make_application(kind="individual", language="es", email="ana@example.org")
    db.session.commit()
    post(form, reviewer, f"/review/{application.id}/approve")
    send_mail()
    [letter] = mailbox.to("ana@example.org")
    body = letter.get_body(("plain",)).get_content()
    assert "- Apoyo a integrantes" in body  # "support", the working group the factory chose
    assert "La tecnología como terreno de lucha: https://alta.coop/aprender/tecnologia-y-movimientos" in body


def test_the_reviewer_sees_the_region_by_its_name(app, reviewer):
    application, _ = make_application(kind="individual", region="MX-OAX")
    db.session.commit()
    assert 'id="region">Oaxaca (MX-OAX)' in reviewer.get(f"/review/{application.id}").get_data(as_text=True)
