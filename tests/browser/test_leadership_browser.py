"""A leadership member in a real browser: opens the view, filters by country, downloads a CSV (English on a
desktop, Spanish at 360 px); screenshots in test-artifacts/."""

from __future__ import annotations

import pytest

from tests.conftest import screenshot

pytestmark = pytest.mark.browser
PASSWORD = "Lea-browser-password-1"


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("es", 360)])
def test_the_leadership_filters_by_country_and_downloads_a_table(app, live_server, browser, staff, language, width):
    from app.devservices import sample

    sample.load(200)
    staff.create("lea", "leadership", password=PASSWORD)
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login?lang={language}")
        page.fill("input[name=username]", "lea")
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/leadership/")
        screenshot(page, f"leadership-{language}-{width}")
        page.fill("input[name=country]", "mx")
        page.locator("form.ld-filters button[type=submit]").click()
        page.wait_for_url("**/leadership/?country=mx**")
        assert page.locator("#table-countries tbody tr").count() == 1
        screenshot(page, f"leadership-mexico-{language}-{width}")
        with page.expect_download() as download:
            page.locator("a[href*='/leadership/movements.csv']").click()
        text = download.value.path().read_text(encoding="utf-8-sig")
        assert text.splitlines()[0].startswith(("Movements", "Movimientos"))
    finally:
        context.close()
