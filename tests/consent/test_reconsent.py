"""Re-consent: a new version requiring it asks every member (email in their language, a banner), who accept
or raise concerns; support answers; reminders are bounded; syncing again changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import event, func, select

from app.consent import campaigns
from app.extensions import db
from app.models import (
    AuditEvent,
    Consent,
    ConsentCampaign,
    ConsentMessage,
    ConsentRequest,
    ConsentRequestState,
    DocumentVersion,
    Outbox,
    utcnow,
)
from tests.auth.conftest import sign_in as staff_sign_in
from tests.consent.conftest import NEW_PARAGRAPH, NOTE, counts
from tests.portal.conftest import sign_in, signed_up_member

BANNER = "Read what changed"
BANNER_ES = "Lee qué cambió"
SHA = re.compile(r'name="sha256" type="hidden" value="([0-9a-f]{64})"')
LANG = re.compile(r'name="language" type="hidden" value="(\w+)"')


def _members():
    return (signed_up_member("ana", language="en", email="ana@example.org"),
            signed_up_member("beto", language="es", email="beto@example.org"),
            signed_up_member("carla", language="es", email="carla@example.org"))


def _client(app, form, uid):
    client = app.test_client()
    sign_in(client, form, uid)
    return client


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _mails(mailbox, address: str, word: str) -> list:
    return [m for m in mailbox.to(address) if word in m["Subject"]]


def test_three_members_are_asked_answer_each_their_way_and_syncing_again_changes_nothing(
        mailbox, app, drain, form, staff, publisher):
    ana, beto, carla = _members()
    added = publisher.new_version("unity")
    assert {(v.language, v.version, v.reconsent) for v in added} == {("en", 2, True), ("es", 2, True)}
    campaign = db.session.scalar(select(ConsentCampaign))
    assert (campaign.kind, campaign.version) == ("unity", 2) and campaign.filled_at and campaign.mailed_at
    requests = {r.member_id: r for r in db.session.scalars(select(ConsentRequest))}
    assert set(requests) == {ana.id, beto.id, carla.id}
    assert {requests[m.id].language for m in (ana, beto, carla)} == {"en", "es"}

    drain()
    first = {uid: mailbox.to(f"{uid}@example.org") for uid in ("ana", "beto", "carla")}
    assert all(len(mails) == 1 for mails in first.values()), {k: len(v) for k, v in first.items()}
    assert first["ana"][0]["Content-Language"] == "en" and "Statement of Unity" in first["ana"][0]["Subject"]
    for uid in ("beto", "carla"):
        message = first[uid][0]
        assert message["Content-Language"] == "es" and "Declaración de Unidad" in message["Subject"]
        assert NOTE["es"] in message.get_body().get_content()
    assert f"/me/consent/{campaign.id}" in first["ana"][0].get_body().get_content()

    clients = {uid: _client(app, form, uid) for uid in ("ana", "beto", "carla")}
    assert BANNER in clients["ana"].get("/me/").get_data(as_text=True)
    assert BANNER_ES in clients["beto"].get("/me/?lang=es").get_data(as_text=True)
    assert BANNER_ES in clients["carla"].get("/me/commitments?lang=es").get_data(as_text=True)

    # Ana reads what changed (the note, the added paragraph) and accepts the text shown.
    url = f"/me/consent/{campaign.id}"
    page = clients["ana"].get(url).get_data(as_text=True)
    assert NOTE["en"] in page and NEW_PARAGRAPH["en"] in page and "<ins>" in page
    assert "paragraphs unchanged" in page and f"{url}?text=es" in page
    shown = SHA.search(page).group(1)
    v2_en = db.session.scalar(select(DocumentVersion).filter_by(kind="unity", version=2, language="en"))
    assert shown == v2_en.sha256
    data = {"language": "en", "sha256": shown}
    for _ in range(2):  # a double submit
        answer = form.post(clients["ana"], f"{url}/accept", data, get_url=url,
                           headers={"User-Agent": "Firefox de Ana"})
        assert answer.status_code == 303
    consents = db.session.scalars(select(Consent).where(Consent.member_id == ana.id)).all()
    assert len(consents) == 1
    consent = consents[0]
    assert (consent.document_version_id, consent.sha256_shown, consent.language) == (v2_en.id, v2_en.sha256, "en")
    assert consent.ip == "127.0.0.1" and consent.user_agent == "Firefox de Ana" and consent.accepted_at
    db.session.expire_all()
    assert db.session.get(ConsentRequest, requests[ana.id].id).state == ConsentRequestState.ACCEPTED
    assert db.session.get(ConsentRequest, requests[ana.id].id).consent_id == consent.id
    assert BANNER not in clients["ana"].get("/me/").get_data(as_text=True)
    assert len(_events("consent.reconsented")) == 1
    # The overview lists the new acceptance by its hash, and the text as shown is readable there.
    assert clients["ana"].get(f"/me/documents/{v2_en.sha256}").status_code == 200

    # Beto has concerns: support sees them and answers by email, in Beto's language.
    page = clients["beto"].get(f"{url}?lang=es").get_data(as_text=True)
    assert NOTE["es"] in page and NEW_PARAGRAPH["es"] in page
    message = "No estoy de acuerdo con cómo se decide el presupuesto."
    for _ in range(2):
        sent = form.post(clients["beto"], f"{url}/concerns", {"message": message}, get_url=url)
        assert sent.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(ConsentMessage)) == 1
    db.session.expire_all()
    assert db.session.get(ConsentRequest, requests[beto.id].id).state == ConsentRequestState.CONCERNS
    assert db.session.scalar(select(func.count()).select_from(Consent).where(Consent.member_id == beto.id)) == 0
    drain()
    assert len(mailbox.to("support@alta.coop")) == 1

    password = staff.create("sue", "support", password="Sue-test-password-1")
    support = app.test_client()
    staff_sign_in(support, form, "sue", password)
    overview = support.get("/consent/").get_data(as_text=True)
    assert "Statement of Unity" in overview and "1 waiting for an answer" in overview
    concerns_url = f"/consent/{campaign.id}/concerns"
    page = support.get(concerns_url).get_data(as_text=True)
    assert message in page and "beto" in page and "ana" not in page.split("<main")[1]
    last = db.session.scalar(select(ConsentMessage)).id
    reply_url = f"/consent/requests/{requests[beto.id].id}/reply"
    prefix = f"r{requests[beto.id].id}"
    token = re.search(rf'name="{prefix}-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = "Gracias, Beto. La asamblea de marzo va a revisar el presupuesto; te esperamos."
    for _ in range(2):  # a double submit: the second one is stale and sends nothing
        response = support.post(reply_url, data={f"{prefix}-csrf_token": token, f"{prefix}-body": answer,
                                                 f"{prefix}-after": str(last)})
        assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(ConsentMessage)) == 2
    drain()
    replies = _mails(mailbox, "beto@example.org", "inquietudes")
    assert len(replies) == 1 and answer in replies[0].get_body().get_content()
    assert replies[0]["Content-Language"] == "es"
    assert [e.actor for e in _events("consent.concern_answered")] == ["sue"]
    assert answer in clients["beto"].get(url).get_data(as_text=True)
    assert "0 waiting for an answer" in support.get("/consent/").get_data(as_text=True)

    # Carla ignores it: exactly the configured reminders (after 14 and 45 days), never more.
    assert app.config["CONSENT_REMINDER_DAYS"] == [14, 45]
    now = utcnow()
    assert campaigns.remind(now + timedelta(days=13)) == 0
    assert campaigns.remind(now + timedelta(days=15)) == 1
    assert campaigns.remind(now + timedelta(days=15)) == 0  # run twice the same day
    assert campaigns.remind(now + timedelta(days=46)) == 1
    assert campaigns.remind(now + timedelta(days=400)) == 0
    drain()
    assert len(_mails(mailbox, "carla@example.org", "recordatorio")) == 2
    assert _mails(mailbox, "ana@example.org", "reminder") == [] and _mails(mailbox, "beto@example.org", "record") == []
    assert sum(e.details["count"] for e in _events("consent.reminders_queued")) == 2
    assert "after 14 days: 1; after 45 days: 1" in support.get("/consent/").get_data(as_text=True)
    assert BANNER_ES in clients["carla"].get("/me/?lang=es").get_data(as_text=True)

    before = counts()
    assert publisher.sync() == []
    assert counts() == before
    drain()
    assert len(mailbox.messages) == 3 + 1 + 1 + 2


def test_a_typo_fix_opens_no_campaign_and_the_consents_name_the_version_seen(app, publisher, form):
    ana = signed_up_member("ana", email="ana@example.org")
    added = publisher.new_version("agreement", reconsent=False, text={"en": "Typo fixed.", "es": "Errata."})
    assert {v.version for v in added} == {2} and not any(v.reconsent for v in added)
    assert db.session.scalar(select(func.count()).select_from(ConsentCampaign)) == 0
    assert db.session.scalar(select(func.count()).select_from(ConsentRequest)) == 0
    client = _client(app, form, "ana")
    assert BANNER not in client.get("/me/").get_data(as_text=True)
    accepted = db.session.scalars(
        select(DocumentVersion).join(Consent, Consent.document_version_id == DocumentVersion.id)
        .where(Consent.application_id == ana.application_id))
    assert {v.version for v in accepted if v.kind == "agreement"} == {1}


def test_a_campaign_is_opened_in_bounded_batches_and_resumes_where_it_stopped(app, app_settings, publisher):
    app.config["CONSENT_BATCH_SIZE"] = 2
    members = [signed_up_member(f"m{i}", email=f"m{i}@example.org") for i in range(5)]
    per_commit: list[int] = []
    pending = {"n": 0}

    def flushed(session, _ctx):
        pending["n"] += sum(isinstance(o, ConsentRequest | Outbox) for o in session.new)

    def committed(session):
        per_commit.append(pending["n"])
        pending["n"] = 0

    event.listen(db.session, "after_flush", flushed)
    event.listen(db.session, "after_commit", committed)
    try:
        publisher.new_version("unity")
    finally:
        event.remove(db.session, "after_flush", flushed)
        event.remove(db.session, "after_commit", committed)
    assert db.session.scalar(select(func.count()).select_from(ConsentRequest)) == len(members)
    assert db.session.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "mail")) == len(members)
    assert max(per_commit) <= 2 and len([n for n in per_commit if n]) >= 6

    # A run that stopped half-way (cursor after two members, nothing mailed) is finished by the next sync.
    campaign = db.session.scalar(select(ConsentCampaign))
    db.session.execute(ConsentRequest.__table__.delete().where(ConsentRequest.member_id > members[1].id))
    campaign.last_member_id, campaign.filled_at, campaign.mailed_at = members[1].id, None, None
    db.session.commit()
    publisher.sync()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ConsentRequest)) == len(members)
    assert db.session.get(ConsentCampaign, campaign.id).mailed_at is not None


def test_only_active_members_are_asked_and_nobodys_services_are_touched(app, publisher, drain):
    from app.models import MemberState, ServiceRequest

    ana = signed_up_member("ana", email="ana@example.org")
    off = signed_up_member("off", email="off@example.org")
    off.state = MemberState.DISABLED
    db.session.commit()
    services_before = {(r.id, r.state) for r in db.session.scalars(select(ServiceRequest))}
    publisher.new_version("unity")
    assert [r.member_id for r in db.session.scalars(select(ConsentRequest))] == [ana.id]
    campaigns.remind(utcnow() + timedelta(days=100))
    assert {(r.id, r.state) for r in db.session.scalars(select(ServiceRequest))} == services_before
    assert db.session.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind != "mail")) == 0


def test_consent_remind_command_runs_and_is_idempotent(app, publisher):
    signed_up_member("ana", email="ana@example.org")
    publisher.new_version("unity")
    db.session.execute(ConsentRequest.__table__.update().values(mailed_at=utcnow() - timedelta(days=20)))
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["consent", "remind"])
    assert first.exit_code == 0 and "consent reminders queued: 1" in first.output
    second = runner.invoke(args=["consent", "remind"])
    assert "consent reminders queued: 0" in second.output


def test_a_reminder_follows_the_language_the_member_chose_since(mailbox, app, drain, form, publisher):
    signed_up_member("beto", language="es", email="beto@example.org")
    publisher.new_version("unity")
    drain()
    client = _client(app, form, "beto")
    assert form.post(client, "/me/language", {"language": "en"}).status_code == 303
    campaigns.remind(utcnow() + timedelta(days=15))
    drain()
    first, reminder = mailbox.to("beto@example.org")
    assert first["Content-Language"] == "es" and reminder["Content-Language"] == "en"
    assert "Statement of Unity" in reminder["Subject"]


def test_a_late_run_sends_one_reminder_for_the_latest_step_not_one_per_step_missed(app, publisher):
    signed_up_member("ana", email="ana@example.org")
    publisher.new_version("unity")
    assert campaigns.remind(utcnow() + timedelta(days=50)) == 1
    assert campaigns.remind(utcnow() + timedelta(days=500)) == 0
    assert db.session.scalar(select(ConsentRequest.reminders_sent)) == 2
    assert db.session.scalar(select(func.count()).select_from(Outbox)
                             .where(Outbox.payload["message"].as_string() == "consent.reminder")) == 1
