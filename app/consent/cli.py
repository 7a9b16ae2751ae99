"""`flask --app app consent remind`: the daily reminders of unanswered re-consent requests."""

from __future__ import annotations

import click
from flask.cli import AppGroup

consent_cli = AppGroup("consent", help="Re-consent campaigns.")


@consent_cli.command("remind")
def remind_command() -> None:
    """Queue the reminders that are due (CONSENT_REMINDER_DAYS); safe to run twice a day."""
    from app.consent import campaigns

    click.echo(f"consent reminders queued: {campaigns.remind()}")
