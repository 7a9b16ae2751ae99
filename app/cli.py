"""The core CLI commands: `flask --app app documents sync` and `flask --app app worker`.

Each area registers its own group in its init_app (review, jobs, provisioning, …).
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

documents_cli = AppGroup("documents", help="The cooperative's documents.")


@documents_cli.command("sync")
@with_appcontext
def documents_sync() -> None:
    """Load documents/ into document_version; a changed text becomes a new version."""
    from app import documents

    added = documents.sync()
    for row in added:
        click.echo(f"added {row.kind} {row.language} version {row.version} sha256 {row.sha256[:12]}")
    click.echo(f"documents: {len(added)} new version(s), {documents.count()} in all")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run an RQ worker on alta's queues (provision, mail) inside the app context."""
    from app.worker import run_worker

    run_worker(current_app._get_current_object(), burst=burst)


def init_app(app: Flask) -> None:
    app.cli.add_command(documents_cli)
    app.cli.add_command(worker)
