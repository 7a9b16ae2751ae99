"""A private nginx and PHP-FPM: the staging web host, serving what playbooks/hosting.yml writes.

The paths the playbook writes are the production ones under `fs` (the inventory's alta_root): server blocks
in fs/etc/nginx/sites/, pools in fs/etc/php/pool.d/ (each runs as the member's uidNumber), sockets in
fs/run/php/. The main configurations are the host's own (as Debian's packages are on a real host): nginx
runs with its prefix in web/nginx/ and a default server that answers 404 (HTTPS: no handshake) for any
name no member's block claims; PHP-FPM has one pool of its own, since it refuses to start with none.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from app.devservices import stop_process, wait_for_port

NGINX_CONF = """\
# Written by alta's app/devservices/hosts/web.py: the staging web host's nginx (tests, development).
user www-data;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log;
events {{
    worker_connections 128;
}}
http {{
    include /etc/nginx/mime.types;
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/tmp/client_body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    server_names_hash_bucket_size 128;
    server {{
        listen 127.0.0.1:{http_port} default_server;
        return 404;
    }}
    server {{
        listen 127.0.0.1:{https_port} ssl default_server;
        ssl_reject_handshake on;
    }}
    include {sites}/*.conf;
}}
"""

PHP_FPM_CONF = """\
; Written by alta's app/devservices/hosts/web.py: the staging web host's PHP-FPM (tests, development).
[global]
pid = {state}/php-fpm.pid
error_log = {state}/php-fpm.log
daemonize = no

; PHP-FPM refuses to start without a pool: the host's own, idle.
[alta-host]
user = www-data
group = www-data
listen = {state}/host.sock
pm = ondemand
pm.max_children = 1

include = {pools}/*.conf
"""


class WebHost:
    def __init__(self, root: Path, fs: Path, http_port: int, https_port: int):
        self.root = Path(root)
        self.fs = Path(fs)
        self.http_port = http_port
        self.https_port = https_port
        self.nginx: subprocess.Popen | None = None
        self.php_fpm: subprocess.Popen | None = None

    @property
    def prefix(self) -> Path:
        return self.root / "nginx"

    @property
    def nginx_conf(self) -> Path:
        return self.prefix / "nginx.conf"

    @property
    def php_fpm_pid(self) -> Path:
        return self.root / "php-fpm" / "php-fpm.pid"

    def setup(self) -> None:
        """The folders a Debian web host has before alta's playbook runs, and the hosts' main configs."""
        sites = self.fs / "etc" / "nginx" / "sites"
        pools = self.fs / "etc" / "php" / "pool.d"
        state = self.root / "php-fpm"
        for folder in (self.fs / "home", sites / "available", self.fs / "etc" / "nginx" / "logs", pools,
                       self.fs / "run" / "php", self.fs / "etc" / "letsencrypt",
                       self.fs / "var" / "lib" / "alta" / "acme-challenge", self.prefix / "logs",
                       self.prefix / "tmp", state):
            folder.mkdir(parents=True, exist_ok=True)
        for folder in (self.root, self.fs, self.fs / "etc", self.fs / "var", self.fs / "var" / "lib"):
            folder.chmod(0o711)
        self.nginx_conf.write_text(NGINX_CONF.format(prefix=self.prefix, sites=sites, http_port=self.http_port,
                                                     https_port=self.https_port))
        (state / "php-fpm.conf").write_text(PHP_FPM_CONF.format(state=state, pools=pools))
        subprocess.run(["/usr/sbin/nginx", "-t", "-q", "-c", str(self.nginx_conf), "-p", f"{self.prefix}/"],
                       check=True, capture_output=True)

    def start(self) -> None:
        self.setup()
        log = open(self.root / "web.log", "ab")  # noqa: SIM115 - kept open for the children's lifetime
        self.php_fpm = subprocess.Popen(
            ["/usr/sbin/php-fpm8.2", "--nodaemonize", "--fpm-config", str(self.root / "php-fpm" / "php-fpm.conf")],
            stdout=log, stderr=log, start_new_session=True,
        )
        self.nginx = subprocess.Popen(
            ["/usr/sbin/nginx", "-c", str(self.nginx_conf), "-p", f"{self.prefix}/", "-g", "daemon off;"],
            stdout=log, stderr=log, start_new_session=True,
        )
        wait_for_port(self.http_port, self.nginx, name="nginx")
        _wait_for_file(self.php_fpm_pid, self.php_fpm, "php-fpm")

    def stop(self) -> None:
        stop_process(self.nginx)
        stop_process(self.php_fpm)
        self.nginx = self.php_fpm = None


def _wait_for_file(path: Path, process: subprocess.Popen, name: str, seconds: float = 10) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start within {seconds} s")
        time.sleep(0.02)
