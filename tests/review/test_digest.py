"""The daily digest: `flask --app app review digest` queues one email to the support group with the figures."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Outbox
from tests.factories import make_application
from tests.review.conftest import send_mail


def test_digest_command_mails_the_support_group_what_waits_and_what_is_old(mailbox, app):
    oldest, _ = make_application(submitted_days_ago=12, full_name="Primera Persona")
    make_application(submitted_days_ago=7, full_name="Segunda Persona")
    make_application(submitted_days_ago=1, full_name="Reciente")
    make_application(state="needs_info", submitted_days_ago=30)
    make_application(state="approved", submitted_days_ago=40)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["review", "digest"])
    assert result.exit_code == 0, result.output
    rows = [r for r in db.session.scalars(select(Outbox)) if r.kind == "mail"]
    assert [r.payload["message"] for r in rows] == ["review.digest"]
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "review.digest_queued")).one()
    send_mail()
    (message,) = mailbox.to(app.config["SUPPORT_EMAIL"])
    assert message["Subject"] == "Review queue: 3 applications waiting"
    text = message.get_body(("plain",)).get_content()
    assert "Waiting for a decision: 3" in text and "Waiting for the applicant's answer: 1" in text
    assert "Primera Persona" in text and "Segunda Persona" in text and "Reciente" not in text
    assert f"/review/{oldest.id}" in text
