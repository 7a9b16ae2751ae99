"""Hostile and unusual input: unicode names, injection strings, huge values, CSRF, usernames, domains."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, ServiceRequest
from tests.onboarding.conftest import DOCUMENTS, latest_application

NAMES = ["José Ñúñez-Güell", "李小龍", "Ana 🌻✊🏽", "مريم الحسيني", "שָׁלוֹם כהן", "Zoë O'Brien & \"Co\""]
INJECTIONS = ["*)(uid=*", "{{ lookup('pipe','id') }}", "$(touch /tmp/x)", "<script>alert(1)</script>"]


@pytest.mark.parametrize("name", NAMES)
def test_unicode_names_round_trip_through_the_wizard(wizard, client, name):
    wizard.through_services(about={"full_name": name, "kind": "organisation", "organisation_name": name},
                            services={"mailboxes-0-display_name": name})
    application = latest_application()
    assert application.full_name == name and application.organisation_name == name
    email = next(r for r in application.service_requests if r.kind == "email")
    assert email.params["mailboxes"][0]["display_name"] == name
    check = client.get("/join/check").get_data(as_text=True)
    from markupsafe import escape

    assert str(escape(name)) in check


@pytest.mark.parametrize("hostile", INJECTIONS)
def test_injection_strings_are_stored_as_text_and_shown_escaped(wizard, client, hostile):
    wizard.through_services(
        about={"full_name": hostile, "kind": "organisation", "organisation_name": hostile, "contact_person": hostile},
        services={"mailboxes-0-display_name": hostile})
    wizard.post("/join/commitments", {"dues": "waiver", "waiver_reason": hostile, "hours_per_month": "1",
                                      "movements_other": hostile, "work_reason": hostile}, get_url="/join/commitments")
    application = latest_application()
    assert application.commitment.work_reason == hostile
    assert application.full_name == hostile and application.contact_person == hostile
    assert application.movements_other == hostile and application.commitment.waiver_reason == hostile
    page = client.get("/join/check").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    if "<" in hostile:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("hostile", INJECTIONS)
def test_injection_strings_as_username_or_domain_get_a_clear_message(wizard, client, hostile):
    wizard.through_services()
    response = wizard.services(username=hostile)
    assert response.status_code == 200 and "Enter a username of 3 to 32 characters" in response.get_data(as_text=True)
    response = wizard.services(hosting_domain=hostile)
    assert response.status_code == 200 and "Enter a valid domain" in response.get_data(as_text=True)
    response = wizard.services(**{"mailboxes-0-local": hostile})
    assert response.status_code == 200 and "before the @" in response.get_data(as_text=True)
    assert latest_application().username == "anap"


@pytest.mark.parametrize(("url", "field"), [
    ("/join/", "full_name"), ("/join/", "email"), ("/join/", "organisation_name"),
    ("/join/commitments", "movements_other"), ("/join/commitments", "waiver_reason"),
    ("/join/services", "hosting_domain"), ("/join/services", "mailboxes-0-display_name"),
    ("/join/services", "username"),
])
def test_two_thousand_character_inputs_get_a_length_error_not_a_500(wizard, client, url, field):
    from tests.onboarding.conftest import ABOUT, COMMITMENTS, SERVICES

    huge = "é" * 2000
    if url == "/join/":
        response = wizard.post(url, {**ABOUT, "kind": "organisation", field: huge})
    else:
        wizard.through_services()
        base = COMMITMENTS if "commitments" in url else SERVICES
        extra = {"dues": "waiver"} if field == "waiver_reason" else {}
        response = wizard.post(url, {**base, **extra, field: huge})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<title>Error:" in body and "Use at most" in body


def test_a_huge_answer_to_the_staff_question_gets_a_length_error(wizard, client):
    wizard.through_services()
    application = latest_application()
    application.state, application.info_request = "needs_info", "Which domain?"
    db.session.commit()
    response = wizard.submit(reply="x" * 2001)
    assert response.status_code == 200 and "Use at most 2,000 characters" in response.get_data(as_text=True)


def test_a_post_without_a_csrf_token_is_refused_with_400(client, documents):
    from tests.onboarding.conftest import ABOUT

    response = client.post("/join/", data=ABOUT)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_a_post_with_a_wrong_csrf_token_is_refused_with_400(client, documents):
    from tests.onboarding.conftest import ABOUT

    client.get("/join/")
    response = client.post("/join/", data={**ABOUT, "csrf_token": "forged-token"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_every_wizard_form_refuses_a_missing_csrf_token(wizard, client):
    wizard.through_services()
    for url in [f"/join/documents/{k}" for k in DOCUMENTS] + ["/join/commitments", "/join/services",
                                                               "/join/submit", "/join/about"]:
        assert client.post(url, data={"accept": "y", "username": "zzz"}).status_code == 400, url


@pytest.mark.parametrize(("username", "message"), [
    ("ab", "3 to 32 characters"), ("Ana", "3 to 32 characters"), ("9lives", "3 to 32 characters"),
    ("ana_p", "3 to 32 characters"), ("a" * 33, "at most 32"), ("root", "reserved"), ("postmaster", "reserved"),
    ("www-data", "reserved"), ("admin", "reserved"),
])
def test_bad_usernames_get_a_clear_message_and_keep_the_rest(wizard, client, username, message):
    wizard.through_services()
    response = wizard.services(username=username, hosting_domain="otro-colectivo.org")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and message in body
    assert 'value="otro-colectivo.org"' in body  # everything else typed is kept


def test_a_username_held_by_another_application_is_taken(wizard, client):
    from tests.factories import make_application

    make_application(username="anap")
    db.session.commit()
    wizard.start()
    wizard.verify()
    for kind in DOCUMENTS:
        wizard.accept(kind)
    wizard.why()
    wizard.commitments()
    response = wizard.services()
    assert response.status_code == 200 and "already taken" in response.get_data(as_text=True)


def test_a_withdrawn_application_frees_its_username(wizard, client):
    from tests.factories import make_application

    make_application(username="anap", state="withdrawn")
    db.session.commit()
    wizard.through_services()
    assert latest_application().username == "anap"


def test_unicode_domains_are_stored_in_idna_form(wizard, client):
    wizard.through_services(services={"hosting_domain": "Cooperativa-Méxicana.ORG."})
    hosting = db.session.scalar(select(ServiceRequest).where(ServiceRequest.kind == "hosting"))
    assert hosting.params["domain"] == "xn--cooperativa-mxicana-nzb.org"
    assert "cooperativa-méxicana.org" in client.get("/join/check").get_data(as_text=True)


@pytest.mark.parametrize(("domain", "message"), [
    ("localhost", "valid domain"), ("exa mple.org", "valid domain"), ("-bad-.org", "valid domain"),
    ("alta.coop", "belongs to the cooperative"), ("x.members.alta.coop", "belongs to the cooperative"),
])
def test_bad_domains_get_a_clear_message(wizard, client, domain, message):
    wizard.through_services()
    response = wizard.services(hosting_domain=domain)
    assert response.status_code == 200 and message in response.get_data(as_text=True)


def test_duplicate_mailboxes_are_refused(wizard, client):
    wizard.through_services()
    response = wizard.services(**{"mailboxes-1-local": "ANA", "mailboxes-1-display_name": "Otra"})
    assert response.status_code == 200 and "You asked for this address twice" in response.get_data(as_text=True)


def test_mailboxes_on_the_cooperative_domain_start_with_the_username(wizard, client):
    wizard.through_services()
    response = wizard.services(email_domain_choice="coop", **{"mailboxes-0-local": "info"})
    assert response.status_code == 200 and "starts with your username" in response.get_data(as_text=True)
    response = wizard.services(email_domain_choice="coop", **{"mailboxes-0-local": "anap.news"})
    assert response.status_code == 303
    email = db.session.scalar(select(ServiceRequest).where(ServiceRequest.kind == "email"))
    assert email.params["domain"] == "members.alta.coop"
    assert email.params["mailboxes"] == [{"local": "anap.news", "display_name": "Ana Pérez"}]


def test_a_display_name_with_a_newline_is_refused(wizard, client):
    wizard.through_services()
    response = wizard.services(**{"mailboxes-0-display_name": "Ana\r\nBcc: x@example.org"})
    assert response.status_code == 200 and "single line" in response.get_data(as_text=True)


def test_services_are_optional_but_a_username_is_not(wizard, client):
    wizard.through_services()
    response = wizard.post("/join/services", {"username": "anap"})
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0
    assert wizard.post("/join/services", {"username": ""}).status_code == 200


@pytest.mark.parametrize("hours", ["9" * 400, "-" + "9" * 400, "1e400"])
def test_an_absurdly_long_number_of_hours_gets_the_range_message_not_a_crash(wizard, hours):
    wizard.through_services()
    response = wizard.post("/join/commitments", {"dues": "waiver", "waiver_reason": "sin trabajo",
                                                 "hours_per_month": hours}, get_url="/join/commitments")
    assert response.status_code in (200, 400)
    text = response.get_data(as_text=True)
    assert "Enter a number of hours from 0 to 200" in text or "Enter how many hours a month" in text
