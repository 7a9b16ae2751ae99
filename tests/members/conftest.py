"""Fixtures for member services: a slapd with alta's mail schema, the `members` blueprint, member rows.

Until app/devservices/slapd.py includes app/members/ldap/alta.schema, this folder starts its own set of
services whose slapd.conf has that include added (the only difference).
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest

from app.devservices.slapd import Slapd
from tests.support import DATABASE, start_services

SCHEMA = Path(__file__).resolve().parents[2] / "app" / "members" / "ldap" / "alta.schema"


def has_mail_schema(slapd: Slapd) -> bool:
    return "alta.schema" in (slapd.root / "slapd.conf").read_text()


class MailSchemaSlapd(Slapd):
    def setup(self) -> None:
        super().setup()
        conf = self.root / "slapd.conf"
        lines = conf.read_text().splitlines()
        if not any("alta.schema" in line for line in lines):
            last = max(i for i, line in enumerate(lines) if line.startswith("include "))
            lines.insert(last + 1, f"include {SCHEMA}")
            conf.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="session")
def services(services):
    if has_mail_schema(services.slapd):
        yield services
        return
    with mock.patch("tests.support.Slapd", MailSchemaSlapd):
        context = start_services(DATABASE)
        own = context.__enter__()
    try:
        yield own
    finally:
        context.__exit__(None, None, None)


@pytest.fixture
def app(app):
    """The test app with the members blueprint (until create_app registers it)."""
    from app.members.views import bp

    if "members" not in app.blueprints:
        app.register_blueprint(bp)
    return app


@pytest.fixture
def sandbox(app) -> Path:
    path = Path(app.config["SANDBOX"])
    path.mkdir(parents=True, exist_ok=True)
    return path
