"""Activation: one email once every service is active; the link sets the password in LDAP, once."""

from __future__ import annotations

import re
from datetime import timedelta

from redis import Redis
from sqlalchemy import func, select, text

from app import directory
from app.extensions import db
from app.members.activation import maybe_send_activation
from app.models import ActivationToken, AuditEvent, Base, Outbox, ServiceState, utcnow
from tests.members.factories import make_member

PASSWORD = "correct horse battery staple"


def link_from(message) -> str:
    body = message.get_body(("plain",)).get_content()
    match = re.search(r"/activate/([A-Za-z0-9_-]+)", body)
    assert match, body
    return match.group(1)


def active_member(**fields):
    member = make_member(state=ServiceState.ACTIVE, **fields)
    directory_entry(member)
    db.session.commit()
    return member


def directory_entry(member):
    from app.members.entries import member_attributes

    d = directory.Directory.from_config()
    with d.service() as conn:
        directory.ensure_member_entry(conn, d, member.uid, member_attributes(member))


def send_link(member, drain, mailbox) -> str:
    assert maybe_send_activation(member) is True
    drain()
    (message,) = mailbox.to(member.application.email)
    return link_from(message)


def test_the_email_is_queued_once_even_when_asked_again(app):
    member = active_member()
    assert maybe_send_activation(member) is True
    assert maybe_send_activation(member) is False
    rows = db.session.scalars(select(Outbox).where(Outbox.kind == "mail")).all()
    assert [r.payload for r in rows] == [{"message": "members.activation", "member_id": member.id}]


def test_no_email_while_a_service_is_not_active(app):
    member = make_member(state=ServiceState.ACTIVE)
    member.service_requests[0].state = ServiceState.QUEUED
    db.session.commit()
    assert maybe_send_activation(member) is False
    assert db.session.scalar(select(func.count()).select_from(Outbox)) == 0


def test_the_email_is_in_the_members_language_and_only_a_hash_of_the_token_is_stored(mailbox, app, drain):
    member = active_member(language="es", username="rosa")
    token = send_link(member, drain, mailbox)
    (message,) = mailbox.messages
    assert "contraseña" in message["Subject"].lower()
    assert "rosa" in message.get_body(("plain",)).get_content()
    stored = db.session.scalars(select(ActivationToken.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0]


def test_setting_the_password_lets_the_member_bind_and_the_link_cannot_be_reused(mailbox, app, drain, client, form):
    member = active_member(username="rosa")
    token = send_link(member, drain, mailbox)
    page = client.get(f"/activate/{token}")
    assert page.status_code == 200 and "rosa" in page.get_data(as_text=True)
    csrf = form.token(client, f"/activate/{token}")
    done = client.post(f"/activate/{token}", data={"password": PASSWORD, "confirm": PASSWORD, "csrf_token": csrf})
    assert done.status_code == 303 and done.headers["Location"].endswith("/activate/done")
    assert directory.member_can_bind(directory.Directory.from_config(), "rosa", PASSWORD)
    assert not directory.member_can_bind(directory.Directory.from_config(), "rosa", PASSWORD + "x")
    assert client.get(f"/activate/{token}").status_code == 404
    again = client.post(f"/activate/{token}", data={"password": "another long password", "confirm":
                                                    "another long password", "csrf_token": csrf})
    assert again.status_code == 404
    assert directory.member_can_bind(directory.Directory.from_config(), "rosa", PASSWORD)
    db.session.expire_all()
    assert db.session.get(type(member), member.id).password_set_at is not None
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "member.password_set")) == 1


def test_the_password_is_stored_nowhere_but_the_directory(mailbox, app, drain, client, form, services):
    member = active_member(username="rosa")
    token = send_link(member, drain, mailbox)
    form.post(client, f"/activate/{token}", {"password": PASSWORD, "confirm": PASSWORD})
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(text(f"SELECT * FROM {table.name}")):  # noqa: S608 - our tables
                assert PASSWORD not in str(tuple(row)), table.name
    redis = Redis.from_url(services.redis.url)
    for key in redis.keys("*"):
        if redis.type(key) == b"string":
            assert PASSWORD.encode() not in (redis.get(key) or b"")
        elif redis.type(key) == b"hash":
            assert PASSWORD.encode() not in b"".join(v for v in redis.hgetall(key).values())


