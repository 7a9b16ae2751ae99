"""The status page in each state, answering staff's question (needs_info → submitted), withdrawing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Note
from app.onboarding import tokens
from tests.onboarding.conftest import latest_application


def _submitted(wizard, **about):
    wizard.through_services(about=about or None)
    assert wizard.submit().status_code == 303
    application = latest_application()
    return application, tokens.token_for(application)


@pytest.mark.parametrize(("language", "words"), [("en", "Sent: waiting for review"),
                                                 ("es", "Enviada: en espera de revisión")])
def test_status_page_speaks_the_persons_language(wizard, client, language, words):
    application, token = _submitted(wizard, language=language)
    fresh = client.application.test_client()
    page = fresh.get(f"/status/{token}").get_data(as_text=True)
    assert words in page


def test_needs_info_shows_the_question_and_resubmission_puts_it_back_in_the_queue(mailbox, wizard, client, drain):
    application, token = _submitted(wizard)
    application.state, application.info_request = "needs_info", "¿Es tuyo el dominio <colectivo.org>?"
    db.session.commit()
    other = client.application.test_client()  # the person comes back by the emailed link
    page = other.get(f"/status/{token}").get_data(as_text=True)
    assert "¿Es tuyo el dominio &lt;colectivo.org&gt;?" in page and "We need more information" in page
    assert other.get("/join/tasks").status_code == 200
    from tests.onboarding.conftest import Wizard

    again = Wizard(other, wizard.form)
    assert again.services(hosting_domain="colectivo.mx").status_code == 303
    response = again.submit(reply="Sí, y también colectivo.mx")
    assert response.headers["Location"].endswith("/join/sent")
    application = latest_application()
    assert application.state == "submitted" and application.info_answered_at is not None
    assert {r.params.get("domain") for r in application.service_requests if r.kind == "hosting"} == {"colectivo.mx"}
    note = db.session.scalar(select(Note))
    assert note.body == "Sí, y también colectivo.mx" and note.author == f"applicant:{application.id}"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.resubmitted"))
    drain()
    answered = [m for m in mailbox.to("ana@example.org") if "We received your application" in m["Subject"]]
    assert "We received your answers" in answered[-1].get_body(preferencelist=("plain",)).get_content()


def test_a_submitted_application_cannot_be_edited(wizard, client):
    _application, token = _submitted(wizard)
    for url in ("/join/commitments", "/join/services", "/join/documents/unity", "/join/check"):
        response = client.get(url)
        assert response.status_code == 303 and "/status/" in response.headers["Location"], url
    response = wizard.post("/join/services", {"username": "otro"}, get_url=f"/status/{token}")
    assert response.status_code == 303 and "/status/" in response.headers["Location"]
    assert latest_application().username == "anap"


def test_approved_shows_each_services_state(wizard, client):
    application, token = _submitted(wizard)
    application.state = "approved"
    states = iter(["queued", "active", "failed"])
    for request in application.service_requests:
        request.state = next(states)
    db.session.commit()
    page = client.get(f"/status/{token}").get_data(as_text=True)
    for words in ("Being set up", "Ready", "Delayed: our team is on it", "Web hosting", "Email", "Drupal account"):
        assert words in page


def test_approved_with_every_service_active_says_the_membership_is_active(wizard, client):
    application, token = _submitted(wizard, language="es")
    application.state = "approved"
    for request in application.service_requests:
        request.state = "active"
    db.session.commit()
    page = client.get(f"/status/{token}").get_data(as_text=True)
    assert "Tu membresía está activa" in page and page.count(">Listo<") == 3


def test_rejected_shows_the_reason_escaped(wizard, client):
    application, token = _submitted(wizard, language="es")
    application.state, application.decision_reason = "rejected", "No <b>compartimos</b> principios"
    db.session.commit()
    page = client.get(f"/status/{token}").get_data(as_text=True)
    assert "No aceptada" in page and "No &lt;b&gt;compartimos&lt;/b&gt; principios" in page


def test_withdrawing_closes_the_application_and_frees_the_username(wizard, client):
    from app.onboarding.services import username_taken

    application, token = _submitted(wizard)
    assert username_taken("anap", None)
    response = wizard.post(f"/status/{token}/withdraw", {}, get_url=f"/status/{token}")
    assert response.status_code == 303
    assert latest_application().state == "withdrawn"
    assert not username_taken("anap", None)
    assert "You withdrew this application" in client.get(f"/status/{token}").get_data(as_text=True)


def test_status_links_for_applications_made_outside_the_wizard_work(client, documents):
    from tests.factories import make_application

    application, token = make_application()
    db.session.commit()
    assert client.get(f"/status/{token}").status_code == 200
