"""The leadership's view of who the membership is, in aggregate only (/leadership/, LDAP group leadership).

No names, no free text; every figure passes through app/leadership/suppression.py. Wired in by init_app.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("leadership", __name__, url_prefix="/leadership")


def init_app(app: Flask) -> None:
    from app.leadership import views  # noqa: F401 - attaches the routes to bp

    app.register_blueprint(bp)
