"""The join wizard's rules and transactions: each function changes rows, audits, queues mail, commits once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import audit, documents, mail, regions
from app.database import unicode_lower
from app.extensions import db
from app.models import (
    Application,
    ApplicationState,
    Commitment,
    Consent,
    DocumentVersion,
    Member,
    Motivation,
    Note,
    ServiceRequest,
    utcnow,
)
from app.models.states import USERNAME_HELD_STATES, InvalidTransition, check_transition
from app.onboarding import emails, sections, tokens
from app.refusals import Refused


class OnboardingError(Refused):
    """A refusal the person can act on; `code` picks the translated message in the view."""


def actor(application: Application) -> str:
    return f"applicant:{application.id}"


def _save_progress(application: Application, **sections_done) -> None:
    # Assign a new dict: in-place changes to a JSON column are not detected.
    application.progress = {**(application.progress or {}), **sections_done}
    tokens.extend(application)


def start(*, email: str, full_name: str, kind: str, organisation_name: str | None, contact_person: str | None,
          organisation_size: str | None, country: str, language: str, region: str | None = None) -> Application | None:
    """Open a draft application and email a link that verifies the address and resumes the draft.

    When the address already has a draft, no second one is opened: the person gets fresh links to their
    applications by email instead, and None is returned (the typed answers are not applied to the draft:
    whoever typed them has not shown yet that they read that mailbox). Two starts at the same instant are
    told apart by the unique index on open drafts' addresses: the second gets the same answer."""
    if applications_for(email, (ApplicationState.DRAFT,)):
        return _started_again(email)
    application = Application(state=ApplicationState.DRAFT, progress={"about": True})
    _apply_about(application, email=email, full_name=full_name, kind=kind, organisation_name=organisation_name,
                 contact_person=contact_person, organisation_size=organisation_size, country=country,
                 language=language, region=region)
    tokens.issue(application)
    tokens.issue_verification(application)
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        if not applications_for(email, (ApplicationState.DRAFT,)):
            raise
        return _started_again(email)
    audit.record(actor(application), "application.started", f"application:{application.id}",
                 {"language": language, "kind": kind})
    mail.queue("onboarding.verify", application_id=application.id)
    db.session.commit()
    return application


def _started_again(email: str) -> None:
    _queue_links(email, reason="started_again")
    db.session.commit()


def _apply_about(application: Application, *, email: str, full_name: str, kind: str,
                 organisation_name: str | None, contact_person: str | None, organisation_size: str | None,
                 country: str, language: str, region: str | None = None) -> None:
    application.email = email.strip()
    application.full_name = full_name.strip()
    application.kind = kind
    organisation = kind == "organisation"
    application.organisation_name = (organisation_name or "").strip() or None if organisation else None
    application.contact_person = (contact_person or "").strip() or None if organisation else None
    application.organisation_size = organisation_size or None if organisation else None
    application.country = country
    # The form found the code among the country's regions (app/regions.find): anything else is a bug here.
    if region and not regions.is_region_of(region, country):
        raise ValueError(f"{region!r} is not a region of {country!r}")
    application.region = region or None
    application.language = language


def update_about(application: Application, **about) -> None:
    """Change the first step's answers; a changed email address must be verified again."""
    _require_editable(application)
    changed_email = about["email"].strip().lower() != (application.email or "").lower()
    if changed_email and application.state == ApplicationState.DRAFT and \
            set(applications_for(about["email"], (ApplicationState.DRAFT,))) - {application.id}:
        raise OnboardingError("email_has_draft")
    _apply_about(application, **about)
    if changed_email:
        application.email_verified_at = None
        # The link sent to the old address must not confirm the new one.
        tokens.issue_verification(application)
        mail.queue("onboarding.verify", application_id=application.id)
    _save_progress(application, about=True)
    audit.record(actor(application), "application.about_changed", f"application:{application.id}",
                 {"email_changed": changed_email})
    try:
        db.session.commit()
    except IntegrityError:
        # A draft for the new address was opened between our check and our write (unique partial index).
        db.session.rollback()
        raise OnboardingError("email_has_draft") from None


def applications_for(email: str, states=emails.LINKABLE_STATES) -> list[int]:
    """Ids of the address's applications in these states, newest first (the address compared ignoring case)."""
    # unicode_lower on both sides: the same folding as the unique index on open drafts' addresses.
    address = (email or "").strip()
    return list(db.session.scalars(select(Application.id).where(
        unicode_lower(Application.email) == unicode_lower(address), Application.state.in_(states),
    ).order_by(Application.id.desc()).limit(emails.MAX_LINKS)))


def _queue_links(email: str, reason: str) -> None:
    # Ids only in the outbox; an unknown address queues an empty list, which the worker sends nothing for,
    # so a request does the same work (one lookup, one outbox row, one commit) whether or not it matched.
    mail.queue("onboarding.link", application_ids=applications_for(email), reason=reason)


