"""The sysadmin console: provisioning jobs, health, audit log (/jobs/…, /audit/…, /metrics)."""

from flask import Blueprint

bp = Blueprint("jobs", __name__)

from app.jobs import cli, views  # noqa: E402, F401 - registers the routes and the `jobs` commands
