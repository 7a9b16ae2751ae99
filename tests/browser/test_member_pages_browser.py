"""A member in a real browser: sets their password from the activation email, signs in, reads their
membership, changes hours and working groups, downloads their data, asks to leave and changes their mind.
In English on a phone, and in Spanish at 360 px; a screenshot at each step (test-artifacts/)."""

from __future__ import annotations

import json

import pytest

from app.extensions import db
from app.models import MemberCommitment
from tests.conftest import screenshot
from tests.members.test_activation import active_member, send_link

pytestmark = pytest.mark.browser
PASSWORD = "una contraseña larga de prueba"

TEXT = {
    "en": {"set": "Set my password", "sign_in": "Sign in", "overview": "Your membership",
           "change": "Change your commitments", "save": "Save my commitments", "saved": "Your commitments are saved",
           "leave": "Leave the cooperative", "confirm": "I want to leave the cooperative",
           "asked": "You asked to leave the cooperative", "stay": "I want to stay",
           "stays": "You stay in the cooperative",
           "group": "Translation and interpretation"},
    "es": {"set": "Guardar mi contraseña", "sign_in": "Entrar", "overview": "Tu membresía",
           "change": "Cambiar tus compromisos", "save": "Guardar mis compromisos",
           "saved": "Tus compromisos quedaron guardados", "leave": "Dejar la cooperativa",
           "confirm": "Quiero dejar la cooperativa", "asked": "Pediste dejar la cooperativa", "stay": "Quiero quedarme",
           "stays": "Te quedas en la cooperativa", "group": "Traducción e interpretación"},
}


@pytest.mark.parametrize(("language", "width"), [("en", 390), ("es", 360)])
def test_a_member_uses_their_pages_from_activation_to_changing_their_mind(mailbox, app, live_server, browser, drain,
                                                                         language, width):
    t = TEXT[language]
    member = active_member(username=f"flor{language}", language=language)
    token = send_link(member, drain, mailbox)
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="es-MX" if language == "es"
                                  else "en-US", accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/activate/{token}?lang={language}")
        page.fill("input[name=password]", PASSWORD)
        page.fill("input[name=confirm]", PASSWORD)
        page.get_by_role("button", name=t["set"]).click()
        page.wait_for_url("**/activate/done")
        page.locator("main a.button").click()  # "Sign in to your member pages"
        page.wait_for_url("**/me/sign-in")
        screenshot(page, f"member-sign-in-{language}-{width}")
        page.fill("input[name=identity]", member.uid)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/me/")
        assert page.locator("h1").inner_text() == t["overview"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the phone
        screenshot(page, f"member-overview-{language}-{width}")

        page.get_by_role("link", name=t["change"]).click()
        page.fill("input[name=hours_per_month]", "8")
        page.get_by_label(t["group"]).check()
        page.get_by_role("button", name=t["save"]).click()
        page.wait_for_url("**/me/#commitments")
        assert t["saved"] in page.locator(".notice").inner_text()
        assert t["group"] in page.locator("main").inner_text()
        screenshot(page, f"member-commitments-saved-{language}-{width}")

        with page.expect_download() as download:
            page.locator("a[href$='/me/data.json']").first.click()
        data = json.loads(download.value.path().read_text(encoding="utf-8"))
        assert data["member"]["uid"] == member.uid and data["commitments"][0]["hours_per_month"] == 8

        page.get_by_role("link", name=t["leave"]).click()
        page.get_by_label(t["confirm"]).check()
        screenshot(page, f"member-leave-{language}-{width}")
        page.get_by_role("button", name=t["leave"]).click()
        page.wait_for_url("**/me/#leaving")
        assert t["asked"] in page.locator("#leaving").inner_text()
        page.get_by_role("button", name=t["stay"]).click()
        assert t["stays"] in page.locator(".notice").first.inner_text()
        screenshot(page, f"member-stays-{language}-{width}")
    finally:
        context.close()
    db.session.expire_all()
    assert db.session.query(MemberCommitment).filter_by(member_id=member.id).count() == 1
