"""The staging hosts (app/devservices/hosts/) for the tests marked `hosts`: started once per session (the
mail host, hosts/mail.py, is test_mail.py's own module fixture).

    staging_hosts   the running StagingHosts (sshd, nginx + PHP-FPM, Pebble), their root under the session's
    staging         switches the test app and its worker to ALTA_INVENTORY=staging (use before `app`)
    site            fetch(domain, path) through the staging nginx: HTTPS with Pebble's root, or HTTP
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass

import pytest

from app.devservices.hosts import StagingHosts


@pytest.fixture(scope="session")
def staging_hosts(services):
    hosts = StagingHosts(services.root / "hosts")
    hosts.start()
    yield hosts
    hosts.stop()


@pytest.fixture
def staging(staging_hosts, app_settings) -> StagingHosts:
    app_settings.update(INVENTORY="staging", SANDBOX=str(staging_hosts.root))
    return staging_hosts


@dataclass
class Answer:
    status: int | None  # None: no HTTP answer at all (connection or TLS handshake refused)
    body: str
    location: str


class Site:
    """Requests to a member's domain, resolved to the staging nginx by curl --resolve (no DNS needed)."""

    def __init__(self, hosts: StagingHosts):
        self.hosts = hosts
        self.root_pem = hosts.root / "pebble-root.pem"

    def fetch(self, domain: str, path: str = "/", https: bool = True) -> Answer:
        port = self.hosts.web.https_port if https else self.hosts.web.http_port
        if https:  # Pebble's issuing root is new at every start of Pebble: fetched each time
            self.root_pem.write_text(self.hosts.acme.root_pem())
        out = subprocess.run(
            ["curl", "-sS", "--max-time", "10", "--cacert", str(self.root_pem),
             "--resolve", f"{domain}:{port}:127.0.0.1", "-w", "\n%{json}",
             f"{'https' if https else 'http'}://{domain}:{port}{path}"],
            capture_output=True, text=True)
        if out.returncode != 0:
            return Answer(None, out.stderr, "")
        body, _, meta = out.stdout.rpartition("\n")
        info = json.loads(meta)
        return Answer(info["http_code"], body, info.get("redirect_url") or "")


@pytest.fixture
def site(staging_hosts) -> Site:
    return Site(staging_hosts)
