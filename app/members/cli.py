"""`flask --app app members leaving`: the daily step that makes due leaves effective."""

from __future__ import annotations

import click
from flask.cli import AppGroup

members_cli = AppGroup("members", help="The member lifecycle.")


@members_cli.command("leaving")
def leaving_command() -> None:
    """Members whose notice period is over leave: services off, entry locked (run daily; safe twice)."""
    from app.members import leaving

    click.echo(f"{leaving.complete_due()} member(s) left")
