"""Response headers: a strict Content-Security-Policy and friends on every page, no-store for signed-in
staff and on members' own pages (they carry personal data), HSTS when served over HTTPS."""

from flask import Flask, Response, g, request
from flask_login import current_user

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    # Status and resume links carry a token in the path: never leak it to other sites.
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    # Every staff page shows applicants or members; a shared browser's cache must not keep them.
    # Static files carry nothing personal and stay cacheable.
    # A view marks g.personal_data (the member's own pages do) when it shows someone's data to them.
    personal = g.get("personal_data") or (current_user and current_user.is_authenticated)
    if request.endpoint != "static" and personal:
        response.headers["Cache-Control"] = "no-store"
    # Only on HTTPS requests. Behind a TLS-terminating proxy request.is_secure needs ProxyFix, not wired yet.
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
