"""Response headers every page needs: no-store for signed-in staff (their pages carry personal data) and
HSTS when served over HTTPS."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

HSTS = "max-age=31536000; includeSubDomains"


def init_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        # Every staff page shows applicants or members; a shared browser's cache must not keep them.
        # Static files carry nothing personal and stay cacheable.
        if request.endpoint != "static" and current_user and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        # request.is_secure honours X-Forwarded-Proto through ProxyFix in production; never over plain HTTP.
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
