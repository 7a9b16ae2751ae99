"""Fixtures: real slapd, redis-server and database (SQLite, or PostgreSQL when ALTA_TEST_DATABASE=postgresql)
started once per session on free ports; every test gets a clean state.

    app, client          a fresh app (ENV=test) bound to the session's services, and its test client
    services             urls and admin credentials of the running slapd / Redis / database
    documents            the documents/ texts loaded into document_version
    mailbox              a real SMTP server (aiosmtpd); messages the app sends land in mailbox.messages
    drain                runs every queued RQ job (mail, provision) in-process until the queues are empty
    staff                creates staff accounts in the directory: staff.create("ana", "support")
    form                 GET a page, take its CSRF token, POST a form: form.post(client, url, data)
    live_server          the app served over HTTP on a free port (for Playwright and gunicorn-free tests)
    worker_process       a real `flask worker` subprocess against the same services
"""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from app.devservices import free_port
from tests.support import DATABASE, ROOT, Services, start_services

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def services():
    with start_services(DATABASE) as s:
        yield s


# Tables whose rows a migration seeds: reset to the seed, not emptied.
SEEDED = {"counter": "INSERT INTO counter (name, value) VALUES ('uid_number', 9999)"}


def _clean_database(url: str) -> None:
    from app.models import Base

    engine = create_engine(url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - our own table names
        for statement in SEEDED.values():
            conn.execute(text(statement))
    engine.dispose()


def _clean_directory(s: Services) -> None:
    from ldap3 import LEVEL, Connection

    from app.directory import STAFF_GROUPS

    conn = Connection(s.slapd.url, s.slapd.admin_dn, s.slapd.admin_password, auto_bind=True)
    for ou in ("members", "staff"):
        conn.search(f"ou={ou},{s.slapd.base_dn}", "(objectClass=*)", LEVEL, attributes=[])
        for entry in list(conn.entries):
            conn.delete(entry.entry_dn)
    for group in STAFF_GROUPS:
        conn.modify(f"cn={group},ou=groups,{s.slapd.base_dn}", {"memberUid": [("MODIFY_REPLACE", [])]})
    conn.unbind()


@pytest.fixture
def clean_state(services):
    _clean_database(services.database_url)
    _clean_directory(services)
    from redis import Redis

    Redis.from_url(services.redis.url).flushdb()
    mail_dir = Path(services.settings["MAIL_DIR"])
    shutil.rmtree(mail_dir, ignore_errors=True)
    shutil.rmtree(services.settings["SANDBOX"], ignore_errors=True)
    return services


@pytest.fixture
def app_settings(clean_state) -> dict:
    """The settings the test app gets; a test may change them before using `app`."""
    return dict(clean_state.settings)


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh app context, as in production: the test's own app context (pushed
    by the `app` fixture so the test can use db.session) would otherwise be reused, and g, the
    session and cached locale would leak from one request to the next."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_settings):
    from app import create_app
    from app.extensions import db

    application = create_app(app_settings)
    application.test_client_class = IsolatedClient
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def documents(app):
    from app import documents as docs

    return docs.sync()


class FormHelper:
    TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')

    def token(self, client, url: str) -> str:
        page = client.get(url)
        match = self.TOKEN.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {url} (status {page.status_code})"
        return match.group(1) or match.group(2)

    def post(self, client, url: str, data: dict | None = None, get_url: str | None = None, **kwargs):
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.token(client, get_url or url))
        return client.post(url, data=payload, **kwargs)


@pytest.fixture
def form() -> FormHelper:
    return FormHelper()


class Mailbox:
    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]


@pytest.fixture(scope="session")
def _smtp_server():
    from aiosmtpd.controller import Controller

    handler = Mailbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def mailbox(_smtp_server, app_settings) -> Mailbox:
    """Switches the test app to SMTP delivery into a real aiosmtpd server. Use before `app`."""
    handler, port = _smtp_server
    handler.messages.clear()
    app_settings.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    return handler


@pytest.fixture
def drain(app):
    """Run every queued RQ job in this process until the queues are empty; returns how many ran."""
    from rq import SimpleWorker

    from app.queues import QUEUE_NAMES, get_queue, get_redis

    def run() -> int:
        worker = SimpleWorker([get_queue(n) for n in QUEUE_NAMES], connection=get_redis())
        ran = 0
        while any(get_queue(n).count for n in QUEUE_NAMES):
            worker.work(burst=True)
            ran += 1
        return ran

    return run


class StaffHelper:
    def __init__(self, services: Services):
        self.services = services

    def create(self, uid: str, *groups: str, password: str | None = None) -> str:
        from app import directory

        password = password or secrets.token_urlsafe(12)
        d = directory.Directory(self.services.slapd.url, self.services.slapd.base_dn,
                                self.services.slapd.service_dn, self.services.slapd.service_password)
        with directory.admin_connection(d, self.services.slapd.admin_dn, self.services.slapd.admin_password) as c:
            directory.ensure_staff_account(c, d, uid, password, tuple(groups))
        return password

    def set_group(self, uid: str, group: str, present: bool) -> None:
        from app import directory

        d = directory.Directory(self.services.slapd.url, self.services.slapd.base_dn,
                                self.services.slapd.service_dn, self.services.slapd.service_password)
        with directory.admin_connection(d, self.services.slapd.admin_dn, self.services.slapd.admin_password) as c:
            directory.set_group_member(c, d, uid, group, present)


@pytest.fixture
def staff(clean_state) -> StaffHelper:
    return StaffHelper(clean_state)


@pytest.fixture
def live_server(app):
    """The test app over real HTTP in a thread; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def worker_process(clean_state, app_settings):
    """A real `flask --app app worker` process on the test services; stopped (SIGTERM) at the end."""
    log = open(clean_state.root / f"worker-{time.time_ns()}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"],
                            env=clean_state.env(**{k: v for k, v in app_settings.items()}),
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    proc.log_path = log.name
    yield proc
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=[
            "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic",
        ])
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    pg = context.new_page()
    yield pg
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a screenshot under test-artifacts/screenshots/<database>/ and return its path."""
    folder = ARTIFACTS / "screenshots" / DATABASE
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
