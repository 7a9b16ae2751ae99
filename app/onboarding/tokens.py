"""The applicant's link tokens: derived from a stored nonce with the app's secret, looked up by their hash.

token = HMAC-SHA256(SECRET_KEY, purpose + nonce); the database keeps the nonce and sha256(token). Mail built
later by the worker can therefore mint the same link again, while a copy of the database alone cannot.

Two tokens, from two nonces: the application's link (status page, resume, withdraw) and the email
verification link. Neither can be worked out from the other, so a verification link (the one a person is
most likely to forward or paste) cannot open the status page or withdraw the application, and a new
address gets a verification link of its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app import links
from app.extensions import db
from app.models import Application, utcnow

_LINK = b"alta-application-link:"
_VERIFY = b"alta-email-verification:"


def _derive(nonce: str, purpose: bytes = _LINK) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, purpose + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue(application: Application) -> str:
    """Give an application a fresh link (nonce, hash, expiry); returns the token. Does not commit."""
    application.token_nonce = secrets.token_urlsafe(32)
    token = _derive(application.token_nonce)
    application.token_hash = links.token_hash(token)
    extend(application)
    return token


def issue_verification(application: Application) -> str:
    """Give an application a fresh email verification link (the old one stops working). Does not commit.
    It lives as long as the application's link (token_expires_at)."""
    application.verify_nonce = secrets.token_urlsafe(32)
    token = _derive(application.verify_nonce, _VERIFY)
    application.verify_token_hash = links.token_hash(token)
    return token


def verification_token_for(application: Application) -> str | None:
    """The application's current verification token, or None when it has none."""
    return _derive(application.verify_nonce, _VERIFY) if application.verify_nonce else None


def expiry() -> datetime:
    return links.expiry(days=int(current_app.config["TOKEN_DAYS"]))


def extend(application: Application) -> None:
    """Keep the link alive for TOKEN_DAYS from now (called whenever the person saves something)."""
    application.token_expires_at = expiry()


def token_for(application: Application) -> str | None:
    """The application's current token, or None when it has no nonce (made outside the wizard)."""
    return _derive(application.token_nonce) if application.token_nonce else None


def find(token: str) -> Application | None:
    """The application a link token belongs to, if the token is well formed and not expired."""
    return _find(Application.token_hash, token)


def find_verification(token: str) -> Application | None:
    """The application a verification token belongs to, if the token is well formed and not expired."""
    return _find(Application.verify_token_hash, token)


def _find(column, token: str) -> Application | None:
    if not links.well_formed(token):
        return None
    application = db.session.scalar(select(Application).where(column == links.token_hash(token)))
    if application is None or application.token_expires_at is None or application.token_expires_at < utcnow():
        return None
    return application


def link(endpoint: str, token: str) -> str:
    """An absolute link for emails, e.g. link("onboarding.status", token)."""
    return links.external_url(endpoint, token=token)


def status_url(application: Application) -> str | None:
    """The status page link for emails (used by the review area's decision emails too)."""
    token = token_for(application)
    return link("onboarding.status", token) if token else None
