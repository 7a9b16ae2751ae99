"""The support team's review queue and decisions (/review/…)."""

from flask import Blueprint, Flask

bp = Blueprint("review", __name__, url_prefix="/review")


def init_app(app: Flask) -> None:
    from app import mail
    from app.review import cli, emails, views  # noqa: F401 - views attach the routes to bp

    app.register_blueprint(bp)
    app.cli.add_command(cli.review_cli)
    mail.register(app, emails)
