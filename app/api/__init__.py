"""Read-only JSON API for sysadmins (/api/v1/…), authenticated with per-sysadmin tokens."""

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api/v1")

def init_app(app: Flask) -> None:
    from app.api import views  # noqa: F401 - attaches the routes to bp

    app.register_blueprint(bp)
