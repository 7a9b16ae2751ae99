"""Staff sign-in against LDAP and roles from LDAP groups (/login, /logout)."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_login import AnonymousUserMixin

from app.extensions import login_manager

bp = Blueprint("auth", __name__)


class Anonymous(AnonymousUserMixin):
    uid = None
    roles: frozenset[str] = frozenset()

    def has_role(self, role: str) -> bool:
        return False


login_manager.anonymous_user = Anonymous


@login_manager.user_loader
def _load_user(session_id: str):
    from app.auth import services

    return services.load(session_id)


login_manager.login_view = "auth.login"
# The server-side session row is the authority; no long-lived "remember me" cookie.
login_manager.session_protection = "basic"


def init_app(app: Flask) -> None:
    from app.auth import views  # noqa: F401 - attaches the routes to bp

    app.register_blueprint(bp)