def request_link(email: str) -> None:
    """"Lost your link?": email fresh links to the address's applications, if it has any (see emails.fresh_links)."""
    _queue_links(email, reason="lost_link")
    db.session.commit()


def resend_verification(application: Application) -> None:
    mail.queue("onboarding.verify", application_id=application.id)
    db.session.commit()


def verify_email(token: str) -> Application | None:
    """Mark the address verified by following the emailed link; returns the application, or None.

    The verification link only works while the application can be edited: once it is sent, the
    verification link opens nothing (the status link, a different token, is in the later emails)."""
    application = tokens.find_verification(token)
    if application is None or not sections.is_editable(application):
        return None
    if application.email_verified_at is None:
        application.email_verified_at = utcnow()
        audit.record(actor(application), "application.email_verified", f"application:{application.id}")
        db.session.commit()
    return application


def _require_editable(application: Application) -> None:
    if not sections.is_editable(application):
        raise OnboardingError("not_editable")


def accept_document(application: Application, kind: str, *, version_id: int, language: str, sha256_shown: str,
                    ip: str | None, user_agent: str | None) -> None:
    """Record one acceptance of the exact version shown; a stale page or wrong hash is refused."""
    _require_editable(application)
    # The page posts the id, language and hash of the version it rendered: it must still be the current
    # version in that language, and the hash must be that version's.
    current = documents.current(kind, language)
    if current is None or current.id != version_id or sha256_shown != current.sha256:
        raise OnboardingError("stale_document")
    db.session.add(Consent(application_id=application.id, document_version_id=current.id,
                           language=current.language, sha256_shown=sha256_shown, ip=ip,
                           user_agent=(user_agent or "")[:500] or None))
    audit.record(actor(application), "consent.accepted", f"application:{application.id}",
                 {"document": kind, "version": current.version, "language": current.language})
    _save_progress(application, **{kind: True})
    try:
        db.session.commit()
    except IntegrityError:
        # Already accepted (a double click, or coming back to the page): the unique constraint keeps one
        # row and one audit event; the first acceptance already marked the section done.
        db.session.rollback()


@dataclass
class Dues:
    amount: Decimal | None
    currency: str
    waiver_reason: str | None = None


def parse_dues(choice: str, other_amount: Decimal | None, other_currency: str, waiver_reason: str | None) -> Dues:
    if choice == "waiver":
        return Dues(None, other_currency, (waiver_reason or "").strip())
    if choice == "other":
        return Dues(other_amount, other_currency)
    currency, _, amount = choice.partition(":")
    return Dues(Decimal(amount), currency)


def save_commitments(application: Application, *, dues: Dues, hours_per_month: int, working_groups: list[str],
                     movements: list[str], movements_other: str | None, work_reason: str | None = None) -> None:
    _require_editable(application)
    commitment = application.commitment or Commitment(application_id=application.id)
    commitment.dues_amount = dues.amount
    commitment.dues_currency = dues.currency
    commitment.dues_period = "month"
    commitment.waiver_requested = dues.waiver_reason is not None
    commitment.waiver_reason = dues.waiver_reason
    commitment.hours_per_month = hours_per_month
    commitment.working_groups = list(working_groups)
    # Kept only while the person gives less than the Agreement asks: a reason for nothing would mislead.
    short = hours_per_month < int(current_app.config["HOURS_ASKED"]) or not working_groups
    commitment.work_reason = (work_reason or "").strip() or None if short else None
    db.session.add(commitment)
    application.movements = list(movements)
    application.movements_other = (movements_other or "").strip() or None
    _drop_draft(application, "commitments")
    _save_progress(application, commitments=True)
    db.session.commit()


@dataclass
class Why:
    values: list[str]
    hopes: str | None
    came_from: str
    came_from_other: str | None
    wants_conversation: bool
    conversation_language: str | None = None
    conversation_medium: str | None = None
    phone: str | None = None
    availability: str | None = None


def save_motivation(application: Application, why: Why) -> None:
    """"Why you are joining": one row per application, replaced on every save; the conversation's details
    are kept only when a conversation is wanted (no stray phone number of someone who said no)."""
    _require_editable(application)
    motivation = application.motivation or Motivation(application_id=application.id)
    motivation.values = list(why.values)
    motivation.hopes = (why.hopes or "").strip() or None
    motivation.came_from = why.came_from
    motivation.came_from_other = (why.came_from_other or "").strip() or None if why.came_from == "other" else None
    motivation.wants_conversation = why.wants_conversation
    wanted = why.wants_conversation
    motivation.conversation_language = why.conversation_language if wanted else None
    motivation.conversation_medium = why.conversation_medium if wanted else None
    motivation.phone = (why.phone or "").strip() or None if wanted and why.conversation_medium == "phone" else None
    motivation.availability = (why.availability or "").strip() or None if wanted else None
    db.session.add(motivation)
    _drop_draft(application, "why")
    _save_progress(application, why=True)
    # Counts and choices only: the person's own words stay out of the audit log.
    audit.record(actor(application), "application.motivation_saved", f"application:{application.id}",
                 {"values": len(motivation.values), "wants_conversation": wanted})
    db.session.commit()


