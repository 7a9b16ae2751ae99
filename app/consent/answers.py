"""A member's side of a campaign: their own request, what changed (note and difference), their answer.

Every function takes the signed-in member and looks the request up by (campaign, member), so another
member's campaign id finds nothing. Answers are conditional UPDATEs on the request's state: a double
submit records one answer. Nobody's services are touched, whatever they answer or if they never do.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import audit, mail
from app.extensions import db
from app.i18n import LANGUAGES
from app.models import (
    Consent,
    ConsentCampaign,
    ConsentMessage,
    ConsentRequest,
    ConsentRequestState,
    DocumentVersion,
    Member,
    utcnow,
)
from app.models.states import allowed_from
from app.refusals import Refused

MAX_ID = 2**31 - 1


class ConsentError(Refused):
    """Codes: "not_found" (no request of this member), "stale_text" (the page showed another text than
    the campaign's), "already_answered" (a double submit, or an answer given in another tab)."""


def own_request(member: Member, campaign_id: int) -> tuple[ConsentRequest, ConsentCampaign] | None:
    if not isinstance(campaign_id, int) or not 0 < campaign_id <= MAX_ID:
        return None
    found = db.session.execute(
        select(ConsentRequest, ConsentCampaign).join(ConsentCampaign, ConsentCampaign.id == ConsentRequest.campaign_id)
        .where(ConsentRequest.campaign_id == campaign_id, ConsentRequest.member_id == member.id)).first()
    return tuple(found) if found else None


def open_requests(member: Member) -> list[tuple[ConsentRequest, ConsentCampaign]]:
    """The member's unanswered requests, oldest first (the banner on their pages)."""
    return [tuple(r) for r in db.session.execute(
        select(ConsentRequest, ConsentCampaign).join(ConsentCampaign, ConsentCampaign.id == ConsentRequest.campaign_id)
        .where(ConsentRequest.member_id == member.id, ConsentRequest.state == ConsentRequestState.OPEN)
        .order_by(ConsentRequest.id))]


def campaign_text(campaign: ConsentCampaign, language: str) -> DocumentVersion | None:
    """The campaign's version in a language (in the other language when it was published only in one)."""
    rows = {v.language: v for v in db.session.scalars(select(DocumentVersion).where(
        DocumentVersion.kind == campaign.kind, DocumentVersion.version == campaign.version))}
    return rows.get(language) or next(iter(rows.values()), None)


def accepted_before(member: Member, campaign: ConsentCampaign, language: str) -> DocumentVersion | None:
    """The version of this document the member last accepted, in `language` where it exists."""
    latest = db.session.scalar(
        select(DocumentVersion).join(Consent, Consent.document_version_id == DocumentVersion.id)
        .where((Consent.application_id == member.application_id) | (Consent.member_id == member.id),
               DocumentVersion.kind == campaign.kind, DocumentVersion.version < campaign.version)
        .order_by(DocumentVersion.version.desc(), Consent.id.desc()).limit(1))
    if latest is None:
        return None
    same_in_language = db.session.scalar(select(DocumentVersion).where(
        DocumentVersion.kind == latest.kind, DocumentVersion.version == latest.version,
        DocumentVersion.language == language))
    return same_in_language or latest


@dataclass(frozen=True)
class Change:
    """One step of the difference between two texts, paragraph by paragraph."""

    op: str  # "same" (count unchanged paragraphs), "removed", "added"
    paragraphs: tuple[str, ...]


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def difference(before: str | None, after: str) -> list[Change]:
    """What a reader needs to see: paragraphs removed and added, runs of unchanged ones counted."""
    old, new = paragraphs(before or ""), paragraphs(after)
    changes = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            changes.append(Change("same", tuple(old[i1:i2])))
            continue
        if i2 > i1:
            changes.append(Change("removed", tuple(old[i1:i2])))
        if j2 > j1:
            changes.append(Change("added", tuple(new[j1:j2])))
    return changes


def conversation(request: ConsentRequest) -> list[ConsentMessage]:
    return list(db.session.scalars(select(ConsentMessage).where(ConsentMessage.request_id == request.id)
                                   .order_by(ConsentMessage.id)))


def _claim(request: ConsentRequest, target: ConsentRequestState) -> bool:
    return bool(db.session.execute(
        update(ConsentRequest).where(ConsentRequest.id == request.id,
                                     ConsentRequest.state.in_(allowed_from(target)))
        .values(state=target, answered_at=utcnow())).rowcount)


def accept(member: Member, campaign_id: int, *, language: str, sha256_shown: str, ip: str | None,
           user_agent: str | None) -> Consent:
    """A new consent row for the exact text the page showed (its language and hash), then the request
    is answered. One commit."""
    found = own_request(member, campaign_id)
    if found is None:
        raise ConsentError("not_found")
    request, campaign = found
    version = campaign_text(campaign, language) if language in LANGUAGES else None
    if version is None or version.language != language or version.sha256 != sha256_shown:
        raise ConsentError("stale_text")
    if not _claim(request, ConsentRequestState.ACCEPTED):
        db.session.rollback()
        raise ConsentError("already_answered")
    consent = Consent(application_id=member.application_id, member_id=member.id, document_version_id=version.id,
                      language=version.language, sha256_shown=sha256_shown, ip=ip,
                      user_agent=(user_agent or "")[:500] or None)
    db.session.add(consent)
    try:
        db.session.flush()
    except IntegrityError:  # this exact version already accepted by this member
        db.session.rollback()
        raise ConsentError("already_answered") from None
    db.session.execute(update(ConsentRequest).where(ConsentRequest.id == request.id).values(consent_id=consent.id))
    audit.record(f"member:{member.uid}", "consent.reconsented", f"consent_campaign:{campaign.id}",
                 {"document": campaign.kind, "version": campaign.version, "language": version.language,
                  "sha256": sha256_shown})
    db.session.commit()
    return consent


def raise_concerns(member: Member, campaign_id: int, message: str) -> ConsentMessage:
    """The member has concerns: their message goes to support, who answer by email. One commit."""
    found = own_request(member, campaign_id)
    if found is None:
        raise ConsentError("not_found")
    request, campaign = found
    if not _claim(request, ConsentRequestState.CONCERNS):
        db.session.rollback()
        raise ConsentError("already_answered")
    row = ConsentMessage(request_id=request.id, from_member=True, author=f"member:{member.uid}"[:64],
                         body=message.strip())
    db.session.add(row)
    db.session.flush()
    mail.queue("consent.concern", message_id=row.id)
    audit.record(f"member:{member.uid}", "consent.concerns_raised", f"consent_campaign:{campaign.id}",
                 {"document": campaign.kind, "version": campaign.version, "length": len(row.body)})
    db.session.commit()
    return row
