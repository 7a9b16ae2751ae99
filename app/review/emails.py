"""Review emails, built by the worker at send time in the applicant's language (and the support digest)."""

from __future__ import annotations

from flask import current_app

from app import education, links, mail
from app.extensions import db
from app.models import Application
from app.onboarding import tokens
from app.review import queries, welcome


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
    letter = _letter(payload, "review_approved", "Welcome to alta: your application is approved", ("approved",))
    if letter is not None:
        # Where a new member starts taking part: the working groups they chose, and what to read with us.
        commitment = db.session.get(Application, payload["application_id"]).commitment
        letter.context.update(working_groups=list(commitment.working_groups or []) if commitment else [],
                              material=education.material(letter.language))
    return letter


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


def _conversation_letter(payload: dict, template: str, subject: str, stages: tuple[str, ...]) -> mail.Letter | None:
    letter = _letter(payload, template, subject, ("submitted", "needs_info"))
    if letter is None:
        return None
    application = db.session.get(Application, payload["application_id"])
    conversation = application.conversation
    # Times changed, or the conversation already held, before the worker got here: say nothing untrue.
    if conversation is None or conversation.stage not in stages:
        return None
    language = letter.language
    letter.context.update(
        times=[welcome.local_time(t, conversation.timezone, language) for t in conversation.proposed_times],
        when=welcome.local_time(conversation.scheduled_for, conversation.timezone, language)
        if conversation.scheduled_for else None,
        medium=_medium(application))
    return letter


def _medium(application: Application) -> str | None:
    motivation = application.motivation
    return motivation.conversation_medium if motivation and motivation.wants_conversation else None


@mail.message("review.conversation_proposed")
def conversation_proposed(payload: dict) -> mail.Letter | None:
    return _conversation_letter(payload, "review_conversation_proposed",
                                "Let's talk: choose a time for your welcome conversation", ("proposed", "scheduled"))


@mail.message("review.conversation_confirmed")
def conversation_confirmed(payload: dict) -> mail.Letter | None:
    return _conversation_letter(payload, "review_conversation_confirmed",
                                "Your welcome conversation is confirmed", ("scheduled",))


@mail.message("review.conversation_reminder")
def conversation_reminder(payload: dict) -> mail.Letter | None:
    return _conversation_letter(payload, "review_conversation_reminder",
                                "Reminder: your welcome conversation is tomorrow", ("scheduled",))


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
