"""The support team's review queue and decisions (/review/…)."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")

from app.review import views  # noqa: E402, F401 - registers the routes
