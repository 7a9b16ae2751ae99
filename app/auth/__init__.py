"""Staff sign-in against LDAP and roles from LDAP groups (/login, /logout)."""

from __future__ import annotations

from flask import Blueprint
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
def _load_user(_session_id: str):
    # Replaced by the server-side staff session loader once staff sign-in lands.
    return None


from app.auth import views  # noqa: E402, F401 - registers the routes
