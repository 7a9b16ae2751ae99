"""`flask --app app review digest` (the daily digest of the review queue) and `review conversation-reminders`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

review_cli = AppGroup("review", help="The support team's review queue.")


@review_cli.command("digest")
def digest_command() -> None:
    """Queue today's digest email of the review queue to the support group (run daily from cron)."""
    from app.review import services

    services.queue_digest()
    click.echo("review digest queued")


@review_cli.command("conversation-reminders")
def conversation_reminders_command() -> None:
    """Queue the day-before reminder of each confirmed welcome conversation (run hourly or daily from cron;
    safe to run twice or on several hosts: each reminder is claimed once)."""
    from app.review import welcome

    click.echo(f"{welcome.send_reminders()} conversation reminders queued")
