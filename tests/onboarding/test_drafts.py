"""Drafts: one per address even for two starts at the same instant; abandoned drafts get one reminder, then
expire and free their username; a sent application is never touched. Run on both databases."""

from __future__ import annotations

import contextlib
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from app.extensions import db
from app.models import Application, AuditEvent, Outbox, utcnow
from app.onboarding import drafts, services, tokens
from tests.factories import make_application
from tests.onboarding.conftest import ABOUT, latest_application
from tests.onboarding.httpsession import Session


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _reminders() -> int:
    return _count(Outbox, Outbox.payload["message"].as_string() == drafts.REMINDER_MESSAGE)


def _events(action: str) -> int:
    return _count(AuditEvent, AuditEvent.action == action)


# --- two starts at once ---------------------------------------------------------------------------------

def test_two_starts_at_the_same_instant_with_one_address_make_one_draft(live_server, documents, monkeypatch):
    """Both requests pass the "has this address a draft?" check before either writes (a barrier holds
    them there), as two exactly simultaneous starts do: only the unique index tells them apart."""
    looked = threading.Barrier(2, timeout=20)
    real = services.applications_for

    def applications_for(email, states=None):
        found = real(email, states) if states is not None else real(email)
        if not found and threading.current_thread() is not threading.main_thread():
            with contextlib.suppress(threading.BrokenBarrierError):  # a timeout: the test then fails below
                looked.wait()
        return found

    monkeypatch.setattr(services, "applications_for", applications_for)
    sessions = [Session(live_server), Session(live_server)]
    pages = [s.get("/join/").text for s in sessions]
    data = [{**ABOUT, "email": address, "started": Session.hidden(page, "started"),
             "csrf_token": Session.hidden(page, "csrf_token")}
            for page, address in zip(pages, ("Ana@Example.org", "ana@example.org "), strict=True)]
    replies = [None, None]

    def run(i):
        replies[i] = sessions[i].post("/join/", data[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [r.status for r in replies] == [303, 303], [r.text[:300] for r in replies]
    assert sorted(r.headers["Location"].rsplit("/", 1)[1] for r in replies) == ["already-started", "check-email"]
    assert _count(Application) == 1
    # The second start got the existing draft's flow: a fresh link to it is emailed to the address.
    assert _count(Outbox, Outbox.payload["message"].as_string() == "onboarding.link") == 1
    assert _events("application.started") == 1


def test_the_migrated_database_has_the_one_draft_per_address_index(app):
    """Alembic cannot compare expression indexes with the models (and a SQLite table rebuild drops them)."""
    if db.engine.dialect.name == "sqlite":
        query = "SELECT sql FROM sqlite_master WHERE name = 'uq_application_draft_email'"
    else:
        query = "SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_application_draft_email'"
    definition = db.session.scalar(text(query))
    assert definition and definition.startswith("CREATE UNIQUE INDEX")
    assert re.search(r"lower\(\(?email\)?", definition) and "'draft'" in definition


def test_changing_the_address_to_one_with_a_draft_is_refused_at_the_field(wizard, client, form):
    make_application(state="draft", email="Luz@example.org")
    db.session.commit()
    assert wizard.start().status_code == 303
    response = wizard.post("/join/about", {**ABOUT, "email": "luz@EXAMPLE.org"})
    assert response.status_code == 200
    assert "Another application that is not sent yet uses this email address" in response.get_data(as_text=True)
    assert latest_application().email == "ana@example.org"


# --- reminders and expiry -------------------------------------------------------------------------------

def _idle(application: Application, days: float, reminded_days_ago: float | None = None) -> None:
    """Pretend the draft was last saved `days` ago (and reminded `reminded_days_ago`)."""
    now = utcnow()
    db.session.execute(update(Application).where(Application.id == application.id).values(
        updated_at=now - timedelta(days=days),
        draft_reminded_at=None if reminded_days_ago is None else now - timedelta(days=reminded_days_ago)))
    db.session.commit()


def _draft(idle_days: float, **fields) -> Application:
    application, _ = make_application(state="draft", **fields)
    tokens.issue_verification(application)
    db.session.commit()
    _idle(application, idle_days)
    return application


def test_a_draft_idle_until_a_week_before_expiry_gets_one_reminder_in_its_language(
        mailbox, app, client, drain, documents):
    waiting = _draft(23.5, language="es", email="rosa@example.org")
    fresh = _draft(22, email="nuevo@example.org")
    assert drafts.run() == (1, 0)
    assert drafts.run() == (0, 0)  # the daily command ran twice: no second reminder
    assert _reminders() == 1 and _events("application.draft_reminded") == 1
    drain()
    [message] = mailbox.to("rosa@example.org")
    assert message["Content-Language"] == "es" and "todavía no se manda" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    # A week after the reminder (the draft's own 30 days end half a day sooner: the reminder's week wins).
    expected = (db.session.get(Application, waiting.id).draft_reminded_at + timedelta(days=7)).strftime("%Y-%m-%d")
    assert f"se cerrará el {expected}" in text, text
    link = next(line for line in text.splitlines() if "/join/verify/" in line).strip()
    assert client.get(link.removeprefix("http://127.0.0.1")).status_code == 303
    assert not mailbox.to("nuevo@example.org")
    assert db.session.get(Application, fresh.id).draft_reminded_at is None
    # The reminder is not the person's activity: the expiry clock did not move.
    assert abs(db.session.get(Application, waiting.id).updated_at - waiting.updated_at) < timedelta(seconds=1)


def test_an_expired_draft_frees_its_username_for_a_new_applicant(wizard, app):
    old = _draft(31, username="anap")
    _idle(old, 31, reminded_days_ago=8)
    assert services.username_taken("anap", None)
    assert drafts.run() == (0, 1)
    assert drafts.run() == (0, 0)  # nothing expires twice
    assert db.session.get(Application, old.id).state == "expired"
    assert _events("application.expired") == 1
    assert not services.username_taken("anap", None)
    response = wizard.through_services(services={"username": "anap"})
    assert response.status_code == 303
    assert latest_application().username == "anap"


def test_a_draft_is_never_expired_before_its_reminder_had_its_days(app):
    late = _draft(45)  # the command did not run for weeks: the reminder goes first, expiry a week later
    assert drafts.run() == (1, 0)
    assert db.session.get(Application, late.id).state == "draft"
    assert drafts.run(utcnow() + timedelta(days=6)) == (0, 0)
    assert drafts.run(utcnow() + timedelta(days=7, minutes=1)) == (0, 1)


def test_a_late_reminder_carries_a_link_that_works_until_the_draft_expires(mailbox, app, client, drain):
    late = _draft(45, email="tarde@example.org")
    db.session.execute(update(Application).where(Application.id == late.id).values(
        token_expires_at=utcnow() - timedelta(days=15), updated_at=Application.updated_at))
    db.session.commit()
    assert drafts.run() == (1, 0)
    drain()
    [message] = mailbox.to("tarde@example.org")
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = next(line for line in text.splitlines() if "/join/verify/" in line).strip()
    assert client.get(link.removeprefix("http://127.0.0.1")).status_code == 303


def test_a_draft_saved_after_its_reminder_starts_again(wizard, app):
    assert wizard.start().status_code == 303
    application = latest_application()
    _idle(application, 31, reminded_days_ago=8)
    assert wizard.accept("unity").status_code == 303  # the person came back and saved
    assert drafts.run() == (0, 0)
    assert latest_application().state == "draft"
    assert drafts.run(utcnow() + timedelta(days=23, minutes=1)) == (1, 0)  # a new reminder for the new wait


@pytest.mark.parametrize("state", ["submitted", "needs_info", "approved", "rejected", "withdrawn"])
def test_an_application_that_is_not_a_draft_is_never_reminded_or_expired(app, state):
    application, _ = make_application(state=state)
    db.session.commit()
    _idle(application, 400, reminded_days_ago=300)
    _idle(application, 400)
    assert drafts.run() == (0, 0)
    assert db.session.get(Application, application.id).state == state
    assert _reminders() == 0


def test_the_daily_command_reports_what_it_did(app):
    _draft(24)
    result = app.test_cli_runner().invoke(args=["onboarding", "drafts"])
    assert result.exit_code == 0 and result.output.strip() == "drafts: 1 reminded, 0 expired"


def test_the_expiry_and_reminder_days_are_settings(app_settings, clean_state):
    from app import create_app

    application = create_app({**app_settings, "DRAFT_EXPIRY_DAYS": 10, "DRAFT_REMINDER_DAYS": 2})
    with application.app_context():
        draft = _draft(8.5)
        assert drafts.run() == (1, 0)
        _idle(draft, 11, reminded_days_ago=3)
        assert drafts.run() == (0, 1)
        db.session.remove()
        db.engine.dispose()
