"""The whole join wizard through the Flask test client, in English and in Spanish, with real mail."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, AuditEvent, Consent, DocumentVersion, ServiceRequest
from tests.onboarding.conftest import ABOUT, DOCUMENTS, latest_application


def _text_part(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize(("language", "greeting", "submitted_subject", "heading"), [
    ("en", "Hello Ana", "We received your application", "Application sent"),
    ("es", "Hola, Ana", "Recibimos tu solicitud", "Solicitud enviada"),
])
def test_whole_wizard_in_each_language_submits_and_mails_in_that_language(
        mailbox, wizard, client, drain, language, greeting, submitted_subject, heading):
    response = wizard.start(language=language, full_name="Ana Pérez")
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/check-email")
    drain()
    [verify_mail] = mailbox.to("ana@example.org")
    text = _text_part(verify_mail)
    assert greeting in text
    link = next(line for line in text.splitlines() if "/join/verify/" in line).strip()
    # The emailed link verifies the address, and works in a fresh browser (another device).
    other_device = client.application.test_client()
    assert other_device.get(link.removeprefix("http://127.0.0.1")).status_code == 303
    application = latest_application()
    assert application.email_verified_at is not None and application.language == language

    for kind in DOCUMENTS:
        page = client.get(f"/join/documents/{kind}")
        version = db.session.scalar(select(DocumentVersion).where(DocumentVersion.kind == kind,
                                                                  DocumentVersion.language == language))
        assert version.title in page.get_data(as_text=True)
        assert wizard.accept(kind).status_code == 303
    assert wizard.why().status_code == 303
    assert wizard.commitments().status_code == 303
    assert wizard.services().status_code == 303

    check = client.get("/join/check").get_data(as_text=True)
    assert "colectivo.org" in check and "ana@colectivo.org" in check and "anap" in check
    response = wizard.submit()
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/sent")
    assert heading in client.get("/join/sent").get_data(as_text=True)

    application = latest_application()
    assert application.state == "submitted" and application.submitted_at is not None
    assert {c.document_version.kind for c in application.consents} == set(DOCUMENTS)
    assert {c.language for c in application.consents} == {language}
    assert {r.kind: r.params for r in application.service_requests} == {
        "hosting": {"domain": "colectivo.org"},
        "email": {"domain": "colectivo.org", "mailboxes": [{"local": "ana", "display_name": "Ana Pérez"}]},
        "drupal": {"site": "members"},
    }
    assert all(r.state == "requested" for r in application.service_requests)
    assert application.commitment.hours_per_month == 6
    assert application.commitment.working_groups == ["support", "translation"]
    assert application.movements == ["migrant-rights", "housing"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.submitted"))
    assert event.actor == f"applicant:{application.id}" and event.target == f"application:{application.id}"

    drain()
    [confirmation] = [m for m in mailbox.to("ana@example.org") if submitted_subject in m["Subject"]]
    assert "/status/" in _text_part(confirmation)
    assert confirmation.get_body(preferencelist=("html",)) is not None


def test_submission_is_refused_until_the_email_address_is_verified(wizard, client):
    assert wizard.start().status_code == 303
    for kind in DOCUMENTS:
        assert wizard.accept(kind).status_code == 303
    assert wizard.why().status_code == 303
    assert wizard.commitments().status_code == 303
    assert wizard.services().status_code == 303
    response = wizard.submit()
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/tasks")
    assert latest_application().state == "draft"
    assert wizard.verify().status_code == 303
    assert wizard.submit().headers["Location"].endswith("/join/sent")
    assert latest_application().state == "submitted"


@pytest.mark.parametrize("url", ["/join/documents/agreement", "/join/documents/intentionality",
                                 "/join/commitments", "/join/services", "/join/check"])
def test_no_step_can_be_opened_before_the_ones_before_it(wizard, client, url):
    wizard.start()
    response = client.get(url)
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/tasks")


def test_no_step_can_be_posted_out_of_order(wizard, client):
    wizard.start()
    response = wizard.post("/join/services", {"username": "anap", "want_drupal": "y"}, get_url="/join/tasks")
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/tasks")
    response = wizard.post("/join/submit", {}, get_url="/join/tasks")
    assert response.headers["Location"].endswith("/join/tasks")
    application = latest_application()
    assert application.username is None and application.state == "draft"
    assert db.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0


def test_wizard_pages_without_an_application_send_the_person_to_the_start(client, documents):
    for url in ("/join/documents/unity", "/join/commitments", "/join/check", "/join/tasks"):
        response = client.get(url)
        assert response.status_code == 303 and response.headers["Location"].endswith("/join/"), url


def test_consent_hash_is_the_hash_of_the_text_rendered_to_that_person(wizard, client):
    from app import documents

    wizard.start(language="es")
    page = client.get("/join/documents/unity?lang=es").get_data(as_text=True)
    assert wizard.accept("unity", lang="es").status_code == 303
    consent = db.session.scalar(select(Consent))
    version = consent.document_version
    assert str(documents.render(version.body)) in page  # this exact text was on the page
    assert consent.sha256_shown == hashlib.sha256(version.body.encode()).hexdigest() == version.sha256
    assert consent.language == version.language == "es"
    assert consent.ip == "127.0.0.1" and consent.user_agent


def test_the_other_language_is_one_click_away_and_the_consent_records_it(wizard, client):
    wizard.start(language="es")
    page = client.get("/join/documents/unity").get_data(as_text=True)
    assert 'href="/join/documents/unity?lang=en"' in page
    assert wizard.accept("unity", lang="en").status_code == 303
    assert db.session.scalar(select(Consent)).language == "en"


def test_double_submit_of_a_document_makes_one_consent_row(wizard, client):
    from tests.onboarding.conftest import hidden

    wizard.start()
    html = client.get("/join/documents/unity").get_data(as_text=True)
    data = {"csrf_token": hidden(html, "csrf_token"), "document_version_id": hidden(html, "document_version_id"),
            "language": hidden(html, "language"),
            "sha256": hidden(html, "sha256"), "accept": "y"}
    first = client.post("/join/documents/unity", data=data)
    second = client.post("/join/documents/unity", data=data)
    assert first.status_code == second.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Consent)) == 1


def test_a_stale_document_page_is_refused_with_a_clear_message(wizard, client):
    from tests.onboarding.conftest import hidden

    wizard.start()
    html = client.get("/join/documents/unity").get_data(as_text=True)
    data = {"csrf_token": hidden(html, "csrf_token"), "document_version_id": hidden(html, "document_version_id"),
            "language": hidden(html, "language"),
            "sha256": hidden(html, "sha256"), "accept": "y"}
    old = db.session.get(DocumentVersion, int(data["document_version_id"]))
    db.session.add(DocumentVersion(kind="unity", version=old.version + 1, language=old.language, title=old.title,
                                   body=old.body + "\nA new paragraph.\n",
                                   sha256=hashlib.sha256((old.body + "\nA new paragraph.\n").encode()).hexdigest(),
                                   effective_at=old.effective_at))
    db.session.commit()
    response = client.post("/join/documents/unity", data=data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "This document changed after you opened the page" in body and "A new paragraph." in body
    assert db.session.scalar(select(func.count()).select_from(Consent)) == 0


def test_a_forged_hash_is_refused(wizard, client):
    from tests.onboarding.conftest import hidden

    wizard.start()
    html = client.get("/join/documents/unity").get_data(as_text=True)
    data = {"csrf_token": hidden(html, "csrf_token"), "document_version_id": hidden(html, "document_version_id"),
            "language": hidden(html, "language"),
            "sha256": "0" * 64, "accept": "y"}
    assert client.post("/join/documents/unity", data=data).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Consent)) == 0


def test_a_document_is_not_accepted_without_ticking_the_box(wizard, client):
    from tests.onboarding.conftest import hidden

    wizard.start()
    html = client.get("/join/documents/unity").get_data(as_text=True)
    data = {"csrf_token": hidden(html, "csrf_token"), "document_version_id": hidden(html, "document_version_id"),
            "language": hidden(html, "language"),
            "sha256": hidden(html, "sha256")}
    response = client.post("/join/documents/unity", data=data)
    assert response.status_code == 200 and "<title>Error:" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Consent)) == 0
    assert client.get("/join/documents/agreement").status_code == 303


def test_double_submit_of_the_application_makes_one_submission_and_one_email(wizard, client):
    from app.models import Outbox

    wizard.through_services()
    token_page = client.get("/join/check").get_data(as_text=True)
    from tests.onboarding.conftest import hidden

    token = hidden(token_page, "csrf_token")
    first = client.post("/join/submit", data={"csrf_token": token})
    second = client.post("/join/submit", data={"csrf_token": token})
    assert first.headers["Location"].endswith("/join/sent")
    assert second.status_code == 303 and "/status/" in second.headers["Location"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "application.submitted")).all()
    assert len(events) == 1
    mails = [o for o in db.session.scalars(select(Outbox)) if o.payload.get("message") == "onboarding.submitted"]
    assert len(mails) == 1


def test_change_links_return_to_the_check_page(wizard, client):
    wizard.through_services()
    wizard.verify()
    check = client.get("/join/check").get_data(as_text=True)
    assert 'href="/join/commitments?return=check"' in check
    response = wizard.post("/join/commitments?return=check", {
        "dues": "other", "other_amount": "7.50", "other_currency": "USD", "hours_per_month": "4",
        "working_groups": ["outreach"], "movements": ["labour"]}, get_url="/join/commitments")
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/check")
    assert "7.50" in client.get("/join/check").get_data(as_text=True)


def test_back_and_forward_keep_what_was_saved(wizard, client):
    wizard.through_services()
    commitments = client.get("/join/commitments").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="USD:10"', commitments)
    assert 'value="6"' in commitments
    services = client.get("/join/services").get_data(as_text=True)
    assert 'value="anap"' in services and 'value="colectivo.org"' in services and 'value="ana"' in services


def test_resume_link_opens_the_draft_in_another_browser(wizard, client):
    from app.onboarding import tokens

    wizard.start()
    wizard.accept("unity")
    other = client.application.test_client()
    token = tokens.token_for(latest_application())
    assert other.get(f"/join/resume/{token}").headers["Location"].endswith("/join/tasks")
    tasks = other.get("/join/tasks").get_data(as_text=True)
    assert 'id="task-unity">Done' in tasks
    assert other.get("/join/documents/agreement").status_code == 200


def test_the_database_keeps_only_a_hash_of_the_link_token(wizard):
    from app.onboarding import tokens

    wizard.start()
    application = latest_application()
    token = tokens.token_for(application)
    assert application.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (application.token_nonce, application.token_hash)
    verification = tokens.verification_token_for(application)
    assert application.verify_token_hash == hashlib.sha256(verification.encode()).hexdigest()
    assert verification not in (application.verify_nonce, application.verify_token_hash)


def test_the_verification_link_has_its_own_token_that_opens_no_status_page(mailbox, wizard, client, drain):
    """Whoever holds the emailed verification link cannot open the status page or withdraw with it."""
    from app.onboarding import tokens

    wizard.start()
    drain()
    application = latest_application()
    [message] = mailbox.to("ana@example.org")
    text = message.get_body(preferencelist=("plain",)).get_content()
    verification = next(line for line in text.splitlines() if "/join/verify/" in line).strip().rsplit("/", 1)[1]
    status = tokens.token_for(application)
    assert verification != status and application.token_nonce != application.verify_nonce
    stranger = client.application.test_client()
    assert stranger.get(f"/status/{verification}").status_code == 404
    assert stranger.get(f"/join/resume/{verification}").status_code == 404
    assert stranger.get(f"/join/verify/{status}").status_code == 404
    assert latest_application().email_verified_at is None
    assert stranger.get(f"/join/verify/{verification}").status_code == 303
    assert latest_application().email_verified_at is not None


def test_once_sent_the_verification_link_opens_nothing(wizard, client):
    from app.onboarding import tokens

    wizard.through_services()
    verification = tokens.verification_token_for(latest_application())
    assert wizard.submit().status_code == 303
    stranger = client.application.test_client()
    response = stranger.get(f"/join/verify/{verification}")
    assert response.status_code == 404  # not a redirect to the status page, which would reveal its link
    assert stranger.get("/join/tasks").headers["Location"].endswith("/join/")


def test_a_changed_address_gets_a_new_verification_link_and_the_old_one_stops(wizard, client):
    from app.onboarding import tokens

    wizard.start()
    old = tokens.verification_token_for(latest_application())
    response = wizard.post("/join/about", {**ABOUT, "email": "ana.nueva@example.org"})
    assert response.status_code == 303
    application = latest_application()
    assert application.email == "ana.nueva@example.org" and application.email_verified_at is None
    assert client.application.test_client().get(f"/join/verify/{old}").status_code == 404
    assert wizard.verify().status_code == 303


def test_an_expired_or_wrong_link_is_refused(wizard, client):
    from datetime import timedelta

    from app.models import utcnow
    from app.onboarding import tokens

    wizard.start()
    application = latest_application()
    token = tokens.token_for(application)
    assert client.get(f"/status/{token[:-2]}").status_code == 404
    application.token_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/status/{token}").status_code == 404
    assert client.get(f"/join/verify/{tokens.verification_token_for(application)}").status_code == 404


def test_organisation_needs_its_name(wizard, client):
    response = wizard.start(kind="organisation", organisation_name="")
    assert response.status_code == 200
    assert "Enter the organisation" in response.get_data(as_text=True)
    response = wizard.start(kind="organisation", organisation_name="Colectivo Tierra", contact_person="Luz",
                            organisation_size="6-20")
    assert response.status_code == 303
    application = latest_application()
    assert (application.kind, application.organisation_name, application.organisation_size) == (
        "organisation", "Colectivo Tierra", "6-20")


def test_application_rows_count_one_per_start(wizard):
    wizard.start()
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_save_and_come_back_later_keeps_unfinished_answers_and_shows_in_progress(wizard, client):
    wizard.start()
    for kind in DOCUMENTS:
        wizard.accept(kind)
    wizard.why()
    response = wizard.post("/join/commitments", {"dues": "waiver", "waiver_reason": "Estoy sin trabajo",
                                                 "hours_per_month": "", "later": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/tasks")
    assert 'id="task-commitments">In progress' in client.get("/join/tasks").get_data(as_text=True)
    other = client.application.test_client()  # on another device, by the emailed link
    from app.onboarding import tokens

    other.get(f"/join/resume/{tokens.token_for(latest_application())}")
    page = other.get("/join/commitments").get_data(as_text=True)
    assert "Estoy sin trabajo" in page and re.search(r'<input checked[^>]*value="waiver"', page)
    assert latest_application().commitment is None  # nothing unchecked reached the real answers
    assert client.get("/join/services").status_code == 303  # an unfinished section opens nothing after it
    assert wizard.post("/join/commitments", {"dues": "waiver", "waiver_reason": "Estoy sin trabajo",
                                             "hours_per_month": "2", "movements": ["labour"],
                                             "work_reason": "Este año cuido a mi familia"}).status_code == 303
    application = latest_application()
    assert application.progress["commitments"] is True and "commitments" not in application.progress["drafts"]
    assert application.commitment.waiver_requested and application.commitment.hours_per_month == 2


def test_a_second_separate_application_can_be_started_from_the_same_browser(wizard, client):
    wizard.start()
    assert client.get("/join/").headers["Location"].endswith("/join/tasks")
    assert 'href="/join/?new=1"' in client.get("/join/tasks").get_data(as_text=True)
    response = wizard.post("/join/?new=1", {**ABOUT, "email": "org@example.org"})
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Application)) == 2
    assert latest_application().email == "org@example.org"


def test_movements_are_optional_as_the_label_says(wizard, client):
    # The page labels "Movements" as optional; an applicant who names none must be able to go on (issue 13).
    wizard.through_services()
    page = client.get("/join/commitments").get_data(as_text=True)
    assert re.search(r"Movements you are active in\s*<span class=\"field__optional\">\(optional\)</span>", page)
    response = wizard.post("/join/commitments?return=check", {
        "dues": "USD:10", "hours_per_month": "6", "working_groups": ["support"]}, get_url="/join/commitments")
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/check")


def test_change_after_choosing_the_cooperatives_domain_reopens_that_choice_and_saves_unchanged(wizard, client, app):
    # Issue 13: the page came back as "my own domain" with the cooperative's domain typed in, and saving it
    # unchanged failed with "That domain belongs to the cooperative".
    coop = app.config["MEMBER_MAIL_DOMAIN"]
    wizard.through_services(services={"want_hosting": "", "hosting_domain": "", "email_domain_choice": "coop",
                                      "mailboxes-0-local": "anap"})
    page = client.get("/join/services?return=check").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="coop"|<input[^>]*value="coop"[^>]*checked', page)
    assert f'value="{coop}"' not in page
    form_data = {"username": "anap", "want_email": "y", "email_domain_choice": "coop", "email_domain": "",
                 "mailboxes-0-local": "anap", "mailboxes-0-display_name": ""}
    response = wizard.post("/join/services?return=check", form_data, get_url="/join/services")
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/check")
    assert latest_application().service_requests[0].params["domain"] == coop


def test_an_empty_hosting_domain_is_one_error_on_its_own_field(wizard):
    # Issue 13: the same message twice, once on the mail field whose hint says to leave it empty.
    wizard.start()
    for kind in DOCUMENTS:
        wizard.accept(kind)
    wizard.why()
    wizard.commitments()
    response = wizard.services(hosting_domain="", email_domain="")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('class="field__error" id="hosting_domain-error"') == 1
    assert 'id="email_domain-error"' not in page
    # Required once hosting is chosen: the label does not say "optional".
    assert not re.search(r'for="hosting_domain">[^<]*<span class="field__optional">', page)


def test_a_mail_domain_typed_alongside_a_broken_site_domain_is_still_checked(wizard):
    wizard.start()
    for kind in DOCUMENTS:
        wizard.accept(kind)
    wizard.why()
    wizard.commitments()
    page = wizard.services(hosting_domain="", email_domain="alta.coop").get_data(as_text=True)
    assert 'id="email_domain-error"' in page and "belongs to the cooperative" in page


@pytest.mark.parametrize(("changes", "message"), [
    ({"hours_per_month": "0"}, "asks for at least 4 hours a month"),
    ({"hours_per_month": "3"}, "asks for at least 4 hours a month"),
    ({"working_groups": []}, "asks every member to take part in a working group"),
])
def test_the_commitments_ask_what_the_agreement_asks_or_why_not_now(wizard, changes, message):
    # Issue 13: the Agreement asks 1-2 hours a week and a working group; the step accepted 0 and none.
    wizard.start()
    for kind in DOCUMENTS:
        wizard.accept(kind)
    wizard.why()
    response = wizard.commitments(**changes)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert latest_application().commitment is None
    reason = "Este año cuido a mi mamá; en junio puedo más 🌱"
    assert wizard.commitments(**changes, work_reason=reason).status_code == 303
    assert latest_application().commitment.work_reason == reason


def test_the_reason_is_dropped_once_the_asks_are_met_and_the_reviewer_reads_it(wizard, client, app, staff, form):
    wizard.start()
    for kind in DOCUMENTS:
        wizard.accept(kind)
    wizard.why()
    wizard.commitments(work_reason="No sé")  # 6 hours and two groups: no reason is needed, none is kept
    assert latest_application().commitment.work_reason is None
    wizard.commitments(hours_per_month="1", work_reason="Trabajo dos turnos")
    assert "Trabajo dos turnos" in client.get("/join/commitments").get_data(as_text=True)
    from tests.auth.conftest import sign_in

    reviewer = app.test_client()
    sign_in(reviewer, form, "rita", staff.create("rita", "support", password="Rita-test-password-1"))
    page = reviewer.get(f"/review/{latest_application().id}").get_data(as_text=True)
    assert 'id="work-reason">Trabajo dos turnos' in page
