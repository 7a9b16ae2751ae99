"""Starting again with an address that already has a draft: no second draft, a link to the first by email."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, AuditEvent
from app.onboarding import tokens
from tests.onboarding.conftest import ABOUT, Wizard, latest_application


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Application))


def _links(message) -> list[str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return [line.strip().removeprefix("http://127.0.0.1") for line in text.splitlines()
            if line.strip().startswith("http://127.0.0.1/")]


def test_starting_again_with_the_same_address_sends_a_link_to_the_draft_instead_of_a_second_one(
        mailbox, wizard, client, drain):
    assert wizard.start(language="es").status_code == 303
    assert wizard.accept("unity").status_code == 303  # some progress on the first device
    drain()
    first = latest_application()
    old_token = tokens.token_for(first)
    mailbox.messages.clear()

    other = Wizard(client.application.test_client(), wizard.form)  # another device, another day
    response = other.start(email="  ANA@Example.org", full_name="Ana P. Otra Vez", language="en")
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/already-started")
    page = other.client.get("/join/already-started").get_data(as_text=True)
    assert "We have sent a link to continue your application to that address." in page
    assert _count() == 1
    # The typed answers did not touch the draft, and this browser was not given it.
    assert latest_application().full_name == "Ana Pérez"
    assert other.client.get("/join/tasks").headers["Location"].endswith("/join/")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.started",
                                                      AuditEvent.target != f"application:{first.id}")) is None

    drain()
    [message] = mailbox.to("ana@example.org")
    assert message["Content-Language"] == "es"  # the draft's language, not the one just typed
    [link] = _links(message)
    assert other.client.get(link).status_code == 303
    tasks = other.client.get("/join/tasks").get_data(as_text=True)
    assert 'id="task-unity">Listo<' in tasks  # the document accepted on the first device
    assert latest_application().progress.get("unity") is True
    assert client.application.test_client().get(f"/join/resume/{old_token}").status_code == 404
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.link_reissued"))
    assert event.details == {"reason": "started_again"}


def test_going_back_shows_the_answers_typed(wizard, client):
    assert wizard.start().status_code == 303
    other = Wizard(client.application.test_client(), wizard.form)
    typed = {"full_name": "Colectivo Pérez", "kind": "organisation", "organisation_name": "Radio Tierra",
             "contact_person": "Luz", "country": "US"}
    assert other.start(**typed).headers["Location"].endswith("/join/already-started")
    back = other.client.get("/join/?new=1").get_data(as_text=True)
    for value in ("Colectivo Pérez", "Radio Tierra", "Luz", "ana@example.org"):
        assert f'value="{value}"' in back, value
    assert 'value="US" selected' in back or 'selected value="US"' in back
    # With another address the person gets their own new draft, and the kept answers are dropped.
    assert other.start(email="radio@example.org", **typed).headers["Location"].endswith("/join/check-email")
    assert _count() == 2
    assert 'value="Radio Tierra"' not in other.client.get("/join/?new=1").get_data(as_text=True)


def test_a_sent_application_does_not_stop_a_new_draft_with_the_same_address(wizard, client):
    wizard.through_services()
    assert wizard.submit().status_code == 303
    other = Wizard(client.application.test_client(), wizard.form)
    assert other.start(kind="organisation", organisation_name="Radio Tierra").headers["Location"].endswith(
        "/join/check-email")
    assert _count() == 2


def test_a_withdrawn_draft_does_not_stop_a_new_one(wizard, client):
    from app.onboarding import services

    assert wizard.start().status_code == 303
    services.withdraw(latest_application())
    other = Wizard(client.application.test_client(), wizard.form)
    assert other.start().headers["Location"].endswith("/join/check-email")
    assert _count() == 2


def test_the_start_page_counts_starting_again_against_the_address_limit(wizard, client):
    # The limits are read per request from the app's config.
    client.application.config["RATELIMIT_SIGNUP_EMAIL"] = "2 per hour"
    assert wizard.start().status_code == 303
    again = Wizard(client.application.test_client(), wizard.form)
    assert again.start().headers["Location"].endswith("/join/already-started")
    response = Wizard(client.application.test_client(), wizard.form).post("/join/", ABOUT)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_the_kept_answers_are_forgotten_after_an_hour(wizard, client, monkeypatch):
    import time

    assert wizard.start().status_code == 303
    other = Wizard(client.application.test_client(), wizard.form)
    assert other.start(full_name="Persona Compartida").headers["Location"].endswith("/join/already-started")
    assert 'value="Persona Compartida"' in other.client.get("/join/?new=1").get_data(as_text=True)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3601)  # the next person at a shared computer
    page = other.client.get("/join/?new=1")
    assert page.status_code == 200 and 'id="full_name"' in page.get_data(as_text=True)
    assert 'value="Persona Compartida"' not in page.get_data(as_text=True)
