"""alta: membership onboarding and service provisioning. create_app() is the only factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from app import config as config_module
from app import database, logs
from app.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_overrides: dict | None = None) -> Flask:
    settings = config_module.load(config_overrides)
    config_module.check(settings)

    app = Flask(
        __name__,
        instance_path=str(config_module.INSTANCE),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    _configure(app, settings)
    _init_extensions(app)
    _init_areas(app)
    logs.init_app(app)  # after the areas: it reads the token routes from the complete URL map
    return app


def _configure(app: Flask, s: dict) -> None:
    from app import queues

    app.config.update(s)
    try:
        storage_uri, storage_options = queues.limiter_storage(s["REDIS_URL"])
    except ValueError as exc:
        raise config_module.ConfigError(str(exc)) from None
    production = s["ENV"] == "production"
    if not s["LDAP_SERVICE_PASSWORD"] and not production:
        # The local development directory writes its service password here (see app/devservices).
        secret_file = Path(app.instance_path) / "ldap" / "service-password"
        if secret_file.exists():
            app.config["LDAP_SERVICE_PASSWORD"] = secret_file.read_text().strip()
    app.config.update(
        SECRET_KEY=s["SECRET_KEY"],
        SQLALCHEMY_DATABASE_URI=s["DATABASE_URL"],
        SQLALCHEMY_ENGINE_OPTIONS=database.engine_options(s["DATABASE_URL"]),
        TESTING=s["ENV"] == "test",
        SESSION_COOKIE_SECURE=production,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=production,
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,  # applicants may take a long time reading the documents
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        RATELIMIT_STORAGE_URI=storage_uri,
        RATELIMIT_STORAGE_OPTIONS=storage_options,
        RATELIMIT_STRATEGY="fixed-window",
        RATELIMIT_HEADERS_ENABLED=True,
        # Keep serving if Redis is down: rate limits then do not apply, the failure is logged and
        # /healthz reports redis as down.
        RATELIMIT_SWALLOW_ERRORS=True,
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    if s["DATABASE_URL"].startswith("sqlite:///"):
        Path(s["DATABASE_URL"].removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _init_extensions(app: Flask) -> None:
    from app import i18n, params, security

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    # Flask-Limiter merges each app's RATELIMIT_STORAGE_OPTIONS into the one Limiter's own dict: an app made
    # after one on a Sentinel URL would pass Sentinel options to a plain Redis (rate limits then silently
    # off). Each app starts from its own options only.
    limiter._storage_options = {}  # noqa: SLF001 - no public way to reset them
    limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    params.init_app(app)  # the bounded <int:...> converter, before any blueprint adds its rules


def _init_areas(app: Flask) -> None:
    """Each area wires itself in explicitly: blueprint, CLI group, mail builders, provisioning hooks."""
    from app import (
        api,
        auth,
        cli,
        community,
        consent,
        console,
        dues,
        health,
        leadership,
        mail,
        members,
        onboarding,
        portal,
        provisioning,
        review,
        web,
    )

    for area in (mail, provisioning, web, health, auth, onboarding, review, members, portal, community, dues,
                 leadership, consent, console, api, cli):
        area.init_app(app)
