"""Re-consent pages against the wrong person and hostile input: another member's campaign is a 404, staff pages
check roles (leadership sees suppressed counts only), every form answers bad input with a message, not a 500."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app import documents
from app.consent import answers
from app.extensions import db
from app.models import AuditEvent, Consent, ConsentCampaign, ConsentMessage, ConsentRequest, ConsentRequestState
from tests.auth.conftest import sign_in as staff_sign_in
from tests.portal.conftest import sign_in, signed_up_member


@pytest.fixture
def campaign(app, publisher):
    signed_up_member("ana", email="ana@example.org")
    signed_up_member("beto", language="es", email="beto@example.org")
    publisher.new_version("unity")
    return db.session.scalar(select(ConsentCampaign))


def _client(app, form, uid):
    client = app.test_client()
    sign_in(client, form, uid)
    return client


def _staff(app, form, staff, uid, *groups):
    password = staff.create(uid, *groups, password=f"{uid.title()}-test-password-1")
    client = app.test_client()
    staff_sign_in(client, form, uid, password)
    return client


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_member_not_asked_gets_404_on_every_route_of_the_campaign(app, form, campaign):
    signed_up_member("late", email="late@example.org")  # joined after the campaign opened: no request
    client = _client(app, form, "late")
    url = f"/me/consent/{campaign.id}"
    assert client.get(url).status_code == 404
    token_page = "/me/language"
    sha = answers.campaign_text(campaign, "en").sha256
    assert form.post(client, f"{url}/accept", {"language": "en", "sha256": sha}, get_url=token_page).status_code == 404
    assert form.post(client, f"{url}/concerns", {"message": "hola"}, get_url=token_page).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Consent).where(Consent.member_id.is_not(None))) == 0
    assert _count(ConsentMessage) == 0
    for bad in ("0", "-1", "99999999999999999999", "abc", "1.5", "%00"):
        assert client.get(f"/me/consent/{bad}").status_code == 404, bad
    assert client.get(f"/me/consent/{campaign.id + 1}").status_code == 404
    assert "Read what changed" not in client.get("/me/").get_data(as_text=True)


def test_the_pages_need_a_member_session(app, client, campaign, staff, form):
    url = f"/me/consent/{campaign.id}"
    assert client.get(url).headers["Location"].startswith("/me/sign-in")
    support = _staff(app, form, staff, "sue", "support")
    assert support.get(url).headers["Location"].startswith("/me/sign-in")
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("consent."):
            assert getattr(app.view_functions[rule.endpoint], "alta_member_only", False), rule.rule


def test_hostile_answers_are_refused_with_a_message_and_record_nothing(app, form, campaign):
    client = _client(app, form, "ana")
    url = f"/me/consent/{campaign.id}"
    limit = app.config["CONSENT_MESSAGE_MAX_CHARS"]
    for message, wording in [("", "Write what concerns you"), ("   \n\t ", "Write what concerns you"),
                             ("x" * (limit + 1), f"Use at most {limit} characters"),
                             ("hola\x00mundo", "Remove the control characters"), ("a\x1b[31mb", "control characters")]:
        page = form.post(client, f"{url}/concerns", {"message": message}, get_url=url)
        assert page.status_code == 400, repr(message[:10])
        text = page.get_data(as_text=True)
        assert wording in text and "<title>Error:" in text, repr(message[:10])
    assert _count(ConsentMessage) == 0
    sha = answers.campaign_text(campaign, "en").sha256
    for language, shown in [("en", "0" * 64), ("en", ""), ("xx", sha), ("es", sha), ("en' OR 1=1--", sha),
                            ("en", "z" * 10000)]:
        page = form.post(client, f"{url}/accept", {"language": language, "sha256": shown}, get_url=url,
                         follow_redirects=True)
        assert page.status_code == 200 and "The text changed while you were reading it" in page.get_data(as_text=True)
    assert client.post(f"{url}/accept", data={"language": "en", "sha256": sha}).status_code == 400  # no CSRF token
    assert db.session.scalar(select(func.count()).select_from(Consent).where(Consent.member_id.is_not(None))) == 0
    assert set(db.session.scalars(select(ConsentRequest.state))) == {"open"}
    # A message at the limit, with line breaks, is fine and kept as written.
    fine = "Línea uno.\r\nLínea dos con <b>etiquetas</b> & comillas \"dobles\".\n" + "y" * 50
    assert form.post(client, f"{url}/concerns", {"message": fine}, get_url=url).status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "&lt;b&gt;etiquetas&lt;/b&gt;" in page and "<b>etiquetas" not in page


def test_concerns_then_accepting_is_allowed_but_accepting_twice_is_one_answer(app, form, campaign):
    client = _client(app, form, "beto")
    url = f"/me/consent/{campaign.id}"
    assert form.post(client, f"{url}/concerns", {"message": "No sé."}, get_url=url).status_code == 303
    page = client.get(f"{url}?lang=es").get_data(as_text=True)
    assert "Tengo inquietudes" not in page  # the concern form is gone once used
    sha = re.search(r'name="sha256" type="hidden" value="([0-9a-f]{64})"', page).group(1)
    assert sha == answers.campaign_text(campaign, "es").sha256
    assert form.post(client, f"{url}/accept", {"language": "es", "sha256": sha}, get_url=url).status_code == 303
    again = form.post(client, f"{url}/concerns", {"message": "Otra vez."}, get_url=url, follow_redirects=True)
    assert "Ya respondiste" in again.get_data(as_text=True)
    assert _count(ConsentMessage) == 1
    assert sorted(db.session.scalars(select(ConsentRequest.state))) == ["accepted", "open"]  # Beto's, Ana's


def test_the_other_language_is_one_click_away_and_its_acceptance_records_that_text(app, form, campaign):
    client = _client(app, form, "ana")
    url = f"/me/consent/{campaign.id}"
    page = client.get(f"{url}?text=es").get_data(as_text=True)
    assert "Declaración de Unidad" in page and 'lang="es"' in page
    es = answers.campaign_text(campaign, "es")
    assert form.post(client, f"{url}/accept", {"language": "es", "sha256": es.sha256}, get_url=url).status_code == 303
    consent = db.session.scalar(select(Consent).where(Consent.member_id.is_not(None)))
    assert (consent.language, consent.document_version_id, consent.sha256_shown) == ("es", es.id, es.sha256)
    assert client.get(f"{url}?text=<script>").status_code == 200


def _concern(app, form, campaign) -> ConsentRequest:
    client = _client(app, form, "beto")
    form.post(client, f"/me/consent/{campaign.id}/concerns", {"message": "Mi inquietud."},
              get_url=f"/me/consent/{campaign.id}")
    return db.session.scalar(select(ConsentRequest).where(ConsentRequest.state == ConsentRequestState.CONCERNS))


def test_staff_pages_check_roles_and_leadership_sees_suppressed_counts_only(app, client, form, staff, campaign):
    request = _concern(app, form, campaign)
    concerns = f"/consent/{campaign.id}/concerns"
    reply = f"/consent/requests/{request.id}/reply"
    assert client.get("/consent/").headers["Location"].startswith("/login")
    assert client.get(concerns).headers["Location"].startswith("/login")
    assert client.post(reply).status_code in (302, 303, 400)
    sysadmin = _staff(app, form, staff, "sam", "sysadmins")
    assert sysadmin.get("/consent/").status_code == 403 and sysadmin.get(concerns).status_code == 403
    member = _client(app, form, "ana")
    assert member.get("/consent/").headers["Location"].startswith("/login")

    leader = _staff(app, form, staff, "lia", "leadership")
    page = leader.get("/consent/").get_data(as_text=True)
    assert "Statement of Unity" in page and "fewer than 5" in page and "Counts only" in page
    assert "beto" not in page and "Mi inquietud" not in page and concerns not in page
    assert leader.get(concerns).status_code == 403
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # the sign-out form's
    last = db.session.scalar(select(ConsentMessage.id))
    data = {f"r{request.id}-csrf_token": token, f"r{request.id}-body": "x", f"r{request.id}-after": str(last)}
    assert leader.post(reply, data=data).status_code == 403
    assert _count(ConsentMessage) == 1

    support = _staff(app, form, staff, "sue", "support")
    page = support.get("/consent/").get_data(as_text=True)
    assert "fewer than" not in page and "1 waiting for an answer" in page
    assert "Mi inquietud." in support.get(concerns).get_data(as_text=True)
    assert support.get("/consent/999999/concerns").status_code == 404
    assert support.get("/consent/99999999999999999999/concerns").status_code == 404
    views = {e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.actor.in_(["lia", "sue"])))}
    assert {"consent.viewed_progress", "consent.viewed_concerns"} <= views
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/consent/"):
            roles = set(getattr(app.view_functions[rule.endpoint], "alta_roles", ()))
            assert roles and roles <= {"support", "leadership"}, rule.rule


def _reply_token(page: str, request_id: int) -> str:
    return re.search(rf'name="r{request_id}-csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_hostile_replies_are_refused_with_a_message_and_send_nothing(app, form, staff, campaign):
    request = _concern(app, form, campaign)
    support = _staff(app, form, staff, "sue", "support")
    concerns = f"/consent/{campaign.id}/concerns"
    reply = f"/consent/requests/{request.id}/reply"
    last = db.session.scalar(select(ConsentMessage.id))
    p = f"r{request.id}"
    limit = app.config["CONSENT_MESSAGE_MAX_CHARS"]
    for body, wording in [("", "Write your answer"), ("  ", "Write your answer"),
                          ("y" * (limit + 1), "Use at most"), ("a\x00b", "control characters")]:
        token = _reply_token(support.get(concerns).get_data(as_text=True), request.id)
        page = support.post(reply, data={f"{p}-csrf_token": token, f"{p}-body": body, f"{p}-after": str(last)})
        assert page.status_code == 400 and wording in page.get_data(as_text=True), repr(body[:5])
    for after in ("", "abc", "-1", "99999999999999999999999", str(last + 5)):
        token = _reply_token(support.get(concerns).get_data(as_text=True), request.id)
        page = support.post(reply, data={f"{p}-csrf_token": token, f"{p}-body": "Hola", f"{p}-after": after},
                            follow_redirects=True)
        assert page.status_code == 200 and "nothing was sent" in page.get_data(as_text=True), after
    token = _reply_token(support.get(concerns).get_data(as_text=True), request.id)
    for bad in ("0", "99999999999999999999"):
        assert support.post(f"/consent/requests/{bad}/reply", data={f"r{bad}-csrf_token": token}).status_code == 404
    assert support.post(reply, data={f"{p}-body": "Hola", f"{p}-after": str(last)}).status_code == 400  # no token
    assert _count(ConsentMessage) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "consent.concern_answered")) == 0


def test_front_matter_must_say_true_or_false_and_a_reconsent_needs_its_note(app, tmp_path):
    path = tmp_path / "unity.en.md"
    head = "---\nkind: unity\nversion: 3\nlanguage: en\ntitle: T\neffective: 2026-01-01\n"
    for extra, message in [("reconsent: yes\n", "true or false"), ("reconsent: true\n", "change_note"),
                           ("reconsent: true\nchange_note: " + "n" * 1001 + "\n", "longer than")]:
        path.write_text(head + extra + "---\nBody\n", encoding="utf-8")
        with pytest.raises(documents.DocumentError, match=message):
            documents.parse(path)
    path.write_text(head + "reconsent: TRUE\nchange_note: Why: because.\n---\nBody\n", encoding="utf-8")
    parsed = documents.parse(path)
    assert parsed.reconsent is True and parsed.change_note == "Why: because."
    path.write_text(head + "---\nBody\n", encoding="utf-8")
    assert documents.parse(path).reconsent is False


def test_the_difference_shows_paragraphs_removed_and_added_and_counts_the_rest():
    before = "One.\n\nTwo.\n\nThree.\n\nFour.\n"
    after = "One.\n\nTwo, changed.\n\nThree.\n\nFour.\n\nFive.\n"
    changes = [(c.op, c.paragraphs) for c in answers.difference(before, after)]
    assert changes == [("same", ("One.",)), ("removed", ("Two.",)), ("added", ("Two, changed.",)),
                       ("same", ("Three.", "Four.")), ("added", ("Five.",))]
    assert [c.op for c in answers.difference(None, "A.\n\nB.")] == ["added"]


def test_the_pages_have_unique_ids_and_a_label_for_every_input(app, form, staff, campaign):
    _concern(app, form, campaign)
    cata = signed_up_member("cata", email="cata@example.org")  # joined later; asked by hand here
    db.session.execute(ConsentRequest.__table__.insert().values(
        campaign_id=campaign.id, member_id=cata.id, language="en", state="open", created_at=campaign.opened_at,
        reminders_sent=0))
    db.session.commit()
    client = _client(app, form, "cata")
    form.post(client, f"/me/consent/{campaign.id}/concerns", {"message": "Otra."}, get_url=f"/me/consent/{campaign.id}")
    support = _staff(app, form, staff, "sue", "support")
    pages = [_client(app, form, "ana").get(f"/me/consent/{campaign.id}").get_data(as_text=True),
             support.get(f"/consent/{campaign.id}/concerns").get_data(as_text=True),
             support.get("/consent/").get_data(as_text=True)]
    for page in pages:
        ids = re.findall(r'\sid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
        for textarea in re.findall(r'<textarea[^>]*id="([^"]+)"', page):
            assert f'for="{textarea}"' in page
    assert pages[1].count("<textarea") == 2
