"""Members finding each other in a real browser: a member opts in from her profile page in Spanish on a
360 px phone; another finds her by movement in English and writes to her; the message arrives through the
real SMTP server with Reply-To the sender and no address shown on any page. Screenshots in test-artifacts/."""

from __future__ import annotations

import pytest

from tests.conftest import screenshot
from tests.portal.conftest import PASSWORD, signed_up_member

pytestmark = pytest.mark.browser


def _sign_in(browser, live_server, uid: str, language: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  locale="es-MX" if language == "es" else "en-US")
    page = context.new_page()
    page.goto(f"{live_server}/me/sign-in?lang={language}")
    page.fill("input[name=identity]", uid)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me/")
    return context, page


def test_a_member_opts_in_and_another_finds_her_by_movement_and_writes_to_her(mailbox, app, live_server, browser,
                                                                             drain):
    signed_up_member("anar", language="es", email="ana.r@example.org", full_name="Ana Ramírez")
    signed_up_member("beto", language="en", email="beto@example.org", full_name="Beto Salas")
    signed_up_member("caro", language="es", email="caro@example.org", full_name="Carolina Oculta")  # never opts in

    ana, page = _sign_in(browser, live_server, "anar", "es", 360)
    try:
        page.goto(f"{live_server}/community/profile")
        page.get_by_label("Mostrar mi perfil a otras personas integrantes").check()
        page.get_by_label("Otras personas integrantes me pueden escribir por alta (nunca ven mi correo)").check()
        page.fill("input[name=display_name]", "Ana R.")
        page.fill("input[name=region]", "Oaxaca")
        page.get_by_label("Vivienda e inquilinos").check()
        screenshot(page, "community-profile-es-360")
        page.get_by_role("button", name="Guardar mi perfil").click()
        page.wait_for_url("**/community/profile")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        ana.close()

    beto, page = _sign_in(browser, live_server, "beto", "en", 1280)
    try:
        page.goto(f"{live_server}/community/")
        page.select_option("select[name=movement]", "housing")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url("**/community/?movement=housing**")
        listed = page.locator("main").inner_text()
        assert "Ana R." in listed and "Oaxaca" in listed
        assert "Carolina" not in listed and "ana.r@example.org" not in page.content()
        screenshot(page, "community-search-en-1280")
        page.get_by_role("link", name="Write to Ana R.").click()
        assert "ana.r@example.org" not in page.content()
        page.fill("textarea[name=body]", "Hi Ana, shall we meet at the housing assembly? — Beto")
        page.get_by_role("button", name="Send my message").click()
        page.wait_for_url("**/community/")
        assert "Your message is on its way" in page.locator(".notice").inner_text()
    finally:
        beto.close()

    drain()
    (letter,) = mailbox.to("ana.r@example.org")
    assert letter["Reply-To"] == "beto@example.org"
    assert "housing assembly" in letter.get_body(("plain",)).get_content()
    assert mailbox.to("caro@example.org") == []
