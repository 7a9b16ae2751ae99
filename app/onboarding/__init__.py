"""The applicant's join wizard (/join/…) and status page (/status/<token>)."""

from flask import Blueprint

bp = Blueprint("onboarding", __name__)

from app.onboarding import views  # noqa: E402, F401 - registers the routes
