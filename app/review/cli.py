"""`flask --app app review digest`: the daily digest of the review queue for the support team."""

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
