"""The welcome conversation in a real browser: an organisation's applicant says why they join and asks to talk
(on a 360 px phone), a reviewer cannot approve before talking, proposes times, the applicant confirms one from
the status page, the reviewer records the conversation and approves. Applicant and reviewer each in one of
the two languages, both ways round."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Application, utcnow
from tests.conftest import screenshot
from tests.factories import make_application

pytestmark = pytest.mark.browser

WORDS = {
    "es": {"sent": "Solicitud enviada", "confirmed": "el horario está confirmado",
           "refused": "Antes de aprobar esta solicitud hay que tener y registrar una plática de bienvenida",
           "recorded": "La plática quedó registrada.", "approved": "Aprobada", "values": "Compañerismo"},
    "en": {"sent": "Application sent", "confirmed": "the time is confirmed",
           "refused": "A welcome conversation must be held and recorded before this application",
           "recorded": "The conversation is recorded.", "approved": "Approved", "values": "Compañerismo"},
}


def _shot(page, name: str) -> None:
    screenshot(page, f"welcome-{name}")


def _submit(page) -> None:
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize(("applicant_language", "reviewer_language"), [("es", "en"), ("en", "es")])
def test_values_a_conversation_proposed_confirmed_recorded_then_approval(
        live_server, browser, staff, applicant_language, reviewer_language):
    # Everything before the new section is done (the wizard's own browser test walks those pages).
    draft, token = make_application(state="draft", kind="organisation", language=applicant_language,
                                    organisation_name="Colectivo Tierra y Libertad", username="tierra")
    db.session.delete(draft.motivation)
    draft.progress = {**draft.progress, "why": False}
    db.session.commit()
    words, staff_words = WORDS[applicant_language], WORDS[reviewer_language]

    phone = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    phone.goto(f"{live_server}/join/resume/{token}?lang={applicant_language}")
    phone.locator("a[href='/join/why']").click()
    phone.wait_for_url("**/join/why")
    assert phone.locator("#conversation-required").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.check("input[name=values][value=companerismo]")
    phone.check("input[name=values][value=free-software]")
    phone.fill("#hopes", "Queremos aprender a cuidar nuestros servidores 🌱")
    phone.check("input[name=came_from][value=movement]")
    phone.check(f"input[name=conversation_language][value={applicant_language}]")
    phone.check("input[name=conversation_medium][value=video]")
    phone.fill("#availability", "Tardes entre semana")
    _shot(phone, f"{applicant_language}-01-why")
    _submit(phone)
    phone.wait_for_url("**/join/check")
    assert words["values"] in phone.content()
    _shot(phone, f"{applicant_language}-02-check")
    _submit(phone)
    phone.wait_for_url("**/join/sent")
    assert words["sent"] in phone.content()

    password = staff.create("rita", "support", password="Rita-browser-password-1")
    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk.goto(f"{live_server}/login?lang={reviewer_language}")
    desk.fill("input[name=username]", "rita")
    desk.fill("input[name=password]", password)
    _submit(desk)
    desk.goto(f"{live_server}/review/?conversation=waiting&lang={reviewer_language}")
    desk.locator(f"#application-{draft.id} a").click()
    desk.wait_for_url(f"**/review/{draft.id}")
    assert desk.locator("#why-hopes").inner_text() == "Queremos aprender a cuidar nuestros servidores 🌱"
    desk.locator("#approve-form button[type=submit]").click()
    desk.wait_for_load_state()
    assert staff_words["refused"] in desk.content()
    db.session.expire_all()
    assert db.session.get(Application, draft.id).state == "submitted"
    _shot(desk, f"{reviewer_language}-03-refused")

    first = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT18:00")
    second = (datetime.now(UTC) + timedelta(days=4)).strftime("%Y-%m-%dT11:30")
    desk.locator("#propose-form").locator("xpath=..").locator("summary").click()
    desk.fill("#time_1", first)
    desk.fill("#time_2", second)
    desk.select_option("#timezone", "America/Los_Angeles")
    desk.locator("#propose-form button[type=submit]").click()
    desk.wait_for_load_state()
    assert desk.locator("#proposed-times li").count() == 2
    _shot(desk, f"{reviewer_language}-04-proposed")

    phone.goto(f"{live_server}/status/{token}")
    assert phone.locator("#conversation-form input[name=time]").count() == 2
    assert re.search(r"11:30|11:30\s?AM", phone.locator("#conversation-form").inner_text())  # in the proposed zone
    _shot(phone, f"{applicant_language}-05-status-times")
    phone.check("#time-2")
    phone.locator("#conversation-form button[type=submit]").click()
    phone.wait_for_load_state()
    assert words["confirmed"] in phone.content()
    assert phone.locator("#conversation-scheduled").is_visible()
    _shot(phone, f"{applicant_language}-06-confirmed")

    desk.reload()
    assert desk.locator("#conversation-stage").get_attribute("class").endswith("warning")
    assert desk.locator("#scheduled-for").is_visible()
    desk.locator("#record-form").locator("xpath=..").locator("summary").click()
    desk.fill("#held_on", utcnow().date().isoformat())
    desk.fill("#held_with", "rita")
    desk.check(f"input[name=language][value={applicant_language}]")
    desk.fill("#notes", "Platicamos de la Declaración de Unidad; quieren sumarse a traducción.")
    desk.fill("#questions", "¿Cómo se decide en la asamblea?")
    desk.locator("#record-form button[type=submit]").click()
    desk.wait_for_load_state()
    assert staff_words["recorded"] in desk.content()
    assert desk.locator("#conversation-record").is_visible()
    _shot(desk, f"{reviewer_language}-07-recorded")
    desk.locator("#approve-form button[type=submit]").click()
    desk.wait_for_load_state()
    assert desk.locator("#application-state").inner_text() == staff_words["approved"]
    db.session.expire_all()
    assert db.session.get(Application, draft.id).state == "approved"
    _shot(desk, f"{reviewer_language}-08-approved")
