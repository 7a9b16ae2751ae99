"""Members finding each other (/community/, signed-in members only): opt-in profiles, browsing them by
movement, working group, language and region, and messages relayed by email without revealing addresses.

Wired in by init_app: the blueprint and the relay and report emails. Member sessions are the portal's.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("community", __name__, url_prefix="/community")


def init_app(app: Flask) -> None:
    from app import mail
    from app.community import emails, views  # noqa: F401 - views attach the routes to bp

    app.register_blueprint(bp)
    mail.register(app, emails)
