"""The member's own pages: sign-in against the directory, sessions, overview, commitments, documents, data."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from app import directory
from app.extensions import db
from app.models import AuditEvent, DocumentVersion, MemberCommitment, MemberSession
from tests.portal.conftest import PASSWORD, sign_in, signed_up_member

GENERIC = "The username, address or password is not right."


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _sessions() -> int:
    return db.session.scalar(select(func.count()).select_from(MemberSession))


def test_a_member_signs_in_with_username_or_address_and_sees_their_membership(app, rosa, form):
    client = app.test_client()
    assert sign_in(client, form, "rosa").headers["Location"].endswith("/me/")
    page = client.get("/me/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "You have been a member of the cooperative since" in text and "rosa" in text
    assert "Statement of Unity" in text and "Membership Agreement" in text
    assert "Web hosting" in text and "Ready" in text
    other = app.test_client()
    assert sign_in(other, form, "  ROSA@example.org ").status_code == 303
    assert other.get("/me/").status_code == 200
    assert len(_events("member.signed_in")) == 2


def test_refused_sign_ins_say_one_thing_open_no_session_and_are_audited(app, rosa, form):
    client = app.test_client()
    for identity, password in [("rosa", "wrong password"), ("rosa", ""), ("rosa", "   "), ("*", PASSWORD),
                               ("ros*", PASSWORD), ("rosa)(uid=*", PASSWORD), ("nobody", PASSWORD),
                               ("x" * 10000, PASSWORD), ("rosá", PASSWORD), ("nobody@example.org", PASSWORD)]:
        page = form.post(client, "/me/sign-in", {"identity": identity, "password": password})
        assert page.status_code == 200, identity
        assert GENERIC in page.get_data(as_text=True), identity
    assert _sessions() == 0
    assert client.get("/me/").status_code == 303
    failed = _events("member.sign_in_failed")
    assert len(failed) == 10 and all(len(e.details["identity"]) <= 64 for e in failed)
    assert all(PASSWORD not in json.dumps(e.details) for e in failed)


def test_the_directory_is_asked_with_an_escaped_filter_even_for_a_pattern_the_form_would_refuse(app, rosa):
    # The uid pattern check hides the escaping in sign_in; the directory function must not rely on it.
    d = directory.Directory.from_config()
    assert d.find_uid(d.members_dn, "ros*") is None
    assert d.find_uid(d.members_dn, "*") is None
    assert directory.authenticate_member(d, "rosa", "   ") is None
    assert directory.authenticate_member(d, "rosa", PASSWORD).locked is False


def test_a_switched_off_member_is_told_so_after_a_right_password_only(app, rosa, form):
    d = directory.Directory.from_config()
    with d.service() as conn:
        directory.set_member_locked(conn, d, "rosa", locked=True)
    client = app.test_client()
    wrong = form.post(client, "/me/sign-in", {"identity": "rosa", "password": "not it at all"})
    assert GENERIC in wrong.get_data(as_text=True)
    right = form.post(client, "/me/sign-in", {"identity": "rosa", "password": PASSWORD})
    assert "Your member account is switched off" in right.get_data(as_text=True)
    assert _sessions() == 0


def test_signing_out_ends_the_session_on_the_server_and_an_idle_one_expires(app, rosa, form):
    client = app.test_client()
    sign_in(client, form, "rosa")
    with client.session_transaction() as cookie:
        stolen = dict(cookie)
    csrf = form.token(client, "/me/")
    assert client.post("/me/sign-out", data={"csrf_token": csrf}).status_code == 303
    replay = app.test_client()
    with replay.session_transaction() as cookie:
        cookie.update(stolen)
    assert replay.get("/me/").status_code == 303
    assert len(_events("member.signed_out")) == 1

    idle = app.test_client()
    sign_in(idle, form, "rosa")
    row = db.session.scalars(select(MemberSession).where(MemberSession.ended_at.is_(None))).one()
    row.last_seen_at -= timedelta(minutes=app.config["MEMBER_IDLE_TIMEOUT_MINUTES"] + 1)
    db.session.commit()
    assert idle.get("/me/").headers["Location"].startswith("/me/sign-in")
    assert len(_events("member.session_expired")) == 1


def test_member_and_staff_sessions_open_only_their_own_pages(app, rosa_client, staff, form):
    assert rosa_client.get("/review/").status_code in (302, 303)
    assert rosa_client.get("/jobs/").status_code in (302, 303)
    password = staff.create("sue", "support", password="Sue-test-password-1")
    support = app.test_client()
    form.post(support, "/login", {"username": "sue", "password": password})
    assert support.get("/review/").status_code == 200
    assert support.get("/me/").headers["Location"].startswith("/me/sign-in")


def test_no_member_page_takes_an_id_so_another_members_data_is_out_of_reach(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("portal.")]
    assert rules and all(set(r.arguments) <= {"sha256"} for r in rules)
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        if rule.endpoint not in ("portal.sign_in", "portal.sign_out", "portal.forgot_password"):
            assert getattr(view, "alta_member_only", False), rule.rule


def test_changing_commitments_adds_a_row_keeps_the_history_and_is_audited(app, rosa, rosa_client, form):
    response = form.post(rosa_client, "/me/commitments", {"hours_per_month": "6", "working_groups": ["translation",
                         "education"], "movements": ["housing"], "movements_other": "Defensa del territorio"})
    assert response.status_code == 303
    again = form.post(rosa_client, "/me/commitments", {"hours_per_month": "6", "working_groups": ["education",
                      "translation"], "movements": ["housing"], "movements_other": "Defensa del territorio"})
    assert again.status_code == 303
    rows = db.session.scalars(select(MemberCommitment).where(MemberCommitment.member_id == rosa.id)).all()
    assert len(rows) == 1 and rows[0].hours_per_month == 6 and rows[0].working_groups == ["education", "translation"]
    (event,) = _events("member.commitments_changed")
    assert event.actor == "member:rosa" and event.details["hours_per_month"][1] == 6
    page = rosa_client.get("/me/commitments").get_data(as_text=True)
    assert "When you applied" in page and "6 hours a month" in page
    overview = rosa_client.get("/me/").get_data(as_text=True)
    assert "Translation and interpretation" in overview and "Defensa del territorio" in overview


def test_bad_commitments_get_clear_errors_keep_what_was_typed_and_change_nothing(app, rosa, rosa_client, form):
    cases = [({"hours_per_month": "-1"}, "Enter a number of hours from 0 to 200"),
             ({"hours_per_month": "201"}, "Enter a number of hours from 0 to 200"),
             ({"hours_per_month": "9" * 400}, "Enter a number of hours from 0 to 200"),
             ({"hours_per_month": ""}, "Enter how many hours a month you can give"),
             ({"hours_per_month": "4", "working_groups": ["bogus"]}, "is not a valid choice"),
             ({"hours_per_month": "4", "movements_other": "line\nbreak"}, "single line"),
             ({"hours_per_month": "4", "movements_other": "ñ" * 501}, "Use at most 500 characters")]
    for data, message in cases:
        page = form.post(rosa_client, "/me/commitments", data)
        text = page.get_data(as_text=True)
        assert page.status_code == 400, data
        assert message in text and text.count('class="field__error"') >= 1, data
    assert db.session.scalar(select(func.count()).select_from(MemberCommitment)) == 0
    kept = form.post(rosa_client, "/me/commitments", {"hours_per_month": "abc", "movements_other": "Mi barrio"})
    assert 'value="Mi barrio"' in kept.get_data(as_text=True)


def test_what_a_member_types_is_shown_escaped(app, rosa, rosa_client, form):
    form.post(rosa_client, "/me/commitments", {"hours_per_month": "1", "movements_other": "<script>alert(1)</script>"})
    page = rosa_client.get("/me/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_document_opens_only_by_the_hash_of_a_text_the_member_accepted(app, rosa, rosa_client):
    consent = rosa.application.consents[0]
    assert rosa_client.get(f"/me/documents/{consent.sha256_shown}").status_code == 200
    accepted = {c.document_version_id for c in rosa.application.consents}
    other = db.session.scalars(select(DocumentVersion).where(DocumentVersion.id.not_in(accepted))).first()
    assert other is not None  # the Spanish texts: rosa accepted the English ones
    assert rosa_client.get(f"/me/documents/{other.sha256}").status_code == 404
    for bad in ("0" * 64, "x", "%00" * 64, "a" * 10000):
        assert rosa_client.get(f"/me/documents/{bad}").status_code == 404


def test_the_data_download_holds_the_members_data_and_nobody_elses_and_no_secrets(app, rosa, rosa_client):
    signed_up_member("lucia", email="lucia@example.org", language="es")
    response = rosa_client.get("/me/data.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == 'attachment; filename="alta-rosa.json"'
    body = response.get_data(as_text=True)
    data = json.loads(body)
    assert data["member"]["uid"] == "rosa" and data["application"]["email"] == "rosa@example.org"
    assert len(data["consents"]) == 3 and data["services"][0]["kind"] == "hosting"
    assert "lucia" not in body and "token" not in body and "nonce" not in body and PASSWORD not in body
    assert rosa.application.token_hash not in body
    assert len(_events("member.data_exported")) == 1


def test_the_member_chooses_their_language_for_pages_and_emails(app, rosa, rosa_client, form):
    assert form.post(rosa_client, "/me/language", {"language": "fr"}).status_code == 400
    assert form.post(rosa_client, "/me/language", {"language": "es"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(type(rosa), rosa.id).languages[0] == "es"
    page = rosa_client.get("/me/").get_data(as_text=True)
    assert "Eres integrante de la cooperativa desde el" in page and " de 20" in page  # a long Spanish date
    assert len(_events("member.language_changed")) == 1


def test_a_spanish_member_signs_in_to_spanish_pages(app, form):
    signed_up_member("lupe", language="es")
    client = app.test_client()
    sign_in(client, form, "lupe")
    assert "Tu membresía" in client.get("/me/").get_data(as_text=True)


def test_member_sign_in_is_rate_limited_per_identity_across_addresses(app_settings, form):
    app_settings["RATELIMIT_LOGIN"] = "3 per minute"
    from app import create_app
    from tests.conftest import IsolatedClient

    application = create_app(app_settings)
    application.test_client_class = IsolatedClient
    with application.app_context():
        codes = []
        for n, identity in enumerate(["rosa", "ROSA", " rosa", "rosa", "Rosa"]):
            client = application.test_client()
            token = form.token(client, "/me/sign-in")
            codes.append(client.post("/me/sign-in", data={"identity": identity, "password": "nope",
                                                          "csrf_token": token},
                                     environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"}).status_code)
    assert codes == [200, 200, 200, 429, 429]


def test_the_development_member_is_a_real_member_who_can_sign_in_and_is_made_once(app, documents, form):
    from app.devservices.accounts import DEV_MEMBER, ensure_member
    from app.models import Member, ProvisioningJob

    ensure_member("first dev password")
    ensure_member("second dev password")  # make run again: the same member, a new password
    (member,) = db.session.scalars(select(Member).where(Member.uid == DEV_MEMBER)).all()
    assert member.password_set_at is not None and member.application.state == "approved"
    assert db.session.scalar(select(func.count()).select_from(ProvisioningJob)) == 1  # its sandbox hosting
    client = app.test_client()
    sign_in(client, form, DEV_MEMBER, "second dev password")
    assert "Alex Miembro" in json.dumps(client.get("/me/data.json").get_json(), ensure_ascii=False)


def test_changing_the_password_needs_the_current_one_and_changes_it_in_the_directory(app, rosa, rosa_client, form):
    d = directory.Directory.from_config()
    new = "otra contraseña muy larga"
    wrong = form.post(rosa_client, "/me/password", {"current": "not the password", "password": new, "confirm": new})
    assert wrong.status_code == 400 and "That is not your current password." in wrong.get_data(as_text=True)
    assert directory.member_can_bind(d, "rosa", PASSWORD)
    for data in ({"current": PASSWORD, "password": "short", "confirm": "short"},
                 {"current": PASSWORD, "password": "rosa is my name ok", "confirm": "rosa is my name ok"},
                 {"current": PASSWORD, "password": new, "confirm": new + "x"},
                 {"current": "", "password": new, "confirm": new}):
        assert form.post(rosa_client, "/me/password", data).status_code == 400
    assert directory.member_can_bind(d, "rosa", PASSWORD)
    done = form.post(rosa_client, "/me/password", {"current": PASSWORD, "password": new, "confirm": new})
    assert done.status_code == 303
    assert directory.member_can_bind(d, "rosa", new) and not directory.member_can_bind(d, "rosa", PASSWORD)
    assert [e.details for e in _events("member.password_set")] == [{"via": "change"}]
    assert len(_events("member.password_change_refused")) == 1
    assert all(new not in json.dumps(e.details) and PASSWORD not in json.dumps(e.details)
               for e in db.session.scalars(select(AuditEvent)))


def test_a_forgotten_password_is_reset_by_a_one_time_link_in_the_members_language(mailbox, app, form, drain):
    import re

    signed_up_member("lupe", language="es", email="lupe@example.org")
    client = app.test_client()
    for identity in ("LUPE@example.org", "nadie@example.org"):
        page = form.post(client, "/me/forgot-password", {"identity": identity})
        assert page.status_code == 200 and "Check your email" in page.get_data(as_text=True)
    drain()
    (message,) = mailbox.to("lupe@example.org")
    assert message["Subject"] == "Elige una contraseña nueva para tus cuentas de la cooperativa"
    token = re.search(r"/activate/([A-Za-z0-9_-]+)", message.get_body(("plain",)).get_content()).group(1)
    new = "una contraseña nueva y larga"
    assert form.post(client, f"/activate/{token}", {"password": new, "confirm": new}).status_code == 303
    assert directory.member_can_bind(directory.Directory.from_config(), "lupe", new)
    assert form.post(client, f"/activate/{token}", {"password": new, "confirm": new},
                     get_url="/me/sign-in").status_code == 404
    requested = _events("member.password_reset_requested")
    assert [e.actor for e in requested] == ["member:lupe", "anonymous"]
    assert token not in json.dumps([e.details for e in requested])
    assert form.post(client, "/me/forgot-password", {"identity": ""}).status_code == 400
    app.config["RATELIMIT_SIGNUP_EMAIL"] = "100/hour"  # past this test's own limit: the form must answer
    refused = form.post(client, "/me/forgot-password", {"identity": "nadie\x00@example.org"})  # PostgreSQL's DataError
    assert refused.status_code == 400 and "control characters" in refused.get_data(as_text=True)
    assert len(_events("member.password_reset_requested")) == 2  # nothing recorded for it


def test_the_data_download_includes_dues_re_consent_and_community_but_not_whom_they_wrote_to(app, rosa, rosa_client):
    from datetime import date

    from app.dues import followup
    from app.models import (
        CommunityProfile,
        ConsentCampaign,
        ConsentMessage,
        ConsentRequest,
        ContactMessage,
    )

    lucia = signed_up_member("lucia", email="lucia@example.org")
    followup.record_payment(rosa, "sue", amount_minor=2500, currency="USD", method="card", reference="ch_9",
                            paid_on=date(2026, 11, 30))
    db.session.add(CommunityProfile(member_id=rosa.id, visible=True, display_name="Rosa M.", about_es="Hola"))
    db.session.add(ContactMessage(sender_id=rosa.id, recipient_id=lucia.id, body="¿Vienes a la asamblea?"))
    campaign = ConsentCampaign(kind="unity", version=2)
    db.session.add(campaign)
    db.session.flush()
    request = ConsentRequest(campaign_id=campaign.id, member_id=rosa.id, language="en", state="concerns")
    db.session.add(request)
    db.session.flush()
    db.session.add(ConsentMessage(request_id=request.id, from_member=False, author="sue", body="Gracias por escribir"))
    db.session.commit()
    data = rosa_client.get("/me/data.json").get_json()
    assert data["dues"]["payments"][0] == {"amount_minor": 2500, "currency": "USD", "method": "card",
                                           "reference": "ch_9", "paid_on": "2026-11-30"}
    assert data["community"]["profile"]["display_name"] == "Rosa M."
    assert data["community"]["messages_sent"][0]["body"] == "¿Vienes a la asamblea?"
    assert data["reconsent"][0]["answer"] == "concerns"
    assert data["reconsent"][0]["messages"] == [{"from": "support", "body": "Gracias por escribir",
                                                 "at": data["reconsent"][0]["messages"][0]["at"]}]
    body = json.dumps(data, ensure_ascii=False)
    assert "lucia" not in body and "sue" not in body
