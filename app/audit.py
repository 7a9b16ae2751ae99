"""The one helper that writes audit events. It adds to the caller's transaction and never commits."""

from __future__ import annotations

from flask import has_request_context, request

from app.extensions import db
from app.models import AuditEvent


def client_ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def record(actor: str, action: str, target: str | None = None, details: dict | None = None) -> AuditEvent:
    event = AuditEvent(actor=actor, action=action, target=target, details=details or {}, ip=client_ip())
    db.session.add(event)
    return event