DRAFT_SECTIONS = ("why", "commitments", "services")


def save_draft(application: Application, section: str, fields: dict[str, list[str]]) -> None:
    """"Save and come back later": keep what was typed, unchecked, so the section shows as in progress.
    Nothing here is used for the application until the section is saved for real."""
    _require_editable(application)
    if section not in DRAFT_SECTIONS:
        raise ValueError(section)
    kept = {key[:64]: [value[:2000] for value in values[:20]]
            for key, values in list(fields.items())[:40] if key not in ("csrf_token", "later")}
    drafts = {**(application.progress or {}).get("drafts", {}), section: kept}
    state = True if sections.is_done(application, section) else "started"
    _save_progress(application, drafts=drafts, **{section: state})
    db.session.commit()


def _drop_draft(application: Application, section: str) -> None:
    drafts = {k: v for k, v in (application.progress or {}).get("drafts", {}).items() if k != section}
    application.progress = {**(application.progress or {}), "drafts": drafts}


def draft(application: Application, section: str) -> dict[str, list[str]] | None:
    return (application.progress or {}).get("drafts", {}).get(section)


def username_taken(username: str, application_id: int | None) -> bool:
    held = db.session.scalar(select(Application.id).where(
        Application.username == username, Application.state.in_(USERNAME_HELD_STATES),
        Application.id != (application_id or 0)).limit(1))
    return held is not None or db.session.scalar(select(Member.id).where(Member.uid == username)) is not None


def save_services(application: Application, *, username: str, requests: dict[str, dict]) -> None:
    """Hold the username and replace the service requests. Raises OnboardingError("username_taken")."""
    _require_editable(application)
    if username_taken(username, application.id):
        raise OnboardingError("username_taken")
    try:
        application.username = username
        for old in list(application.service_requests):
            db.session.delete(old)
        for kind, params in requests.items():
            db.session.add(ServiceRequest(application_id=application.id, kind=kind, params=params))
        _drop_draft(application, "services")
        _save_progress(application, services=True)
        db.session.commit()
    except IntegrityError:
        # Another sign-up took the same name between our check and our write (partial unique index);
        # the error may come from an autoflush or from the commit.
        db.session.rollback()
        raise OnboardingError("username_taken") from None


def submit(application: Application, reply: str | None = None) -> None:
    """draft → submitted, or needs_info → submitted (the answer to staff's question); a second click is a no-op."""
    if application.state == ApplicationState.SUBMITTED:
        return
    if not sections.all_done(application):
        raise OnboardingError("incomplete")
    if application.email_verified_at is None:
        raise OnboardingError("unverified")
    accepted = set(db.session.scalars(select(DocumentVersion.kind).join(Consent).where(
        Consent.application_id == application.id)))
    if not set(sections.DOCUMENTS) <= accepted:
        raise OnboardingError("incomplete")
    previous = application.state
    try:
        check_transition(previous, ApplicationState.SUBMITTED)
    except InvalidTransition:
        raise OnboardingError("not_editable") from None
    if previous not in sections.EDITABLE_STATES:
        raise OnboardingError("not_editable")
    now = utcnow()
    values = {"state": ApplicationState.SUBMITTED, "submitted_at": application.submitted_at or now,
              "token_expires_at": tokens.expiry()}
    if previous == ApplicationState.NEEDS_INFO:
        values["info_answered_at"] = now
    # Conditional update: of two concurrent submits only one changes the row and sends the email.
    changed = db.session.execute(update(Application).where(
        Application.id == application.id, Application.state == previous).values(**values)).rowcount
    if not changed:
        db.session.rollback()
        return
    target = f"application:{application.id}"
    if previous == ApplicationState.NEEDS_INFO:
        if reply and reply.strip():
            db.session.add(Note(application_id=application.id, author=actor(application), body=reply.strip()))
        audit.record(actor(application), "application.resubmitted", target, {"answered": bool(reply)})
    else:
        audit.record(actor(application), "application.submitted", target)
    mail.queue("onboarding.submitted", application_id=application.id)
    db.session.commit()


def withdraw(application: Application) -> None:
    try:
        check_transition(application.state, ApplicationState.WITHDRAWN)
    except InvalidTransition:
        raise OnboardingError("not_editable") from None
    changed = db.session.execute(update(Application).where(
        Application.id == application.id, Application.state == application.state,
    ).values(state=ApplicationState.WITHDRAWN)).rowcount
    if changed:
        audit.record(actor(application), "application.withdrawn", f"application:{application.id}")
    db.session.commit()
