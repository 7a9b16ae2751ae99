"""Review emails, built by the worker at send time in the applicant's language (and the support digest)."""

from __future__ import annotations

from flask import current_app

from app import links, mail
from app.extensions import db
from app.models import Application
from app.onboarding import tokens
from app.review import queries


def _letter(payload: dict, template: str, subject: str, states: tuple[str, ...]) -> mail.Letter | None:
    application = db.session.get(Application, payload["application_id"])
    # A decision undone before the worker got to its email: that email is no longer true, so none is sent.
    if application is None or application.state not in states:
        return None
    context = {
        "person": application.contact_person or application.full_name,
        "name": application.display_name,
        "reason": application.decision_reason,
        "question": application.info_request,
        "username": application.username,
        "status_url": tokens.status_url(application),
        "support_email": current_app.config["SUPPORT_EMAIL"],
    }
    return mail.Letter(to=application.email, language=application.language, template=template, subject=subject,
                       context=context, target=f"application:{application.id}")


@mail.message("review.approved")
def approved(payload: dict) -> mail.Letter | None:
    return _letter(payload, "review_approved", "Welcome to alta: your application is approved", ("approved",))


@mail.message("review.rejected")
def rejected(payload: dict) -> mail.Letter | None:
    return _letter(payload, "review_rejected", "About your application to join alta", ("rejected",))


@mail.message("review.needs_info")
def needs_info(payload: dict) -> mail.Letter | None:
    return _letter(payload, "review_needs_info", "A question about your application to join alta", ("needs_info",))


@mail.message("review.reopened")
def reopened(payload: dict) -> mail.Letter | None:
    return _letter(payload, "review_reopened", "Your application to join alta is open again",
                   ("submitted", "needs_info"))


@mail.message("review.digest")
def digest(payload: dict) -> mail.Letter | None:
    days = int(current_app.config["REVIEW_AGE_WARNING_DAYS"])
    counts = queries.counts(me="", warning_days=days)
    oldest = queries.oldest_waiting(limit=1)
    overdue = queries.oldest_waiting(limit=50, older_than_days=days)
    base = links.external_url("web.home").rstrip("/")
    return mail.Letter(
        to=current_app.config["SUPPORT_EMAIL"], language="en", template="review_digest",
        subject="Review queue: %(count)s applications waiting",
        context={"subject_args": {"count": counts["submitted"]}, "counts": counts, "days": days,
                 "oldest": oldest[0] if oldest else None, "overdue": overdue,
                 "queue_url": links.external_url("review.queue"),
                 "base_url": base},
        target="review:digest")
