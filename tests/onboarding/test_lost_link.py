""""Lost your link?": a fresh link by email for any of the address's applications, and a neutral answer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, AuditEvent, Outbox
from app.onboarding import tokens
from tests.onboarding.conftest import latest_application

NEUTRAL = "If we have an application for that address, we have sent a link to it."


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _links(message) -> list[str]:
    return [line.strip().removeprefix("http://127.0.0.1") for line in _text(message).splitlines()
            if line.strip().startswith("http://127.0.0.1/")]


def _ask(client, form, email: str, **kwargs):
    return form.post(client, "/join/link", {"email": email}, **kwargs)


def _outbox_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Outbox))


@pytest.mark.parametrize(("language", "subject", "words"), [
    ("en", "Your new link to your application", "The links we sent you before no longer work"),
    ("es", "Tu nuevo enlace a tu solicitud", "Los enlaces que te mandamos antes ya no funcionan"),
])
def test_a_lost_link_is_emailed_again_in_the_applicants_language_and_resumes_the_draft(
        mailbox, wizard, client, form, drain, language, subject, words):
    assert wizard.start(language=language).status_code == 303
    drain()
    old_token = tokens.token_for(latest_application())
    mailbox.messages.clear()

    stranger = client.application.test_client()  # another device, with no session, in English
    response = _ask(stranger, form, "ANA@example.org ")
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/link/sent")
    drain()
    [message] = mailbox.to("ana@example.org")
    assert subject in message["Subject"] and message["Content-Language"] == language
    assert words in _text(message)
    # The HTML part names itself with the subject: a mail client's reader reads the <title> (issue 13).
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f"<title>{message['Subject']}</title>" in html
    [link] = _links(message)
    assert link.startswith("/join/verify/")

    device = client.application.test_client()
    assert device.get(link).status_code == 303
    assert device.get("/join/tasks").status_code == 200  # this browser now works on the draft
    application = latest_application()
    assert application.email_verified_at is not None  # the link came by email: the address is proven
    assert device.get("/join/about").get_data(as_text=True).count('value="ana@example.org"') == 1
    # The old link stops working, and its error page offers a new one.
    expired = device.get(f"/join/resume/{old_token}")
    assert expired.status_code == 404 and 'href="/join/link"' in expired.get_data(as_text=True)
    assert client.application.test_client().get(f"/status/{old_token}").status_code == 404


def test_the_link_for_a_sent_application_opens_its_status_page_and_extends_its_expiry(
        mailbox, wizard, client, form, drain):
    from datetime import timedelta

    from app.models import utcnow

    wizard.through_services()
    assert wizard.submit().status_code == 303
    application = latest_application()
    old_token = tokens.token_for(application)
    application.token_expires_at = utcnow() - timedelta(days=1)  # the old link has expired
    db.session.commit()
    assert client.get(f"/status/{old_token}").status_code == 404
    drain()
    mailbox.messages.clear()

    assert _ask(client.application.test_client(), form, "ana@example.org").status_code == 303
    drain()
    [message] = mailbox.to("ana@example.org")
    [link] = _links(message)
    assert link.startswith("/status/")
    page = client.application.test_client().get(link)
    assert page.status_code == 200 and "Sent: waiting for review" in page.get_data(as_text=True)
    application = latest_application()
    assert application.token_expires_at > utcnow() + timedelta(days=29)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.link_reissued"))
    assert event.target == f"application:{application.id}" and event.details == {"reason": "lost_link"}


def test_an_unknown_address_gets_the_same_answer_and_no_email(mailbox, client, form, drain, documents):
    from tests.factories import make_application

    make_application(email="known@example.org")
    db.session.commit()
    answers = []
    for email in ("known@example.org", "nobody@example.org"):
        browser = client.application.test_client()
        before = _outbox_rows()
        response = _ask(browser, form, email)
        # The same work in the request either way: one queued row (the worker decides whether to send).
        assert _outbox_rows() == before + 1
        page = browser.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"], page.status_code,
                        page.get_data(as_text=True).replace(email, "ADDRESS")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 303 and NEUTRAL in answers[0][3]
    drain()
    assert len(mailbox.to("known@example.org")) == 1
    assert mailbox.to("nobody@example.org") == []


def test_a_withdrawn_application_gets_no_link(mailbox, client, form, drain, documents):
    from tests.factories import make_application

    make_application(state="withdrawn", email="gone@example.org")
    db.session.commit()
    assert NEUTRAL in client.get(_ask(client, form, "gone@example.org").headers["Location"]).get_data(as_text=True)
    drain()
    assert mailbox.to("gone@example.org") == []


def test_several_applications_come_in_one_email_each_with_its_own_new_link(mailbox, client, form, drain,
                                                                            documents):
    from tests.factories import make_application

    rejected, _ = make_application(state="rejected", email="Luz@Example.org", full_name="Luz Ramírez",
                                   language="en")
    draft, _ = make_application(state="draft", email="luz@example.org", kind="organisation",
                                organisation_name="Radio Comunitaria", language="es")
    make_application(state="withdrawn", email="luz@example.org")
    db.session.commit()
    old = {rejected.id: tokens.token_for(rejected), draft.id: tokens.token_for(draft)}
    assert _ask(client, form, "luz@example.org").status_code == 303
    drain()
    [message] = mailbox.messages
    # In the newest application's language, to its address.
    assert message["To"] == "luz@example.org" and message["Content-Language"] == "es"
    text = _text(message)
    assert "Radio Comunitaria" in text and "Luz Ramírez" in text
    assert "Todavía sin mandar" in text and "No aceptada" in text  # each one's state, in Spanish
    links = _links(message)
    assert len(links) == 2
    assert links[0].startswith("/join/verify/") and links[1].startswith("/status/")
    for token in old.values():
        assert client.get(f"/status/{token}").status_code == 404
    fresh = client.application.test_client()
    assert fresh.get(links[1]).status_code == 200
    assert tokens.find_verification(links[0].rsplit("/", 1)[1]).id == draft.id


def test_a_failed_send_keeps_the_old_link_working(mailbox, app_settings, wizard, client, form, drain):
    from app.devservices import free_port

    assert wizard.start().status_code == 303
    drain()
    old_token = tokens.token_for(latest_application())
    client.application.config["SMTP_PORT"] = free_port()  # nothing listens there: the send fails
    assert _ask(client.application.test_client(), form, "ana@example.org").status_code == 303
    drain()
    db.session.expire_all()
    assert tokens.find(old_token) is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.link_reissued")) is None


def test_a_filled_honeypot_gets_the_same_answer_and_queues_nothing(client, form, documents):
    from tests.factories import make_application

    make_application(email="known@example.org")
    db.session.commit()
    before = _outbox_rows()
    response = form.post(client, "/join/link", {"email": "known@example.org", "website": "http://spam.example"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/link/sent")
    assert NEUTRAL in client.get("/join/link/sent").get_data(as_text=True)
    assert _outbox_rows() == before


def test_the_page_is_linked_from_home_start_and_the_broken_link_page(client, documents):
    assert 'href="/join/link"' in client.get("/").get_data(as_text=True)
    assert 'href="/join/link"' in client.get("/join/").get_data(as_text=True)
    broken = client.get("/status/not-a-real-token")
    assert broken.status_code == 404 and 'href="/join/link"' in broken.get_data(as_text=True)


def test_the_page_and_its_answer_are_in_spanish(client, form, documents):
    page = client.get("/join/link", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Recibe un nuevo enlace a tu solicitud" in page
    response = form.post(client, "/join/link", {"email": "x@example.org"}, headers={"Accept-Language": "es"})
    answer = client.get(response.headers["Location"], headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Si tenemos una solicitud con ese correo, ya mandamos un enlace a esa dirección." in answer


# --- abuse and hostile input -------------------------------------------------------------------------------

@pytest.fixture
def strict_limits(app_settings):
    app_settings.update(RATELIMIT_SIGNUP="3 per hour", RATELIMIT_SIGNUP_EMAIL="2 per hour")


def test_the_email_limit_answers_429_with_retry_after_at_the_limit_plus_one(strict_limits, client, form,
                                                                           documents):
    for n in range(2):
        response = _ask(client.application.test_client(), form, "Ana@example.org",
                        environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
        assert response.status_code == 303
    before = _outbox_rows()
    response = _ask(client.application.test_client(), form, "ana@example.org",
                    environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "Too many tries" in response.get_data(as_text=True)
    assert _outbox_rows() == before
    # The start page keeps its own allowance for the address.
    other = _ask(client.application.test_client(), form, "otra@example.org",
                 environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert other.status_code == 303


def test_the_ip_limit_answers_429_with_retry_after_at_the_limit_plus_one(strict_limits, client, form,
                                                                        documents):
    for n in range(3):
        assert _ask(client.application.test_client(), form, f"person{n}@example.org").status_code == 303
    response = _ask(client.application.test_client(), form, "person-extra@example.org")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_typos_do_not_use_up_the_allowance(strict_limits, client, form, documents):
    for _ in range(5):
        assert _ask(client, form, "not-an-address").status_code == 200
    assert _ask(client, form, "ana@example.org").status_code == 303


def test_a_post_without_or_with_a_wrong_csrf_token_is_refused_with_400(client, documents):
    before = _outbox_rows()
    assert client.post("/join/link", data={"email": "ana@example.org"}).status_code == 400
    client.get("/join/link")
    assert client.post("/join/link", data={"email": "ana@example.org", "csrf_token": "forged"}).status_code == 400
    assert _outbox_rows() == before


@pytest.mark.parametrize("hostile", [
    "*)(mail=*", "' OR '1'='1' --@example.org", "ana@example.org'; DROP TABLE application; --",
    "{{ lookup('pipe','id') }}@example.org", "<script>alert(1)</script>@example.org", "ana@example.org\x00",
    "ana@example.org\r\nBcc: victim@example.org", "josé.núñez@correo.example.mx", "李小龍@例子.中国",
    "مريم@example.org", "🌻@example.org", "", "   ",
])
def test_hostile_addresses_get_a_clear_error_or_the_neutral_answer_never_a_500(client, form, documents, hostile):
    response = _ask(client, form, hostile)
    assert response.status_code in (200, 303)
    if response.status_code == 200:
        body = response.get_data(as_text=True)
        assert "<title>Error:" in body and "<script>alert(1)</script>" not in body
    else:
        answer = client.get(response.headers["Location"]).get_data(as_text=True)
        assert NEUTRAL in answer and "<script>alert(1)</script>" not in answer
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_a_two_thousand_character_address_gets_a_length_error(client, form, documents):
    response = _ask(client, form, "é" * 1980 + "@example.org")
    assert response.status_code == 200 and "Use at most 254 characters" in response.get_data(as_text=True)


def test_the_rate_limit_keys_in_redis_hold_no_address(client, form, services):
    from redis import Redis

    response = _ask(client, form, "Keyed.Person@example.org")
    assert response.status_code == 303
    keys = [k.decode() for k in Redis.from_url(services.redis.url).keys("*")]
    assert any("link-email" in k for k in keys), keys  # the limit was counted ...
    assert not [k for k in keys if "example.org" in k.lower() or "keyed.person" in k.lower()]  # ... by a hash
