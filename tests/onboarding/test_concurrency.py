"""Concurrent requests against a real HTTP server (threads): one username, one consent row, one submission."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, AuditEvent, Consent
from tests.onboarding.conftest import ABOUT, COMMITMENTS, DOCUMENTS, SERVICES, WHY
from tests.onboarding.httpsession import Session


def _ready_for_services(base_url: str, email: str) -> Session:
    s = Session(base_url)
    assert s.form("/join/", {**ABOUT, "email": email}).status == 303
    for kind in DOCUMENTS:
        assert s.accept(kind).status == 303
    assert s.form("/join/why", WHY).status == 303
    assert s.form("/join/commitments", COMMITMENTS).status == 303
    return s


def _together(*calls):
    """Run the calls at the same moment in threads; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_concurrent_signups_with_the_same_username_one_wins_one_gets_the_message(live_server, documents):
    first = _ready_for_services(live_server, "uno@example.org")
    second = _ready_for_services(live_server, "dos@example.org")
    pages = [s.get("/join/services").text for s in (first, second)]
    data = [{**SERVICES, "username": "compartido", "csrf_token": Session.hidden(p, "csrf_token")} for p in pages]
    replies = _together(lambda: first.post("/join/services", data[0]), lambda: second.post("/join/services", data[1]))
    statuses = sorted(r.status for r in replies)
    assert statuses == [200, 303], statuses
    loser = next(r for r in replies if r.status == 200)
    assert "That username is already taken" in loser.text
    db.session.expire_all()
    holders = db.session.scalars(select(Application).where(Application.username == "compartido")).all()
    assert len(holders) == 1


def test_concurrent_double_submit_of_a_document_makes_one_consent_row(live_server, documents):
    s = Session(live_server)
    assert s.form("/join/", ABOUT).status == 303
    html = s.get("/join/documents/unity").text
    data = {"csrf_token": s.hidden(html, "csrf_token"), "accept": "y", "sha256": s.hidden(html, "sha256"),
            "document_version_id": s.hidden(html, "document_version_id"), "language": s.hidden(html, "language")}
    replies = _together(*[lambda: s.post("/join/documents/unity", data) for _ in range(4)])
    assert [r.status for r in replies] == [303] * 4
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Consent)) == 1


def test_concurrent_double_submit_of_the_application_submits_once(live_server, documents):
    from app.onboarding import tokens

    s = _ready_for_services(live_server, "ana@example.org")
    assert s.form("/join/services", SERVICES).status == 303
    db.session.expire_all()
    application = db.session.scalars(select(Application)).one()
    assert s.get(f"/join/verify/{tokens.verification_token_for(application)}").status == 303
    html = s.get("/join/check").text
    token = s.hidden(html, "csrf_token")
    replies = _together(*[lambda: s.post("/join/submit", {"csrf_token": token}) for _ in range(3)])
    assert all(r.status == 303 for r in replies)
    db.session.expire_all()
    assert db.session.scalars(select(Application)).one().state == "submitted"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "application.submitted")).all()
    assert len(events) == 1
