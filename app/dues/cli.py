"""`flask --app app dues run`: the daily step of dues follow-up (safe to run twice, or on every host)."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

dues_cli = AppGroup("dues", help="Dues follow-up.")


@dues_cli.command("run")
@click.option("--today", default=None, help="The day to act as (YYYY-MM-DD); today by default.")
def run_command(today: str | None) -> None:
    """Open accounts for new members, move standings by the dates, send each reminder once."""
    from app.dues import accounts

    try:
        day = date.fromisoformat(today) if today else None
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--today") from None
    report = accounts.run(day)
    click.echo(f"dues: {report.opened} account(s) opened, {report.moved} moved or reminded")
