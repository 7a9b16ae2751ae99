"""The onboarding emails (verify the address, application received), built by the worker at send time."""

from __future__ import annotations

from app import mail
from app.extensions import db
from app.models import Application
from app.onboarding import sections, tokens


def _context(application: Application) -> dict:
    token = tokens.token_for(application)
    return {
        "name": application.display_name,
        "person": application.full_name,
        "verify_url": tokens.link("/join/verify/", token) if token else None,
        "resume_url": tokens.link("/join/resume/", token) if token else None,
        "status_url": tokens.link("/status/", token) if token else None,
        "answered": application.info_answered_at is not None,
    }


@mail.message("onboarding.verify")
def verify(payload: dict) -> mail.Letter | None:
    application = db.session.get(Application, payload["application_id"])
    if application is None or not sections.is_editable(application):
        return None
    return mail.Letter(to=application.email, language=application.language, template="onboarding_verify",
                       subject="Confirm your email address to join alta", context=_context(application),
                       target=f"application:{application.id}")


@mail.message("onboarding.submitted")
def submitted(payload: dict) -> mail.Letter | None:
    application = db.session.get(Application, payload["application_id"])
    if application is None:
        return None
    return mail.Letter(to=application.email, language=application.language, template="onboarding_submitted",
                       subject="We received your application to join alta", context=_context(application),
                       target=f"application:{application.id}")
