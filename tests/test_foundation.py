"""The foundation: factory, configuration, migrations, documents, layout in both languages, health."""

from __future__ import annotations

import shutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from app import config, create_app
from app.devservices import free_port
from app.devservices.redis import RedisServer
from app.hashing import sha256_hex
from app.models import Base, DocumentVersion
from tests.support import wait_for


def test_factory_refuses_production_with_the_default_secret():
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        create_app({"ENV": "production", "LDAP_SERVICE_PASSWORD": "x"})


def test_factory_refuses_production_with_a_short_secret():
    with pytest.raises(config.ConfigError):
        create_app({"ENV": "production", "SECRET_KEY": "short", "LDAP_SERVICE_PASSWORD": "x"})


def test_production_cookies_are_secure():
    app = create_app({"ENV": "production", "SECRET_KEY": "k" * 40, "LDAP_SERVICE_PASSWORD": "x",
                      "DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_settings_come_from_alta_environment_variables():
    settings = config.load(environ={"ALTA_JOB_TIMEOUT_SECONDS": "42", "ALTA_DUES_MINIMUM": '{"USD": 1}',
                                    "ALTA_DATABASE_URL": "postgresql+psycopg://db/alta"})
    assert settings["JOB_TIMEOUT_SECONDS"] == 42
    assert settings["DUES_MINIMUM"] == {"USD": 1}
    assert settings["DATABASE_URL"] == "postgresql+psycopg://db/alta"


def test_migrations_match_the_models_exactly(app):
    from app.extensions import db

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def _filler(column):
    """A value any NOT NULL column of that type accepts (one row per table, so unique never bites)."""
    from datetime import UTC, datetime

    from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, Text

    kind = type(column.type)
    if issubclass(kind, Integer) or column.foreign_keys:
        return 1
    if issubclass(kind, Boolean):
        return False
    if issubclass(kind, DateTime):
        return datetime.now(UTC)
    if issubclass(kind, Date):
        return datetime.now(UTC).date()
    if issubclass(kind, JSON):
        return "[]" if column.name != "progress" else "{}"
    if issubclass(kind, String | Text):
        return "es" if (column.type.length or 99) <= 5 else "x"
    return "x"


def test_migrations_upgrade_a_sqlite_database_that_already_holds_consents(app_settings, tmp_path):
    # Tests start from empty databases, but `make run` upgrades a used one: a migration that rebuilds a
    # table others point at (SQLite's batch mode) fails there on the foreign keys.
    from flask_migrate import upgrade
    from sqlalchemy import MetaData, insert

    from app.extensions import db
    from tests.support import ROOT

    settings = dict(app_settings, DATABASE_URL=f"sqlite:///{tmp_path / 'used.db'}")
    used = create_app(settings)
    with used.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="0012")
        tables = MetaData()
        tables.reflect(db.engine, only=("document_version", "application", "consent"))
        with db.engine.begin() as conn:
            for name in ("document_version", "application", "consent"):
                table = tables.tables[name]
                conn.execute(insert(table).values({c.name: _filler(c) for c in table.columns
                                                   if not c.nullable and c.server_default is None}))
        upgrade(directory=str(ROOT / "migrations"))
        assert db.session.scalar(select(func.count()).select_from(DocumentVersion)) == 1
        assert db.session.get(DocumentVersion, 1).reconsent is False
        db.engine.dispose()


def test_documents_sync_twice_adds_nothing_the_second_time(app):
    from app import documents

    first = documents.sync()
    assert {(d.kind, d.language) for d in first} == {
        (k, lang) for k in ("unity", "agreement", "intentionality") for lang in ("en", "es")
    }
    assert documents.sync() == []
    assert documents.count() == 6


def test_editing_one_text_adds_exactly_one_new_version(app, tmp_path):
    from app import documents

    folder = tmp_path / "documents"
    shutil.copytree(documents.DOCUMENTS_DIR, folder)
    documents.sync(folder)
    path = folder / "agreement.es.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nUn párrafo nuevo.\n", encoding="utf-8")
    added = documents.sync(folder)
    assert [(d.kind, d.language, d.version) for d in added] == [("agreement", "es", 2)]
    from app.extensions import db

    assert db.session.scalar(select(func.count()).select_from(DocumentVersion)) == 7
    old = documents.current("agreement", "es")
    assert old.version == 2 and "Un párrafo nuevo." in old.body
    # The first version is untouched: the exact text people accepted stays as it was.
    v1 = db.session.scalar(select(DocumentVersion).filter_by(kind="agreement", language="es", version=1))
    assert v1.sha256 == sha256_hex(v1.body) and "Un párrafo nuevo." not in v1.body


def test_document_markdown_never_passes_raw_html_through():
    from app import documents

    html = documents.render("Hola <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("language, expected", [("en", "Join the cooperative"), ("es", "Súmate a la cooperativa")])
def test_home_renders_in_both_languages(client, language, expected):
    page = client.get(f"/?lang={language}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert expected in body
    assert f'<html lang="{language}">' in body


def test_language_follows_accept_language_then_the_persons_choice(client):
    assert "Súmate" in client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    client.get("/?lang=en")
    # The explicit choice now wins over the browser's header, on every later page.
    assert "Join the cooperative" in client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)


def test_language_switch_keeps_the_person_on_the_same_page(client):
    body = client.get("/does-not-exist?x=1&lang=es").get_data(as_text=True)
    assert "No encontramos la página" in body
    assert 'href="/does-not-exist?x=1&amp;lang=en"' in body


@pytest.mark.parametrize("language, text", [("en", "Page not found"), ("es", "No encontramos la página")])
def test_error_pages_render_in_both_languages(client, language, text):
    page = client.get(f"/nope?lang={language}")
    assert page.status_code == 404
    assert text in page.get_data(as_text=True)


def test_every_page_gets_a_strict_content_security_policy(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"


def test_stylesheet_and_script_are_served_by_the_app(client):
    assert client.get("/static/css/alta.css").status_code == 200
    assert client.get("/static/js/alta.js").status_code == 200
    body = client.get("/").get_data(as_text=True)
    assert "http://" not in body.split("<main")[0] and "https://" not in body.split("<main")[0]


def test_every_spanish_translation_is_present():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "scripts/translations.py", "check"], capture_output=True, text=True,
                         cwd=config.ROOT)
    assert out.returncode == 0, out.stdout[-3000:]




def test_healthz_is_200_with_every_part_up_and_503_naming_redis_once_it_is_killed(
        clean_state, app_settings, tmp_path, request):
    redis = RedisServer(tmp_path / "redis", free_port())
    redis.start()
    request.addfinalizer(redis.stop)
    app_settings["REDIS_URL"] = redis.url
    request.getfixturevalue("worker_process")  # a live worker, for the worker part
    application = create_app(app_settings)
    client = application.test_client()

    response = wait_for(lambda: (r := client.get("/healthz")).status_code == 200 and r, 30)
    assert response, client.get("/healthz").get_json()
    assert response.get_json()["parts"] == {
        "database": {"ok": True}, "redis": {"ok": True, "role": "master"}, "ldap": {"ok": True},
        "worker": {"ok": True, "alive": 1}}

    redis.stop()
    down = client.get("/healthz")
    assert down.status_code == 503
    assert "redis" in down.get_json()["down"]
    assert down.get_json()["parts"]["database"]["ok"] is True


def test_healthz_names_ldap_when_the_service_password_is_wrong(app_settings):
    app_settings["LDAP_SERVICE_PASSWORD"] = "wrong"
    client = create_app(app_settings).test_client()
    body = client.get("/healthz").get_json()
    assert "ldap" in body["down"]
