"""The outbox hands work to RQ only after the commit, survives Redis being down, and mail is sent once,
in the recipient's language, with a plain-text part, to a real SMTP server."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, FileSystemLoader
from rq.job import Job
from sqlalchemy import select

from app import mail, outbox
from app.devservices import free_port
from app.devservices.redis import RedisServer
from app.extensions import db
from app.models import AuditEvent, Outbox
from app.queues import get_queue, get_redis

RECIPIENTS = {1: ("ana@example.org", "es", "Ana María Núñez"), 2: ("li@example.org", "en", "李小龍")}


@mail.message("test.hello")
def _hello(payload: dict) -> mail.Letter:
    to, language, name = RECIPIENTS[payload["person"]]
    return mail.Letter(to=to, language=language, template="test_hello", subject="Join the cooperative",
                       context={"name": name}, target=f"person:{payload['person']}")


@pytest.fixture
def mail_app(mailbox, app):
    mail.register(app, sys.modules[__name__])
    app.jinja_loader  # noqa: B018 - make sure the default loader exists before wrapping it
    app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader,
                                         FileSystemLoader(Path(__file__).parent / "templates")])
    return app


def test_nothing_reaches_redis_before_the_commit_and_only_the_id_after(mail_app):
    row = mail.queue("test.hello", person=1)
    db.session.flush()
    assert get_queue("mail").count == 0
    db.session.commit()
    queue = get_queue("mail")
    assert queue.job_ids == [f"mail-{row.id}"]
    job = Job.fetch(f"mail-{row.id}", connection=get_redis())
    assert job.args == (row.id,)
    assert "ana@example.org" not in str(job.kwargs) + str(job.args)
    assert db.session.get(Outbox, row.id).dispatched_at is not None


def test_a_rolled_back_transaction_queues_nothing(mail_app):
    mail.queue("test.hello", person=1)
    db.session.flush()
    db.session.rollback()
    assert get_queue("mail").count == 0
    assert db.session.scalars(select(Outbox)).all() == []


def test_mail_is_sent_once_in_the_recipients_language_with_a_text_part(mail_app, mailbox, drain):
    first = mail.queue("test.hello", person=1)
    mail.queue("test.hello", person=2)
    db.session.commit()
    drain()
    spanish, = mailbox.to("ana@example.org")
    english, = mailbox.to("li@example.org")
    assert spanish["Subject"] == "Súmate a la cooperativa"
    assert english["Subject"] == "Join the cooperative"
    assert spanish.get_body(("plain",)).get_content().strip() == "Súmate a la cooperativa: Ana María Núñez"
    assert "李小龍" in english.get_body(("html",)).get_content()
    # A second delivery of the same outbox row (RQ redelivery, the sweeper) sends nothing more.
    assert mail.deliver(first.id) == "already delivered"
    assert len(mailbox.to("ana@example.org")) == 1
    sent = db.session.scalars(select(AuditEvent).filter_by(action="mail.sent")).all()
    assert sorted(e.target for e in sent) == ["person:1", "person:2"]


def test_redis_down_at_commit_keeps_the_change_and_the_sweeper_sends_it_later(mail_app, app_settings, tmp_path):
    from app import create_app

    port = free_port()
    redis = RedisServer(tmp_path / "redis", port)
    app2 = create_app({**app_settings, "REDIS_URL": redis.url})
    mail.register(app2, sys.modules[__name__])
    with app2.app_context():
        row = mail.queue("test.hello", person=1)
        db.session.commit()  # Redis is not running: the commit must still succeed
        row_id = row.id
        stored = db.session.get(Outbox, row_id)
        assert stored.dispatched_at is None and stored.attempts == 1 and "Connection" in stored.last_error
        redis.start()
        try:
            assert outbox.sweep(older_than_seconds=0) == 1
            assert get_queue("mail").job_ids == [f"mail-{row_id}"]
            assert db.session.get(Outbox, row_id).dispatched_at is not None
        finally:
            redis.stop()
            db.session.remove()
            db.engine.dispose()
