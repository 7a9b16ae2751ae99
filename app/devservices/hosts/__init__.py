"""Test hosts for the `staging` inventory: sshd, nginx + PHP-FPM and an ACME CA, on loopback ports.

Each outside system has its own module (ssh.py, web.py, acme.py; mail.py is started on its own) and its
own folder under one root; they run as root on these machines (like the real hosts) and change nothing
outside that root, except that sshd needs its privilege-separation directory /run/sshd (empty, root's;
the openssh-server package would make it at boot). `StagingHosts` starts them together and writes
`hosts.json`, which the staging inventory reads through the `alta_sandbox` extra var (the SANDBOX setting
points at the root).

Layout of the root (the web host's paths are the production ones, prefixed by `fs/`, the inventory's
`alta_root`): ssh/ (sshd config, host and client keys), fs/home, fs/etc/nginx, fs/etc/php/pool.d,
fs/run/php, fs/etc/letsencrypt, fs/var/lib/alta/acme-challenge, web/ (nginx's prefix, PHP-FPM's state),
acme/ (Pebble's config, certificate and logs).
"""

from __future__ import annotations

import json
from pathlib import Path

from app.devservices import free_port, traversable
from app.devservices.hosts.acme import AcmeHost
from app.devservices.hosts.ssh import SshHost
from app.devservices.hosts.web import WebHost


class StagingHosts:
    """The staging hosts in one folder: start() brings them up and writes hosts.json; stop() ends them."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.fs = self.root / "fs"
        self.ssh = SshHost(self.root / "ssh", free_port())
        self.web = WebHost(self.root / "web", self.fs, http_port=free_port(), https_port=free_port())
        self.acme = AcmeHost(self.root / "acme", port=free_port(), management_port=free_port(),
                             dns_port=free_port(), challenge_management_port=free_port(),
                             http_port=self.web.http_port, https_port=self.web.https_port)

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        traversable(self.root)  # nginx's and PHP-FPM's workers (www-data, members' uids) reach the web roots
        self.ssh.start()
        self.web.start()
        self.acme.start()
        self.write_facts()

    def write_facts(self) -> None:
        """What the staging inventory needs to know about the running hosts (ports, files)."""
        facts = {
            "ssh_port": self.ssh.port, "ssh_key": str(self.ssh.client_key),
            "ssh_known_hosts": str(self.ssh.known_hosts),
            "http_port": self.web.http_port, "https_port": self.web.https_port,
            "nginx_conf": str(self.web.nginx_conf), "nginx_prefix": str(self.web.prefix),
            "php_fpm_pid": str(self.web.php_fpm_pid),
            "acme_directory": self.acme.directory_url, "acme_ca_bundle": str(self.acme.tls_cert),
        }
        (self.root / "hosts.json").write_text(json.dumps(facts, indent=1) + "\n")

    def stop(self) -> None:
        self.acme.stop()
        self.web.stop()
        self.ssh.stop()
