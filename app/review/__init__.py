"""The support team's review queue and decisions (/review/…)."""

import click
from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review", cli_group="review")


@bp.cli.command("digest")
def digest_command() -> None:
    """Queue today's digest email of the review queue to the support group (run daily from cron)."""
    from app.review import services

    services.queue_digest()
    click.echo("review digest queued")


from app.review import emails, views  # noqa: E402, F401 - registers the routes and the email builders
