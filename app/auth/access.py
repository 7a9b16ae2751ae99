"""Role checks for staff views: role_required(*roles) marks the view so a test can find any view without one."""

from __future__ import annotations

import functools
from enum import StrEnum

from flask import abort, jsonify, redirect, request, url_for
from flask_login import current_user


class Role(StrEnum):
    """Staff roles: each is the name of the LDAP group (posixGroup under ou=groups) that grants it."""

    SUPPORT = "support"
    SYSADMINS = "sysadmins"
    LEADERSHIP = "leadership"


def safe_next(target: str | None) -> str | None:
    """target when it is a path on this site (no scheme, no host, no //evil.example), else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 32 for c in target):
        return None
    return target


def _wants_json() -> bool:
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def role_required(*roles: str):
    """Anonymous → sign-in page (or 401 JSON); signed in without any of `roles` → 403."""
    if not roles:
        raise ValueError("role_required needs at least one role")
    wanted = frozenset(roles)

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                if _wants_json():
                    return jsonify(error="authentication required"), 401
                here = request.full_path.rstrip("?") if request.method == "GET" else None
                return redirect(url_for("auth.login", next=safe_next(here)), 303)
            if not (current_user.roles & wanted):
                if _wants_json():
                    return jsonify(error="forbidden"), 403
                abort(403)
            return view(*args, **kwargs)

        wrapper.alta_roles = wanted
        return wrapper

    return decorate
