"""Read-only JSON API for sysadmins (/api/v1/…), authenticated with per-sysadmin tokens."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import views  # noqa: E402, F401 - registers the routes
