"""`flask --app app onboarding drafts`: the daily reminder and expiry of abandoned drafts."""

from __future__ import annotations

import click
from flask.cli import AppGroup

onboarding_cli = AppGroup("onboarding", help="The applicants' join wizard.")


@onboarding_cli.command("drafts")
def drafts_command() -> None:
    """Remind drafts about to expire, expire the abandoned ones (run daily; running it twice is safe)."""
    from app.onboarding import drafts

    reminded, expired = drafts.run()
    click.echo(f"drafts: {reminded} reminded, {expired} expired")
