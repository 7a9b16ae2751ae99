"""Pebble (the ACME CA of tests) and pebble-challtestsrv (its DNS: every name is 127.0.0.1), loopback only.

Pebble validates HTTP-01 challenges on `http_port`, the staging nginx, which serves the shared challenge
folder for every member's domain. Its issuing root changes at every start: `root_pem()` fetches it.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import urllib.request
from pathlib import Path

from app.devservices import stop_process, wait_for_port


class AcmeHost:
    def __init__(self, root: Path, port: int, management_port: int, dns_port: int,
                 challenge_management_port: int, http_port: int, https_port: int):
        self.root = Path(root)
        self.port = port
        self.management_port = management_port
        self.dns_port = dns_port
        self.challenge_management_port = challenge_management_port
        self.http_port = http_port
        self.https_port = https_port
        self.pebble: subprocess.Popen | None = None
        self.dns: subprocess.Popen | None = None

    @property
    def directory_url(self) -> str:
        return f"https://127.0.0.1:{self.port}/dir"

    @property
    def tls_cert(self) -> Path:
        """Pebble's own certificate (for its ACME endpoint): what ACME clients must trust."""
        return self.root / "pebble-tls.pem"

    def setup(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        key = self.root / "pebble-tls.key"
        if not key.exists():
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                            "-nodes", "-days", "30", "-subj", "/CN=alta staging pebble", "-keyout", str(key),
                            "-out", str(self.tls_cert), "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                           check=True, capture_output=True)
        (self.root / "pebble.json").write_text(json.dumps({"pebble": {
            "listenAddress": f"127.0.0.1:{self.port}",
            "managementListenAddress": f"127.0.0.1:{self.management_port}",
            "certificate": str(self.tls_cert), "privateKey": str(key),
            "httpPort": self.http_port, "tlsPort": self.https_port,
            "ocspResponderURL": "", "externalAccountBindingRequired": False,
        }}, indent=1))

    def start(self) -> None:
        self.setup()
        log = open(self.root / "acme.log", "ab")  # noqa: SIM115 - kept open for the children's lifetime
        self.dns = subprocess.Popen(
            ["/usr/bin/pebble-challtestsrv", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "",
             "-dns01", f"127.0.0.1:{self.dns_port}", "-http01", "", "-https01", "", "-tlsalpn01", "",
             "-management", f"127.0.0.1:{self.challenge_management_port}"],
            stdout=log, stderr=log, start_new_session=True,
        )
        # No random validation delay; no nonces rejected on purpose (Pebble's defaults test clients' retries).
        env = dict(os.environ, PEBBLE_VA_NOSLEEP="1", PEBBLE_WFE_NONCEREJECT="0")
        self.pebble = subprocess.Popen(
            ["/usr/bin/pebble", "-config", str(self.root / "pebble.json"),
             "-dnsserver", f"127.0.0.1:{self.dns_port}"],
            stdout=log, stderr=log, start_new_session=True, env=env,
        )
        wait_for_port(self.challenge_management_port, self.dns, name="pebble-challtestsrv")
        wait_for_port(self.port, self.pebble, name="pebble")
        wait_for_port(self.management_port, self.pebble, name="pebble management")

    def root_pem(self) -> str:
        """The root that signs the certificates Pebble issues (new at every start of Pebble)."""
        context = ssl.create_default_context(cafile=str(self.tls_cert))
        url = f"https://127.0.0.1:{self.management_port}/roots/0"
        with urllib.request.urlopen(url, context=context, timeout=10) as response:  # noqa: S310 - our own https
            return response.read().decode()

    def stop(self) -> None:
        stop_process(self.pebble)
        stop_process(self.dns)
        self.pebble = self.dns = None
