"""`make run`: local slapd and Redis, migrations, documents, dev accounts, then web + worker in the
foreground. Ctrl-C stops all of it. Development only. With ALTA_INVENTORY=staging the staging test hosts
(app/devservices/hosts/) run too, under instance/hosts, and the worker provisions them over SSH."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

from app.devservices import port_open
from app.devservices.hosts import StagingHosts
from app.devservices.redis import RedisServer
from app.devservices.slapd import Slapd

LDAP_PORT, REDIS_PORT, WEB_PORT = 3891, 6391, 5000


def main() -> int:
    from flask_migrate import upgrade

    from app import config, create_app, documents
    from app.devservices import accounts

    instance = config.INSTANCE
    instance.mkdir(parents=True, exist_ok=True)
    for port, what in ((LDAP_PORT, "LDAP"), (REDIS_PORT, "Redis"), (WEB_PORT, "the web server")):
        if port_open(port):
            click.echo(f"Port {port} ({what}) is already in use: is another `make run` still running?")
            return 1

    slapd = Slapd(instance / "ldap", LDAP_PORT)
    redis = RedisServer(instance / "redis", REDIS_PORT)
    hosts = StagingHosts(instance / "hosts") if os.environ.get("ALTA_INVENTORY") == "staging" else None
    children: list[subprocess.Popen] = []

    def stop(*_args) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
        redis.stop()
        slapd.stop()
        if hosts:
            hosts.stop()

    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        slapd.setup()
        slapd.start()
        redis.start()
        env = dict(os.environ, ALTA_ENV="development", ALTA_LDAP_URL=slapd.url, ALTA_REDIS_URL=redis.url)
        if hosts:
            hosts.start()
            env["ALTA_SANDBOX"] = str(hosts.root)
            click.echo(f"staging hosts: sshd on 127.0.0.1:{hosts.ssh.port}, members' sites on "
                       f"http://127.0.0.1:{hosts.web.http_port} and https://127.0.0.1:{hosts.web.https_port}")
        os.environ.update(env)
        app = create_app()
        with app.app_context():
            upgrade(directory=str(Path(config.ROOT) / "migrations"))
            added = documents.sync()
            click.echo(f"documents: {len(added)} new version(s), {documents.count()} in all")
            passwords = accounts.ensure()
        click.echo("\nDevelopment accounts (also in instance/dev-credentials); staff sign in at /login, "
                   "`member` at /me/sign-in:")
        for uid, password in passwords.items():
            click.echo(f"  {uid:10} {password}")
        flask = [sys.executable, "-m", "flask", "--app", "app"]
        web = subprocess.Popen([*flask, "run", "--host", "127.0.0.1", "--port", str(WEB_PORT)], env=env)
        worker = subprocess.Popen([*flask, "worker"], env=env)
        children[:] = [web, worker]
        click.echo(f"\nalta is running on http://127.0.0.1:{WEB_PORT}/ (Ctrl-C stops everything)\n")
        while web.poll() is None:
            time.sleep(0.5)
            if worker.poll() is not None:
                # As systemd would in production: a worker that lost Redis comes back when it can.
                click.echo(f"The worker stopped (exit {worker.returncode}); starting it again in 3 s.")
                time.sleep(3)
                worker = subprocess.Popen([*flask, "worker"], env=env)
                children[:] = [web, worker]
        click.echo("The web server stopped; stopping the rest.")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
