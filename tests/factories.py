"""Row factories for tests that need data without walking the wizard (the wizard has its own tests).

Every factory adds to db.session and flushes; the test commits when it wants the rows visible to
other connections (a worker process, a live server).
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from app import documents
from app.extensions import db
from app.models import (
    Application,
    ApplicationState,
    Commitment,
    Consent,
    DocumentVersion,
    Motivation,
    ServiceRequest,
    utcnow,
)
from app.onboarding import tokens

_seq = itertools.count(1)


def make_application(state: str = ApplicationState.SUBMITTED, *, services=("hosting", "email", "drupal"),
                     language: str = "en", full_name: str | None = None, email: str | None = None,
                     username: str | None = None, kind: str = "individual", submitted_days_ago: float = 0,
                     **fields) -> tuple[Application, str]:
    """An application with consents to the current documents, a commitment and service requests.
    Returns (application, raw status token)."""
    n = next(_seq)
    username = username or f"member{n}"
    app = Application(
        email=email or f"person{n}@example.org",
        email_verified_at=utcnow(),
        kind=kind,
        full_name=full_name or f"Persona Número {n}",
        organisation_name=fields.pop("organisation_name", "Colectivo Tierra" if kind == "organisation" else None),
        country=fields.pop("country", "MX"),
        language=language,
        movements=fields.pop("movements", ["migrant-rights"]),
        username=username,
        state=state,
        submitted_at=utcnow() - timedelta(days=submitted_days_ago) if state != ApplicationState.DRAFT else None,
        progress={"about": True, "unity": True, "agreement": True, "intentionality": True, "why": True,
                  "commitments": True, "services": True},
        **fields,
    )
    token = tokens.issue(app)
    db.session.add(app)
    db.session.flush()
    if documents.count() == 0:
        documents.sync()
    for kind_ in ("unity", "agreement", "intentionality"):
        doc: DocumentVersion = documents.current(kind_, language)
        db.session.add(Consent(application_id=app.id, document_version_id=doc.id, language=language,
                               sha256_shown=doc.sha256, ip="203.0.113.7", user_agent="pytest"))
    db.session.add(Motivation(application_id=app.id, values=["cooperation", "autonomy"], came_from="member",
                              wants_conversation=False))
    db.session.add(Commitment(application_id=app.id, dues_amount=Decimal("25.00"), dues_currency="USD",
                              hours_per_month=4, working_groups=["support"], projects=[]))
    domain = f"{username}.example.org"
    params = {
        "hosting": {"domain": domain},
        "email": {"domain": domain, "mailboxes": [{"local": username, "display_name": app.full_name}]},
        "drupal": {"site": "members"},
    }
    for service in services:
        db.session.add(ServiceRequest(application_id=app.id, kind=service, params=params[service]))
    db.session.flush()
    return app, token
