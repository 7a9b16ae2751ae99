"""The applicant's join wizard (/join/…) and status page (/status/<token>)."""

from flask import Blueprint, Flask

bp = Blueprint("onboarding", __name__)


def init_app(app: Flask) -> None:
    from app import mail
    from app.onboarding import cli, emails, relink, status, steps, views  # noqa: F401 - attach the routes to bp

    app.register_blueprint(bp)
    app.cli.add_command(cli.onboarding_cli)
    mail.register(app, emails)
