"""axe-core (WCAG 2.2 A and AA rules) on the public pages, every member page and every staff page, in both
languages, at 360 and 1280 px, including a form showing its errors: no violations. axe-core comes from the npm registry
(tests/browser/axe, installed by `make test`) and is injected into the page under test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.portal.conftest import PASSWORD, signed_up_member

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

PUBLIC = ["/", "/join/", "/login", "/me/sign-in", "/me/forgot-password"]
MEMBER = ["/me/", "/me/commitments", "/me/language", "/me/password", "/me/leave", "/community/", "/community/profile",
          "/community/groups/", "/community/groups/translation", "/me/dues"]


WIDTHS = (360, 1280)


def at(url: str, language: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={language}"


def checked(page, url: str) -> dict[str, list[str]]:
    """The violations on the page just loaded, at each width (the layout changes at 40rem)."""
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        found[f"{url} at {width}px"] = violations(page)
    return found


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
                          ".violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))",
                          RULES)
    return found


@pytest.fixture
def phone(browser):
    # The pages' CSP forbids inline scripts, as it should; axe is injected as one, so the test context bypasses it.
    context = browser.new_context(viewport={"width": 360, "height": 800}, bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_public_and_member_pages_have_no_accessibility_violations(app, live_server, phone, documents, language):
    from app.extensions import db
    from app.models import CommunityProfile, ContactMessage
    from tests.members.factories import make_member

    member = signed_up_member("accesible", language=language)
    other = CommunityProfile(member=make_member(username="visible"), visible=True, contactable=True,
                             display_name="Zoë Núñez", languages=["es"], movements=["housing"])
    db.session.add(other)
    db.session.flush()
    letter = ContactMessage(sender_id=other.member_id, recipient_id=member.id, body="¿Nos vemos en la asamblea?")
    db.session.add(letter)
    db.session.commit()
    problems = {}
    for url in PUBLIC:
        phone.goto(f"{live_server}{at(url, language)}")
        problems.update(checked(phone, url))
    phone.goto(f"{live_server}/me/sign-in?lang={language}")
    phone.fill("input[name=identity]", member.uid)
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url("**/me/")
    consent = member.application.consents[0]
    for url in [*MEMBER, f"/me/documents/{consent.sha256_shown}", f"/community/members/{other.id}/write",
                f"/community/messages/{letter.id}/report"]:
        assert phone.goto(f"{live_server}{at(url, language)}").ok, url  # the page itself, not a 404 page
        problems.update(checked(phone, url))
    phone.set_viewport_size({"width": 360, "height": 800})
    phone.goto(f"{live_server}/me/commitments?lang={language}")
    phone.fill("input[name=hours_per_month]", "999")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_load_state()
    assert phone.locator(".error-summary").count() == 1
    problems.update(checked(phone, "/me/commitments (with errors)"))
    assert {url: found for url, found in problems.items() if found} == {}


def test_the_check_finds_a_planted_problem(phone):
    # Guard for the guard: a page with an unlabelled input and an image without text must fail.
    phone.set_content('<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
                      '<img src="data:,"><input type="text"></main></body></html>')
    found = violations(phone)
    assert any(v.startswith("image-alt") for v in found) and any(v.startswith("label") for v in found)


STAFF = ["/review/", "/review/{application}", "/review/documents/{version}", "/jobs/", "/jobs/{job}",
         "/jobs/health", "/jobs/tokens", "/audit/", "/leadership/", "/leadership/?country=MX",
         "/leadership/?from=2026-01&until=2026-06", "/dues/", "/dues/members/{member}", "/dues/import"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_staff_pages_have_no_accessibility_violations(app, live_server, phone, staff, language):
    from app.extensions import db
    from tests.factories import make_application
    from tests.members.factories import make_member, plan_jobs

    application, _ = make_application(full_name="Zoë Núñez", language=language)
    member = make_member(username="revisar")
    (job, *_) = plan_jobs([member])
    db.session.commit()
    ids = {"application": application.id, "version": application.consents[0].document_version_id, "job": job.id,
           "member": member.id}
    password = staff.create("pat", "support", "sysadmins", "leadership", password="Pat-axe-password-1")
    phone.goto(f"{live_server}/login?lang={language}")
    phone.fill("input[name=username]", "pat")
    phone.fill("input[name=password]", password)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_load_state()
    problems = {}
    for url in STAFF:
        assert phone.goto(f"{live_server}{at(url.format(**ids), language)}").ok, url
        assert phone.locator("html").get_attribute("lang").startswith(language), url
        problems.update(checked(phone, url))
    # The welcome conversation's forms, opened, and the record form showing its errors.
    phone.goto(f"{live_server}{at(f'/review/{application.id}', language)}")
    phone.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    problems.update(checked(phone, "/review/<id> (conversation forms open)"))
    phone.locator("#record-form button[type=submit]").click()
    phone.wait_for_load_state()
    assert phone.locator(".error-summary").count() == 1
    problems.update(checked(phone, "/review/<id> (record form with errors)"))
    assert {url: found for url, found in problems.items() if found} == {}


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_why_step_and_the_conversation_on_the_status_page_have_no_violations(app, live_server, phone,
                                                                                 language):
    from datetime import timedelta

    from app.extensions import db
    from app.models import utcnow
    from app.review import welcome
    from tests.factories import make_application

    draft, token = make_application(state="draft", kind="organisation", language=language)
    db.session.delete(draft.motivation)
    draft.progress = {**draft.progress, "why": False}
    db.session.commit()
    problems = {}
    phone.goto(f"{live_server}/join/resume/{token}?lang={language}")
    assert phone.goto(f"{live_server}{at('/join/why', language)}").ok
    problems.update(checked(phone, "/join/why"))
    phone.set_viewport_size({"width": 360, "height": 800})
    phone.locator("main form button[type=submit]").first.click()
    phone.wait_for_load_state()
    assert phone.locator(".error-summary").count() == 1
    problems.update(checked(phone, "/join/why (with errors)"))
    draft.state, draft.submitted_at = "submitted", utcnow()
    db.session.commit()
    welcome.propose(draft.id, "rita", [utcnow() + timedelta(days=2), utcnow() + timedelta(days=3)],
                    "America/Mexico_City")
    assert phone.goto(f"{live_server}{at(f'/status/{token}', language)}").ok
    assert phone.locator("#conversation-form").count() == 1
    problems.update(checked(phone, "/status/<token> (times proposed)"))
    assert {url: found for url, found in problems.items() if found} == {}
