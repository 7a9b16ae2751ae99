"""The sysadmin console: provisioning jobs, health, audit log (/jobs/…, /audit/…, /metrics)."""

from flask import Blueprint, Flask

bp = Blueprint("console", __name__)


def init_app(app: Flask) -> None:
    from app.console import cli, views  # noqa: F401 - views attach the routes to bp

    app.register_blueprint(bp)
    app.cli.add_command(cli.jobs_cli)
