"""`flask --app app provisioning sweep`: one sweeper pass, for a timer when no worker runs the sweeper."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

provisioning_cli = AppGroup("provisioning", help="The provisioning engine.")


@provisioning_cli.command("sweep")
@click.option("--outbox-age", default=30, show_default=True, help="Re-push outbox rows older than this (s).")
@with_appcontext
def sweep_command(outbox_age: int) -> None:
    """Re-push undispatched outbox rows, mark silent running jobs lost, start their retries."""
    from app.provisioning.sweeper import sweep

    click.echo(str(sweep(outbox_age_seconds=outbox_age)))
