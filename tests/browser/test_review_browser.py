"""The review queue in a real browser (Debian's chromium, 390 px wide): sign in as the support account,
filter, open an application, ask for information, see the applicant's answer, approve. Screenshots per step."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import Application, AuditEvent, Member, utcnow
from tests.conftest import screenshot
from tests.factories import make_application

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    screenshot(page, f"review-{name}")


def test_reviewer_filters_asks_for_information_and_approves_after_the_answer(live_server, page, staff):
    # The development support account is called `reviewer` (app/devservices/accounts.py).
    password = staff.create("reviewer", "support")
    spanish, _ = make_application(language="es", full_name="Itzel Ramírez Cruz", username="itzel",
                                  submitted_days_ago=8)
    make_application(language="en", full_name="Jordan Lee", username="jordan", submitted_days_ago=2)
    db.session.commit()

    page.goto(f"{live_server}/review/")
    page.wait_for_url(re.compile(r"/login\?next=%2Freview%2F|/login\?next=/review/"))
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill(password)
    _shot(page, "01-sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/review/")
    assert page.locator("tr[id^=application-]").count() == 2
    assert page.locator(f"#application-{spanish.id}.is-old").count() == 1  # 8 days: past the 5-day warning
    _shot(page, "02-queue")

    page.select_option("#language", "es")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"/review/\?.*language=es"))
    assert page.locator("tr[id^=application-]").count() == 1
    _shot(page, "03-filtered")

    page.get_by_role("link", name="Itzel Ramírez Cruz").click()
    page.wait_for_url(f"**/review/{spanish.id}")
    page.get_by_label("Your question to the applicant").fill("¿Qué dominio quieres usar para tu sitio?")
    _shot(page, "04-detail")
    page.get_by_role("button", name="Ask for more information").click()
    page.wait_for_load_state()
    assert "Question sent" in page.content()
    assert page.locator("#application-state").inner_text() == "Waiting for the applicant"
    _shot(page, "05-asked")

    # The applicant answers: what the onboarding wizard's resubmission does to the row.
    db.session.execute(update(Application).where(Application.id == spanish.id).values(
        state="submitted", info_answered_at=utcnow()))
    db.session.commit()

    page.goto(f"{live_server}/review/?state=answered")
    row = page.locator(f"#application-{spanish.id}")
    assert row.count() == 1 and "answered" in row.inner_text()
    _shot(page, "06-answered")
    row.get_by_role("link").click()
    page.wait_for_url(f"**/review/{spanish.id}")
    page.get_by_role("button", name="Approve", exact=True).click()
    page.wait_for_load_state()
    assert "Approved. The member's services are being set up." in page.content()
    assert page.locator("#application-state").inner_text() == "Approved"
    _shot(page, "07-approved")

    db.session.expire_all()
    assert db.session.scalars(select(Member.uid)).all() == ["itzel"]
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target == f"application:{spanish.id}").order_by(AuditEvent.id)).all()
    assert actions == ["application.info_requested", "application.approved"]
