"""What a member's pages show and change: their membership, accepted documents, commitments, their data.

Every function takes the signed-in member (never an id from the request), so no page can reach another
member's rows. Changes own their transaction: the row, the audit event, one commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app import audit
from app.extensions import db
from app.i18n import LANGUAGES
from app.models import (
    CommunityProfile,
    Consent,
    ConsentCampaign,
    ConsentMessage,
    ConsentRequest,
    ContactMessage,
    DocumentVersion,
    DuesAccount,
    DuesPlan,
    Member,
    MemberCommitment,
    Payment,
)

MAX_HISTORY = 50  # commitment changes shown on the page; the data download has them all


@dataclass(frozen=True)
class Commitments:
    hours_per_month: int
    working_groups: list[str] = field(default_factory=list)
    movements: list[str] = field(default_factory=list)
    movements_other: str | None = None
    projects: list[str] = field(default_factory=list)
    since: datetime | None = None
    stated_when_applying: bool = False

    def same_pledge(self, other: Commitments) -> bool:
        return (self.hours_per_month, sorted(self.working_groups), sorted(self.movements),
                (self.movements_other or None)) == (other.hours_per_month, sorted(other.working_groups),
                                                    sorted(other.movements), (other.movements_other or None))


def _from_application(member: Member) -> Commitments:
    application = member.application
    stated = application.commitment
    return Commitments(hours_per_month=stated.hours_per_month if stated else 0,
                       working_groups=list(stated.working_groups or []) if stated else [],
                       movements=list(application.movements or []), movements_other=application.movements_other,
                       projects=list(stated.projects or []) if stated else [],
                       since=member.member_since, stated_when_applying=True)


def _from_row(row: MemberCommitment) -> Commitments:
    return Commitments(hours_per_month=row.hours_per_month, working_groups=list(row.working_groups or []),
                       movements=list(row.movements or []), movements_other=row.movements_other,
                       projects=list(row.projects or []), since=row.created_at)


def _rows(member: Member, limit: int | None = None) -> list[MemberCommitment]:
    query = (select(MemberCommitment).where(MemberCommitment.member_id == member.id)
             .order_by(MemberCommitment.id.desc()))
    return list(db.session.scalars(query.limit(limit) if limit else query))


def current_commitments(member: Member) -> Commitments:
    rows = _rows(member, limit=1)
    return _from_row(rows[0]) if rows else _from_application(member)


def commitment_history(member: Member, limit: int | None = MAX_HISTORY) -> list[Commitments]:
    """Newest first, ending with what they stated when they applied."""
    return [*(_from_row(r) for r in _rows(member, limit)), _from_application(member)]


def update_commitments(member: Member, wanted: Commitments) -> bool:
    """A new commitment row when the pledge changed (False, and nothing written, when it did not)."""
    now = current_commitments(member)
    if now.same_pledge(wanted):
        return False
    db.session.add(MemberCommitment(member_id=member.id, hours_per_month=wanted.hours_per_month,
                                    working_groups=sorted(wanted.working_groups),
                                    movements=sorted(wanted.movements),
                                    movements_other=(wanted.movements_other or "").strip() or None,
                                    projects=list(now.projects)))
    audit.record(f"member:{member.uid}", "member.commitments_changed", f"member:{member.id}", {
        "hours_per_month": [now.hours_per_month, wanted.hours_per_month],
        "working_groups": sorted(wanted.working_groups), "movements": sorted(wanted.movements)})
    db.session.commit()
    return True


def accepted_documents(member: Member) -> list[tuple[Consent, DocumentVersion]]:
    """Every consent of the member (when applying and since), oldest first, with the version accepted.

    Every consent row carries the application id, a member's later answers too (with member_id beside
    it), so one indexed equality finds them all: an OR with member_id, NULL on most rows, makes SQLite's
    planner scan the table once it has statistics (3.5x slower at 100,000 members, tests/bench/bench_portal.py).
    """
    return list(db.session.execute(
        select(Consent, DocumentVersion).join(DocumentVersion, DocumentVersion.id == Consent.document_version_id)
        .where(Consent.application_id == member.application_id)
        .order_by(Consent.accepted_at, Consent.id)).tuples())


def accepted_version(member: Member, sha256: str) -> DocumentVersion | None:
    """The text the member saw, by the hash recorded in their consent; None for any text they did not accept."""
    if not isinstance(sha256, str) or len(sha256) != 64:
        return None
    for consent, version in accepted_documents(member):
        if consent.sha256_shown == sha256 and version.sha256 == sha256:
            return version
    return None


def set_language(member: Member, language: str) -> None:
    """The member's language for pages and emails: first in member.languages; the directory follows later."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    if (member.languages or [None])[0] == language:
        return
    member.languages = [language, *(lang for lang in (member.languages or []) if lang != language)]
    audit.record(f"member:{member.uid}", "member.language_changed", f"member:{member.id}", {"language": language})
    db.session.commit()


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def data_export(member: Member) -> dict:
    """Everything alta holds about the member, for them to download: no other person's data, no secrets.

    Left out on purpose: token and session hashes (secrets), staff notes and the reviewers' names (staff
    records about the application, not the member's own data; a member may ask support for them).
    """
    application = member.application
    stated = application.commitment
    audit.record(f"member:{member.uid}", "member.data_exported", f"member:{member.id}", {})
    db.session.commit()
    return {
        "member": {"uid": member.uid, "uid_number": member.uid_number, "member_since": _iso(member.member_since),
                   "state": str(member.state), "languages": list(member.languages or []),
                   "password_set_at": _iso(member.password_set_at)},
        "application": {
            "kind": application.kind, "full_name": application.full_name,
            "organisation_name": application.organisation_name, "contact_person": application.contact_person,
            "organisation_size": application.organisation_size, "email": application.email,
            "country": application.country, "region": application.region, "language": application.language,
            "movements": list(application.movements or []), "movements_other": application.movements_other,
            "submitted_at": _iso(application.submitted_at), "decided_at": _iso(application.decided_at),
            # What support wrote to them as applicant (they read it on their status page and by email).
            "info_request": application.info_request, "decision_reason": application.decision_reason,
            "commitment": None if stated is None else {
                "dues_amount": str(stated.dues_amount) if stated.dues_amount is not None else None,
                "dues_currency": stated.dues_currency, "dues_period": stated.dues_period,
                "waiver_requested": stated.waiver_requested, "waiver_reason": stated.waiver_reason,
                "hours_per_month": stated.hours_per_month, "working_groups": list(stated.working_groups or []),
                "projects": list(stated.projects or []), "work_reason": stated.work_reason},
            "why_joining": _motivation(application),
            # The conversation's date, language and their own questions; support's notes are staff records.
            "welcome_conversation": _conversation(application),
        },
        "commitments": [
            {"since": _iso(c.since), "hours_per_month": c.hours_per_month, "working_groups": c.working_groups,
             "movements": c.movements, "movements_other": c.movements_other, "projects": c.projects,
             "stated_when_applying": c.stated_when_applying}
            for c in commitment_history(member, limit=None)],
        "consents": [
            {"document": version.kind, "version": version.version, "language": consent.language,
             "title": version.title, "sha256_shown": consent.sha256_shown, "accepted_at": _iso(consent.accepted_at),
             "ip": consent.ip, "user_agent": consent.user_agent}
            for consent, version in accepted_documents(member)],
        "services": [
            {"kind": r.kind, "state": str(r.state), "params": dict(r.params or {}), "requested_at": _iso(r.created_at)}
            for r in member.service_requests],
        "reconsent": _reconsent(member),
        "dues": _dues(member),
        "community": _community(member),
    }


