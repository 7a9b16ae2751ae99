"""Dues, followed with care (/dues/ for support; the member's standing on /me/): accounts and plans,
payments, the daily run that moves standings and sends reminders, and follow-up by people.

Wired in by init_app: the support blueprint, the `dues` CLI group, the reminder email.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("dues", __name__, url_prefix="/dues")


def init_app(app: Flask) -> None:
    from app import mail
    from app.dues import cli, emails, views  # noqa: F401 - views attach the routes to bp

    app.register_blueprint(bp)
    app.cli.add_command(cli.dues_cli)
    mail.register(app, emails)
