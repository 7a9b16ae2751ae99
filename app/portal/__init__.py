"""The member's own pages (/me/): sign-in, the overview of their membership, their commitments, their data.

Wired in by init_app: the blueprint. Member sessions are this area's own (app/portal/sessions.py), never
flask_login's staff sessions: being signed in as staff opens no member page and the reverse.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("portal", __name__, url_prefix="/me")


def init_app(app: Flask) -> None:
    from app.portal import display, views  # noqa: F401 - attach the routes, filters and labels to bp

    app.register_blueprint(bp)