def _motivation(application) -> dict | None:
    m = application.motivation
    if m is None:
        return None
    return {"values": list(m.values or []), "hopes": m.hopes, "came_from": m.came_from,
            "came_from_other": m.came_from_other, "wants_conversation": m.wants_conversation,
            "conversation_language": m.conversation_language, "conversation_medium": m.conversation_medium,
            "phone": m.phone, "availability": m.availability}


def _conversation(application) -> dict | None:
    c = application.conversation
    if c is None:
        return None
    return {"proposed_times": list(c.proposed_times or []), "timezone": c.timezone,
            "scheduled_for": _iso(c.scheduled_for), "held_on": c.held_on.isoformat() if c.held_on else None,
            "language": c.held_language, "your_questions": c.questions}


def _reconsent(member: Member) -> list[dict]:
    """Each time the cooperative asked them again, their answer, and the conversation with support (support's
    side as "support": the member's data, not the staff's names)."""
    out = []
    asked = (select(ConsentRequest, ConsentCampaign)
             .join(ConsentCampaign, ConsentCampaign.id == ConsentRequest.campaign_id)
             .where(ConsentRequest.member_id == member.id).order_by(ConsentRequest.id))
    for request, campaign in db.session.execute(asked).tuples():
        messages = db.session.scalars(select(ConsentMessage).where(ConsentMessage.request_id == request.id)
                                      .order_by(ConsentMessage.id))
        out.append({"document": campaign.kind, "version": campaign.version, "answer": str(request.state),
                    "asked_at": _iso(request.created_at), "answered_at": _iso(request.answered_at),
                    "messages": [{"from": "you" if m.from_member else "support", "body": m.body,
                                  "at": _iso(m.created_at)} for m in messages]})
    return out


def _dues(member: Member) -> dict:
    account = db.session.get(DuesAccount, member.id)
    plans = db.session.scalars(select(DuesPlan).where(DuesPlan.member_id == member.id).order_by(DuesPlan.id))
    payments = db.session.scalars(select(Payment).where(Payment.member_id == member.id).order_by(Payment.id))
    return {
        "standing": str(account.standing) if account else None,
        "paid_until": account.paid_until.isoformat() if account else None,
        "plans": [{"amount_minor": p.amount_minor, "currency": p.currency, "period": p.period, "waived": p.waived,
                   "since": _iso(p.created_at)} for p in plans],
        "payments": [{"amount_minor": p.amount_minor, "currency": p.currency, "method": p.method,
                      "reference": p.reference, "paid_on": p.paid_on.isoformat()} for p in payments],
    }


def _community(member: Member) -> dict:
    """Their profile and the messages they sent (whom to is another member's data, so it is left out)."""
    profile = db.session.scalar(select(CommunityProfile).where(CommunityProfile.member_id == member.id))
    sent = db.session.scalars(select(ContactMessage).where(ContactMessage.sender_id == member.id)
                              .order_by(ContactMessage.id))
    return {
        "profile": None if profile is None else {
            "visible": profile.visible, "contactable": profile.contactable, "introductions": profile.introductions,
            "display_name": profile.display_name, "pronouns": profile.pronouns, "region": profile.region,
            "languages": list(profile.languages or []), "movements": list(profile.movements or []),
            "working_groups": list(profile.working_groups or []), "about_en": profile.about_en,
            "about_es": profile.about_es},
        "messages_sent": [{"body": m.body, "at": _iso(m.created_at)} for m in sent],
    }
