"""The applicant's join wizard (/join/…) and status page (/status/<token>)."""

from flask import Blueprint

bp = Blueprint("onboarding", __name__)

# Importing the views registers the routes; importing emails registers the mail builders, so the worker
# (which builds the app with create_app) can send "onboarding.verify" and "onboarding.submitted".
from app.onboarding import emails, relink, status, steps, views  # noqa: E402, F401
