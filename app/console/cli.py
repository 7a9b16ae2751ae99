"""`flask --app app jobs prune --older-than-days N`: the retention command."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.console import retention

jobs_cli = AppGroup("jobs", help="Provisioning jobs as the console keeps them.")


@jobs_cli.command("prune")
@click.option("--older-than-days", type=click.IntRange(min=1), required=True,
              help="Remove events and stdout of jobs that finished more than this many days ago.")
def prune_command(older_than_days: int) -> None:
    """Prune old job events and stdout; every job keeps its summary (state, times, rc, items)."""
    pruned = retention.prune(older_than_days)
    click.echo(f"removed {pruned.events} events and the stdout of {pruned.stdouts} jobs "
               f"finished more than {older_than_days} days ago; {retention.remaining_events()} events remain")
