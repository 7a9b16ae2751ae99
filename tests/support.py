"""Starting the real services tests and benchmarks run against (used by conftest.py and tests/bench)."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from app.devservices import free_port
from app.devservices.postgres import PostgresServer
from app.devservices.redis import RedisServer
from app.devservices.slapd import Slapd

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("ALTA_TEST_DATABASE", "sqlite")


@dataclass
class Services:
    root: Path
    slapd: Slapd
    redis: RedisServer
    database_url: str
    postgres: PostgresServer | None = None
    settings: dict = field(default_factory=dict)

    def second_database(self, name: str) -> dict:
        """Settings for another, migrated database beside the main one (benchmarks compare two sizes)."""
        if self.postgres:
            self.postgres.create_database(name)
            url = self.postgres.url(name)
        else:
            url = f"sqlite:///{self.root / (name + '.db')}"
        settings = dict(self.settings, DATABASE_URL=url)
        _migrate(settings)
        return settings

    def env(self, **extra) -> dict:
        """Environment for a subprocess (worker, gunicorn) that should use the same services."""
        import json

        env = dict(os.environ)
        for key, value in {**self.settings, **extra}.items():
            env[f"ALTA_{key}"] = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
        return env


@contextmanager
def start_services(database: str = DATABASE):
    """slapd, redis-server and the database on free ports, migrated; stopped and removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="alta-test-"))
    slapd = Slapd(root / "ldap", free_port())
    slapd.setup()
    slapd.start()
    redis = RedisServer(root / "redis", free_port())
    redis.start()
    postgres = None
    if database == "postgresql":
        postgres = PostgresServer(root / "pg", free_port())
        postgres.start()
        postgres.create_database("alta_test")
        database_url = postgres.url("alta_test")
    else:
        database_url = f"sqlite:///{root / 'alta-test.db'}"
    s = Services(root, slapd, redis, database_url, postgres)
    s.settings = {
        "ENV": "test",
        "SECRET_KEY": "test-secret-" + secrets.token_hex(16),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis.url,
        "LDAP_URL": slapd.url,
        "LDAP_SERVICE_PASSWORD": slapd.service_password,
        "MAIL_BACKEND": "file",
        "MAIL_DIR": str(root / "mail"),
        "SANDBOX": str(root / "sandbox"),
        "MIN_FORM_SECONDS": 0,
        "BASE_URL": "http://127.0.0.1",
    }
    _migrate(s.settings)
    try:
        yield s
    finally:
        redis.stop()
        slapd.stop()
        if postgres:
            postgres.stop()
        shutil.rmtree(root, ignore_errors=True)


def _migrate(settings: dict) -> None:
    from flask_migrate import upgrade

    from app import create_app

    app = create_app(settings)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        from app.extensions import db

        db.engine.dispose()


def wait_for(predicate, seconds: float = 20.0, step: float = 0.1, what: str | None = None,
             fresh_session: bool = False):
    """Poll predicate until it returns something truthy; return that, or the last value on time-out.

    With `what`, a time-out raises AssertionError naming what was awaited. With `fresh_session`, the
    test's db.session is rolled back before each poll, so rows other processes committed are seen.
    """
    deadline = time.monotonic() + seconds
    while True:
        if fresh_session:
            from app.extensions import db

            db.session.rollback()
        value = predicate()
        if value or time.monotonic() >= deadline:
            break
        time.sleep(step)
    if not value and what:
        raise AssertionError(f"timed out waiting for {what}")
    return value


def members_in_directory(services) -> list[str]:
    """The DNs of every member entry in the test slapd, read as its administrator."""
    from ldap3 import LEVEL, Connection

    conn = Connection(services.slapd.url, services.slapd.admin_dn, services.slapd.admin_password, auto_bind=True)
    try:
        conn.search(f"ou=members,{services.slapd.base_dn}", "(objectClass=*)", LEVEL, attributes=[])
        return [e.entry_dn for e in conn.entries]
    finally:
        conn.unbind()
