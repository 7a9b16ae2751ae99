"""Staff sign-in against the real slapd: every refusal, the audit trail, sessions that really end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.auth import services
from app.extensions import db
from app.models import AuditEvent, StaffSession, utcnow
from tests.auth.conftest import sign_in

GENERIC = "The username or password is not right."


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def ana(staff):
    return staff.create("ana", "support", password="Ana-correct-horse-1")


def test_support_member_signs_in_and_lands_on_the_queue_with_an_audit_event(app, client, form, ana):
    response = sign_in(client, form, "ana", ana)
    assert response.headers["Location"].endswith("/review/")
    events = _events("auth.signed_in")
    assert [(e.actor, e.details["roles"]) for e in events] == [("ana", ["support"])]
    row = db.session.scalars(select(StaffSession)).one()
    cookie = client.get_cookie("session")
    assert row.uid == "ana" and row.ended_at is None
    assert cookie is not None and row.id not in cookie.value  # the table keeps only the hash


@pytest.mark.parametrize("username,password,reason", [
    ("ana", "", "empty password"),
    ("ana", "   ", "empty password"),
    ("ana", None, "empty password"),
    ("ana", "wrong-password", "bad credentials"),
    ("nobody", "whatever-1", "bad credentials"),
    ("*", "whatever-1", "invalid username"),
    (")(uid=*", "whatever-1", "invalid username"),
    ("admin)(|(uid=*", "whatever-1", "invalid username"),
    ("*", "", "empty password"),
    ("", "whatever-1", "invalid username"),
    ("a" * 5000, "whatever-1", "invalid username"),
    ("ána", "whatever-1", "invalid username"),
    ("ana,ou=staff", "whatever-1", "invalid username"),
])
def test_every_bad_sign_in_is_refused_with_one_generic_message_and_an_audit_event(
        app, client, form, ana, username, password, reason):
    data = {"username": username}
    if password is not None:
        data["password"] = password
    response = form.post(client, "/login", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert GENERIC in body and "<title>Error:" in body
    assert db.session.scalars(select(StaffSession)).all() == []
    events = _events("auth.failed")
    assert len(events) == 1 and events[0].details["reason"] == reason
    assert "password" not in events[0].details
    assert (password or "\0") not in str(events[0].details) or password in ("", "   ")
    assert client.get("/review/").status_code == 303  # still signed out


def test_empty_and_wildcard_attempts_never_reach_a_bind(app, ana, monkeypatch):
    from app import directory

    binds = []
    real = directory.Connection.bind

    def spy(self, *args, **kwargs):
        binds.append(self.user)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(directory.Connection, "bind", spy)
    for username, password in [("ana", ""), ("ana", " \t"), ("*", "x-password"), (")(uid=*", "x"),
                               ("admin)(|(uid=*", "x")]:
        with pytest.raises(services.SignInRefused):
            services.sign_in(username, password)
    assert binds == []


def test_the_directory_never_lets_an_anonymous_or_empty_password_bind_through(app, ana):
    from app import directory

    d = directory.Directory.from_config()
    dn = directory.staff_dn(d, "ana")
    for password in ("", " ", "\t\n"):
        assert directory.authenticate_staff(d, "ana", password) is None
    # Straight to the server: a DN with an empty password is refused (not an anonymous success).
    from ldap3 import Connection

    conn = Connection(d.server(), dn, " ", raise_exceptions=False)
    assert not conn.bind()
    assert directory.authenticate_staff(d, "ana", ana) == (dn, frozenset({"support"}))


def test_a_person_in_no_staff_group_cannot_sign_in(app, client, form, staff):
    password = staff.create("nina", password="Nina-pass-word-1")
    response = form.post(client, "/login", {"username": "nina", "password": password})
    assert GENERIC in response.get_data(as_text=True)
    assert _events("auth.failed")[0].details["reason"] == "not in a staff group"


def test_usernames_are_matched_without_case_or_spaces(app, client, form, ana):
    assert sign_in(client, form, "  ANA ", ana).status_code == 303
    assert client.get("/review/").status_code == 200


def test_sign_in_is_rate_limited_per_username_across_addresses(app_settings, staff, form):
    app_settings["RATELIMIT_LOGIN"] = "3 per minute"
    from app import create_app
    from tests.conftest import IsolatedClient

    application = create_app(app_settings)
    application.test_client_class = IsolatedClient
    staff.create("ana", "support", password="Ana-correct-horse-1")
    with application.app_context():
        codes = []
        for n in range(5):
            client = application.test_client()
            env = {"REMOTE_ADDR": f"198.51.100.{n + 1}"}
            token = form.token(client, "/login")
            codes.append(client.post("/login", data={"username": "ana", "password": "nope", "csrf_token": token},
                                     environ_base=env).status_code)
        assert codes == [200, 200, 200, 429, 429]
        # The right password from a fresh address is refused too while the name is locked.
        client = application.test_client()
        token = form.token(client, "/login")
        response = client.post("/login", data={"username": "ana", "password": "Ana-correct-horse-1",
                                                "csrf_token": token}, environ_base={"REMOTE_ADDR": "192.0.2.9"})
        assert response.status_code == 429


def test_sign_in_is_rate_limited_per_address_across_usernames(app_settings, form):
    app_settings["RATELIMIT_LOGIN"] = "3 per minute"
    from app import create_app
    from tests.conftest import IsolatedClient

    application = create_app(app_settings)
    application.test_client_class = IsolatedClient
    with application.app_context():
        client = application.test_client()
        codes = [form.post(client, "/login", {"username": f"user{n}", "password": "x"}).status_code
                 for n in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_sign_out_ends_the_session_on_the_server(app, client, form, ana):
    sign_in(client, form, "ana", ana)
    stolen = client.get_cookie("session").value
    response = form.post(client, "/logout", {}, get_url="/review/")
    assert response.status_code == 303
    row = db.session.scalars(select(StaffSession)).one()
    db.session.refresh(row)
    assert row.ended_at is not None
    assert [e.actor for e in _events("auth.signed_out")] == ["ana"]
    # A copy of the old cookie is worth nothing now.
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/review/").status_code == 303


def test_removal_from_the_group_gives_403_once_the_recheck_interval_passes(app_settings, staff, form):
    app_settings["ROLE_RECHECK_SECONDS"] = 1
    from app import create_app
    from tests.conftest import IsolatedClient

    application = create_app(app_settings)
    application.test_client_class = IsolatedClient
    password = staff.create("ana", "support", password="Ana-correct-horse-1")
    with application.app_context():
        client = application.test_client()
        sign_in(client, form, "ana", password)
        assert client.get("/review/").status_code == 200
        staff.set_group("ana", "support", False)
        # Pretend the last check was 2 s ago rather than sleeping.
        db.session.execute(update(StaffSession).values(roles_checked_at=utcnow() - timedelta(seconds=2)))
        db.session.commit()
        assert client.get("/review/").status_code == 403
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.roles_changed")).all()
        assert [e.details["after"] for e in events] == [[]]
        db.session.remove()
        db.engine.dispose()


def test_roles_are_not_reread_before_the_interval(app, client, form, staff, ana):
    sign_in(client, form, "ana", ana)
    staff.set_group("ana", "support", False)
    # ROLE_RECHECK_SECONDS is 60 by default: the stored roles still hold for now.
    assert client.get("/review/").status_code == 200


def test_idle_sessions_expire(app, client, form, ana):
    sign_in(client, form, "ana", ana)
    minutes = app.config["STAFF_IDLE_TIMEOUT_MINUTES"]
    db.session.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=minutes + 1)))
    db.session.commit()
    response = client.get("/review/")
    assert response.status_code == 303 and "/login" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.scalars(select(StaffSession)).one().ended_at is not None


def test_next_only_returns_to_pages_on_this_site(app, client, form, ana):
    for target, expected in [("/review/?state=submitted", "/review/?state=submitted"),
                             ("//evil.example/x", "/review/"), ("https://evil.example/", "/review/")]:
        c = app.test_client()
        response = form.post(c, "/login", {"username": "ana", "password": ana, "next": target})
        assert response.headers["Location"].endswith(expected), target


def test_anonymous_visitors_to_the_queue_are_sent_to_sign_in_and_back(app, client):
    response = client.get("/review/?state=needs_info")
    assert response.status_code == 303
    assert "/login?next=" in response.headers["Location"]


def test_a_reviewer_without_sysadmins_cannot_open_any_jobs_page(app, reviewer):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/jobs") and "GET" in r.methods]
    assert rules, "the console registers /jobs pages"
    for rule in rules:
        url = rule.rule.replace("<int:job_id>", "1")
        assert "<" not in url, url
        assert reviewer.get(url).status_code == 403, url


def test_sign_in_page_is_translated(app, client):
    body = client.get("/login?lang=es").get_data(as_text=True)
    assert "Acceso del equipo" in body and "Contraseña" in body
