"""The onboarding emails (verify the address, application received, fresh links), built by the worker."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app import audit, mail
from app.extensions import db
from app.models import Application, ApplicationState
from app.onboarding import drafts, labels, sections, tokens

# Applications a person can ask a fresh link for: all but withdrawn ones. At most MAX_LINKS of them, the
# newest, go in one email.
LINKABLE_STATES = (ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.NEEDS_INFO,
                   ApplicationState.APPROVED, ApplicationState.REJECTED)
MAX_LINKS = 5


def _context(application: Application) -> dict:
    token = tokens.token_for(application)
    verification = tokens.verification_token_for(application)
    return {
        "name": application.display_name,
        "person": application.full_name,
        "verify_url": tokens.link("onboarding.verify", verification) if verification else None,
        "resume_url": tokens.link("onboarding.resume", token) if token else None,
        "status_url": tokens.link("onboarding.status", token) if token else None,
        "answered": application.info_answered_at is not None,
    }


@mail.message("onboarding.verify")
def verify(payload: dict) -> mail.Letter | None:
    application = db.session.get(Application, payload["application_id"])
    if application is None or not sections.is_editable(application):
        return None
    if application.verify_nonce is None:  # a draft from before verification had a token of its own
        tokens.issue_verification(application)  # committed by mail.deliver once the message is sent
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


@mail.message(drafts.REMINDER_MESSAGE)
def draft_reminder(payload: dict) -> mail.Letter | None:
    """"Your draft will expire": the one reminder before a draft expires (app/onboarding/drafts.py)."""
    application = db.session.get(Application, payload["application_id"])
    if application is None or application.state != ApplicationState.DRAFT:
        return None  # sent or withdrawn meanwhile: nothing to remind
    verification = tokens.verification_token_for(application)
    token = tokens.token_for(application)
    # The verification link also confirms the address (most forgotten drafts never did); a draft from
    # before it had a token of its own gets the resume link.
    url = (tokens.link("onboarding.verify", verification) if verification
           else tokens.link("onboarding.resume", token) if token else None)
    if url is None:
        return None
    return mail.Letter(to=application.email, language=application.language, template="onboarding_draft_reminder",
                       subject="Your application to join alta is not sent yet",
                       context={"person": application.full_name, "url": url,
                                "expires_on": drafts.expires_on(application).strftime("%Y-%m-%d"),
                                "support_email": current_app.config["SUPPORT_EMAIL"]},
                       target=f"application:{application.id}")


@mail.message("onboarding.link")
def fresh_links(payload: dict) -> mail.Letter | None:
    """One email listing every application of the address, each with a new link that replaces the old one.

    The new nonces are committed by mail.deliver only once the message has gone out: if sending fails,
    the old links keep working and the retry mints new ones.
    """
    ids = payload.get("application_ids") or []
    if not ids:
        return None  # an address we have no application for: nothing is sent
    applications = db.session.scalars(select(Application).where(
        Application.id.in_(ids), Application.state.in_(LINKABLE_STATES)).order_by(Application.id.desc())).all()
    if not applications:
        return None
    newest = applications[0]
    # Only those still at the newest one's address, should one have changed its address meanwhile.
    applications = [a for a in applications if a.email.lower() == newest.email.lower()]
    entries = []
    for application in applications:
        token = tokens.issue(application)
        verification = tokens.issue_verification(application)
        editable = sections.is_editable(application)
        entries.append({
            "name": application.display_name,
            "started": application.created_at.strftime("%Y-%m-%d"),
            "state": labels.APPLICATION_STATES[application.state],
            "editable": editable,
            # The verify link confirms the address too (this email proves it is theirs) and resumes the draft.
            "url": tokens.link("onboarding.verify", verification) if editable
            else tokens.link("onboarding.status", token),
        })
        audit.record("system", "application.link_reissued", f"application:{application.id}",
                     {"reason": payload.get("reason", "lost_link")})
    return mail.Letter(to=newest.email, language=newest.language, template="onboarding_link",
                       subject="Your new link to your application to join alta",
                       context={"person": newest.full_name, "entries": entries,
                                "support_email": current_app.config["SUPPORT_EMAIL"]},
                       target=f"application:{newest.id}")
