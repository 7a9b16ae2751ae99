"""Opening re-consent campaigns and keeping after them: requests, first emails and reminders, in batches.

Everything here is idempotent and resumable: a campaign is unique per (kind, version); requests are made
over member ids past a cursor, CONSENT_BATCH_SIZE at a time, one transaction per batch (no transaction or
lock spans all members); an email is queued once per request (mailed_at), a reminder once per configured
step (reminders_sent). Running any of it twice, or after a crash half-way, changes nothing more.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app import audit, mail
from app.extensions import db
from app.i18n import LANGUAGES
from app.models import (
    ConsentCampaign,
    ConsentRequest,
    ConsentRequestState,
    DocumentVersion,
    Member,
    MemberState,
    utcnow,
)

log = logging.getLogger(__name__)


def _batch_size() -> int:
    return max(1, int(current_app.config["CONSENT_BATCH_SIZE"]))


def after_sync(added: list[DocumentVersion]) -> None:
    """documents.sync hook: open a campaign for each new version that requires re-consent, then finish
    every campaign not finished yet (one interrupted earlier resumes here)."""
    for kind, version in sorted({(v.kind, v.version) for v in added if v.reconsent}):
        open_campaign(kind, version)
    for campaign_id in db.session.scalars(select(ConsentCampaign.id).where(ConsentCampaign.mailed_at.is_(None))
                                          .order_by(ConsentCampaign.id)).all():
        fill(campaign_id)
        send_first_emails(campaign_id)


def open_campaign(kind: str, version: int) -> ConsentCampaign | None:
    """The campaign for kind+version, created once. None when it is the document's first version (no
    one accepted an earlier one, so there is nobody to ask again)."""
    existing = db.session.scalar(select(ConsentCampaign).where(ConsentCampaign.kind == kind,
                                                               ConsentCampaign.version == version))
    if existing is not None:
        return existing
    earlier = db.session.scalar(select(func.count()).select_from(DocumentVersion)
                                .where(DocumentVersion.kind == kind, DocumentVersion.version < version))
    if not earlier:
        return None
    campaign = ConsentCampaign(kind=kind, version=version)
    db.session.add(campaign)
    try:
        db.session.flush()
    except IntegrityError:  # another sync opened it at the same moment
        db.session.rollback()
        return db.session.scalar(select(ConsentCampaign).where(ConsentCampaign.kind == kind,
                                                               ConsentCampaign.version == version))
    audit.record("system", "consent.campaign_opened", f"consent_campaign:{campaign.id}",
                 {"document": kind, "version": version})
    db.session.commit()
    return campaign


def fill(campaign_id: int) -> int:
    """One request per active member, a batch per transaction, resuming from the campaign's cursor."""
    made = 0
    size = _batch_size()
    while True:
        campaign = db.session.get(ConsentCampaign, campaign_id)
        if campaign.filled_at is not None:
            break
        members = db.session.execute(
            select(Member.id, Member.languages).where(Member.id > campaign.last_member_id,
                                                      Member.state == MemberState.ACTIVE)
            .order_by(Member.id).limit(size)).all()
        if not members:
            campaign.filled_at = utcnow()
            audit.record("system", "consent.campaign_filled", f"consent_campaign:{campaign.id}", {
                "requests": db.session.scalar(select(func.count()).select_from(ConsentRequest)
                                              .where(ConsentRequest.campaign_id == campaign.id))})
            db.session.commit()
            break
        ids = [m.id for m in members]
        asked = set(db.session.scalars(select(ConsentRequest.member_id).where(
            ConsentRequest.campaign_id == campaign.id, ConsentRequest.member_id.in_(ids))))
        rows = [ConsentRequest(campaign_id=campaign.id, member_id=m.id, language=_language(m.languages))
                for m in members if m.id not in asked]
        db.session.add_all(rows)
        # The cursor only moves forward: a concurrent filler's batch fails its conditional UPDATE and is undone.
        moved = db.session.execute(update(ConsentCampaign).where(
            ConsentCampaign.id == campaign.id, ConsentCampaign.last_member_id == campaign.last_member_id)
            .values(last_member_id=ids[-1])).rowcount
        if not moved:
            db.session.rollback()
            continue
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            continue
        made += len(rows)
    return made


def _language(languages: list | None) -> str:
    first = (languages or ["en"])[0]
    return first if first in LANGUAGES else "en"


def send_first_emails(campaign_id: int) -> int:
    """Queue the campaign email of every request not mailed yet, a batch per transaction."""
    sent, after = 0, 0
    size = _batch_size()
    while True:
        # The id cursor guarantees progress even when a concurrent run claims a batch first.
        ids = db.session.scalars(select(ConsentRequest.id).where(
            ConsentRequest.campaign_id == campaign_id, ConsentRequest.mailed_at.is_(None), ConsentRequest.id > after)
            .order_by(ConsentRequest.id).limit(size)).all()
        if not ids:
            campaign = db.session.get(ConsentCampaign, campaign_id)
            if campaign.filled_at is not None and campaign.mailed_at is None:
                campaign.mailed_at = utcnow()
                audit.record("system", "consent.campaign_mailed", f"consent_campaign:{campaign_id}", {})
                db.session.commit()
            break
        after = ids[-1]
        claimed = _claim(ids, ConsentRequest.mailed_at.is_(None), mailed_at=utcnow())
        for request_id in claimed:
            mail.queue("consent.request", request_id=request_id)
        audit.record("system", "consent.emails_queued", f"consent_campaign:{campaign_id}", {"count": len(claimed)})
        db.session.commit()
        sent += len(claimed)
    return sent


def _claim(ids: list[int], *conditions, **values) -> list[int]:
    """The ids among `ids` this transaction changed (one conditional UPDATE … RETURNING): a concurrent run
    that changed a row first keeps it, so no email is queued twice."""
    return list(db.session.scalars(update(ConsentRequest).where(ConsentRequest.id.in_(ids), *conditions)
                                   .values(**values).returning(ConsentRequest.id)))


def reminder_steps() -> list[int]:
    return sorted({int(d) for d in current_app.config["CONSENT_REMINDER_DAYS"] if int(d) > 0})


def remind(now: datetime | None = None) -> int:
    """Queue reminders to members who have not answered (state open). A request gets the step it has
    reached, once; a run that comes late sends one reminder for the latest step, not one per step missed.
    Returns how many were queued."""
    now = now or utcnow()
    steps = reminder_steps()
    size = _batch_size()
    total = 0
    for step in range(len(steps), 0, -1):
        due_before = now - timedelta(days=steps[step - 1])
        after = 0
        while True:
            ids = db.session.scalars(select(ConsentRequest.id).where(
                ConsentRequest.state == ConsentRequestState.OPEN, ConsentRequest.mailed_at <= due_before,
                ConsentRequest.reminders_sent < step, ConsentRequest.id > after)
                .order_by(ConsentRequest.id).limit(size)).all()
            if not ids:
                break
            after = ids[-1]
            claimed = _claim(ids, ConsentRequest.state == ConsentRequestState.OPEN,
                             ConsentRequest.reminders_sent < step, reminders_sent=step, last_reminded_at=now)
            for request_id in claimed:
                mail.queue("consent.reminder", request_id=request_id, step=step)
            audit.record("system", "consent.reminders_queued", None,
                         {"step": step, "days": steps[step - 1], "count": len(claimed)})
            db.session.commit()
            total += len(claimed)
    return total
