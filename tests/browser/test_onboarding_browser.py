"""The join wizard in a real browser (Debian's chromium, 390 px wide), in Spanish, with a screenshot per step."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Application, Consent
from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def _continue(page, name: str) -> None:
    screenshot(page, f"onboarding-{name}")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_whole_wizard_in_a_real_browser_in_spanish(live_server, page, documents):
    from app.onboarding import tokens

    page.goto(f"{live_server}/?lang=es")
    screenshot(page, "onboarding-00-home")
    page.get_by_role("link", name="Empieza tu solicitud").click() if page.get_by_role(
        "link", name="Empieza tu solicitud").count() else page.goto(f"{live_server}/join/")
    page.wait_for_url("**/join/**")
    # The organisation's questions appear only when "organisation" is chosen (progressive enhancement).
    assert not page.locator("#organisation_name").is_visible()
    page.fill("#email", "luz@example.org")
    page.fill("#full_name", "Luz Ángeles 李 🌻")
    page.check("input[name=kind][value=organisation]")
    assert page.locator("#organisation_name").is_visible()
    page.fill("#organisation_name", "Colectivo Tierra y Libertad")
    page.select_option("#organisation_size", "6-20")
    page.select_option("#country", "MX")
    page.check("input[name=language][value=es]")
    _continue(page, "01-start")
    assert "Revisa tu correo" in page.content()
    screenshot(page, "onboarding-02-check-email")
    page.get_by_role("link", name="Seguir con tu solicitud").click()
    screenshot(page, "onboarding-03-tasks")

    db.session.expire_all()
    application = db.session.scalars(select(Application)).one()
    page.goto(f"{live_server}/join/verify/{tokens.verification_token_for(application)}")
    assert "Gracias: tu correo quedó confirmado." in page.content()

    page.get_by_role("link", name="Declaración de Unidad").click()
    for n, kind in enumerate(("unity", "agreement", "intentionality")):
        page.wait_for_url(f"**/join/documents/{kind}")
        # Reaching "Accept" without ticking the box is refused with an error summary.
        if kind == "unity":
            page.locator("form button[type=submit]").click()
            assert page.title().startswith("Error:")
            screenshot(page, "onboarding-04-unity-error")
        page.check("#accept")
        _continue(page, f"05-{n}-{kind}")

    page.wait_for_url("**/join/why")
    # An organisation: the conversation is part of joining, so only how and when are asked.
    assert page.locator("#conversation-required").is_visible()
    assert not page.locator("#came_from_other").is_visible()  # revealed only for "another way"
    page.check("input[name=values][value=companerismo]")
    page.check("input[name=values][value=autonomy]")
    page.fill("#hopes", "Aprender a cuidar nuestros propios servidores y enseñarle a otras colectivas.")
    page.check("input[name=came_from][value=other]")
    assert page.locator("#came_from_other").is_visible()
    page.fill("#came_from_other", "En la radio comunitaria")
    page.check("input[name=conversation_language][value=es]")
    assert not page.locator("#phone").is_visible()
    page.check("input[name=conversation_medium][value=phone]")
    assert page.locator("#phone").is_visible()
    _continue(page, "055-why-missing-phone")
    assert page.title().startswith("Error:") and "Escribe el número al que te llamamos" in page.content()
    assert page.locator("#hopes").input_value().startswith("Aprender a cuidar")  # nothing typed is lost
    page.fill("#phone", "+52 951 123 4567")
    page.fill("#availability", "Martes y jueves en la tarde")
    _continue(page, "056-why")

    page.wait_for_url("**/join/commitments")
    page.check("input[name=dues][value='MXN:500']")
    page.fill("#hours_per_month", "6")
    page.check("input[name=working_groups][value=translation]")
    page.check("input[name=movements][value=migrant-rights]")
    page.fill("#movements_other", "Defensa del territorio")
    _continue(page, "06-commitments")

    page.wait_for_url("**/join/services")
    page.fill("#username", "root")
    page.check("#want_hosting")
    page.fill("#hosting_domain", "tierrayliberta.mx")
    _continue(page, "07-services")
    assert page.title().startswith("Error:") and "reservado" in page.content()
    screenshot(page, "onboarding-08-services-error")
    page.fill("#username", "tierra")
    page.check("#want_email")
    page.fill("#mailboxes-0-local", "contacto")
    page.fill("#mailboxes-0-display_name", "Colectivo Tierra")
    page.check("#want_drupal")
    _continue(page, "09-services-fixed")

    page.wait_for_url("**/join/check")
    assert "contacto@tierrayliberta.mx" in page.content()
    assert "Compañerismo" in page.content() and "En la radio comunitaria" in page.content()
    _continue(page, "10-check")
    page.wait_for_url("**/join/sent")
    assert "Solicitud enviada" in page.content()
    screenshot(page, "onboarding-11-sent")

    db.session.expire_all()
    application = db.session.scalars(select(Application)).one()
    assert application.state == "submitted" and application.full_name == "Luz Ángeles 李 🌻"
    assert db.session.query(Consent).count() == 3
    page.goto(f"{live_server}/status/{tokens.token_for(application)}")
    assert "Enviada: en espera de revisión" in page.content()
    screenshot(page, "onboarding-12-status")


def test_the_start_page_fits_a_narrow_phone(live_server, page, documents):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server}/join/?lang=es")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    screenshot(page, "onboarding-start-360")


def test_questions_for_options_not_chosen_stay_hidden_until_chosen_and_all_show_without_javascript(
        live_server, browser, documents):
    # Issue 13: commitments was 2,800 px and services 2,500 px tall at 360 px, every option's fields shown.
    from app.onboarding import tokens
    from tests.factories import make_application

    draft, _token = make_application(state="draft", language="es", services=())
    draft.progress = {**draft.progress, "services": False}
    db.session.commit()
    heights = {}
    for javascript in (True, False):
        context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=javascript)
        page = context.new_page()
        page.goto(f"{live_server}/join/resume/{tokens.token_for(draft)}")
        page.goto(f"{live_server}/join/commitments?lang=es")
        heights[("commitments", javascript)] = page.evaluate("document.documentElement.scrollHeight")
        assert page.locator("#waiver_reason").is_visible() is not javascript
        if javascript:
            page.check("input[name=dues][value=waiver]")
            assert page.locator("#waiver_reason").is_visible() and not page.locator("#other_amount").is_visible()
            screenshot(page, "onboarding-commitments-360-waiver")
        page.goto(f"{live_server}/join/services?lang=es")
        heights[("services", javascript)] = page.evaluate("document.documentElement.scrollHeight")
        assert page.locator("#hosting_domain").is_visible() is not javascript
        assert page.locator("#mailboxes-0-local").is_visible() is not javascript
        if javascript:
            page.check("#want_email")
            assert page.locator("#mailboxes-0-local").is_visible() and page.locator("#email_domain").is_visible()
            page.check("input[name=email_domain_choice][value=coop]")
            assert not page.locator("#email_domain").is_visible()
            screenshot(page, "onboarding-services-360-email")
        context.close()
    assert heights[("commitments", True)] < heights[("commitments", False)] - 200
    assert heights[("services", True)] < heights[("services", False)] - 600
    assert heights[("services", True)] < 1800


def test_switching_language_on_the_start_page_keeps_what_was_typed(live_server, page, documents):
    # Issue 13: the language switch is a link to a new page and dropped the answers.
    page.goto(f"{live_server}/join/?lang=en")
    page.fill("#email", "itzel@example.org")
    page.fill("#full_name", "Itzel Ramírez 🌻")
    page.check("input[name=kind][value=organisation]")
    page.fill("#organisation_name", "Colectivo Xochitl")
    page.locator("a.lang-switch").click()
    page.wait_for_url("**/join/?lang=es")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("#full_name").input_value() == "Itzel Ramírez 🌻"
    assert page.locator("#email").input_value() == "itzel@example.org"
    assert page.locator("input[name=kind][value=organisation]").is_checked()
    assert page.locator("#organisation_name").is_visible()  # the revealed block follows the restored choice
    page.reload()  # kept for the one page that follows only, not for the next person at this computer
    assert page.locator("#full_name").input_value() == ""