def test_password_rules_are_enforced_with_clear_messages_and_nothing_changes(mailbox, app, drain, client, form):
    member = active_member(username="rosa")
    token = send_link(member, drain, mailbox)
    cases = {"short": ("too short", "too short", "at least 12 characters"),
             "username": ("my name is rosa okay", "my name is rosa okay", "cannot contain your username"),
             "different": (PASSWORD, PASSWORD + "!", "are different"),
             "spaces": (" " * 14, " " * 14, "Enter a password")}
    for password, confirm, message in cases.values():
        page = form.post(client, f"/activate/{token}", {"password": password, "confirm": confirm})
        html = page.get_data(as_text=True)
        assert page.status_code == 400 and message in html
        assert "<title>Error:" in html
    assert not directory.member_can_bind(directory.Directory.from_config(), "rosa", PASSWORD)
    assert client.get(f"/activate/{token}").status_code == 200


def test_password_rules_are_explained_in_spanish(mailbox, app, drain, client, form):
    member = active_member(username="rosa", language="es")
    token = send_link(member, drain, mailbox)
    page = client.get(f"/activate/{token}?lang=es").get_data(as_text=True)
    assert "Al menos 12 caracteres" in page
    error = form.post(client, f"/activate/{token}", {"password": "corta", "confirm": "corta"})
    assert "Usa al menos 12 caracteres" in error.get_data(as_text=True)


def test_an_expired_link_is_refused(mailbox, app, drain, client, form):
    member = active_member(username="rosa")
    token = send_link(member, drain, mailbox)
    db.session.execute(ActivationToken.__table__.update().values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert client.get(f"/activate/{token}").status_code == 404
    assert not directory.member_can_bind(directory.Directory.from_config(), "rosa", PASSWORD)


def test_a_post_without_csrf_token_sets_nothing(mailbox, app, drain, client):
    member = active_member(username="rosa")
    token = send_link(member, drain, mailbox)
    page = client.post(f"/activate/{token}", data={"password": PASSWORD, "confirm": PASSWORD})
    assert page.status_code == 400
    assert not directory.member_can_bind(directory.Directory.from_config(), "rosa", PASSWORD)


def test_guessing_links_is_rate_limited(app, client, form):
    from app.members.activation import mint

    app.config["RATELIMIT_ACTIVATION"] = "3 per minute"
    member = active_member(username="rosa")
    real = mint(member)
    db.session.commit()
    csrf = form.token(client, f"/activate/{real}")
    codes = [client.post(f"/activate/not-a-real-token-{n}", data={"csrf_token": csrf}).status_code
             for n in range(5)]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]


def test_a_directory_outage_keeps_the_form_and_the_link_in_the_members_language(mailbox, app, drain, client, form,
                                                                                   monkeypatch):
    member = active_member(username="lupita", language="es")
    token = send_link(member, drain, mailbox)
    csrf = form.token(client, f"/activate/{token}?lang=es")
    monkeypatch.setitem(app.config, "LDAP_URL", "ldap://127.0.0.1:1")  # nothing listens there
    down = client.post(f"/activate/{token}", data={"password": PASSWORD, "confirm": PASSWORD, "csrf_token": csrf})
    assert down.status_code == 503
    assert "No pudimos guardar tu contraseña" in down.get_data(as_text=True)
    monkeypatch.undo()
    db.session.expire_all()
    assert db.session.get(type(member), member.id).password_set_at is None
    retried = client.post(f"/activate/{token}", data={"password": PASSWORD, "confirm": PASSWORD, "csrf_token": csrf})
    assert retried.status_code == 303
    assert directory.member_can_bind(directory.Directory.from_config(), "lupita", PASSWORD)
