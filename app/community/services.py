"""Profiles and relayed messages. Every function takes the signed-in member; each change is one audited
transaction. A profile that is not visible is never returned to anyone but its owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from app import audit, mail
from app.extensions import db
from app.models import CommunityProfile, ContactMessage, Member, MemberState, utcnow
from app.models.base import json_list_has
from app.refusals import Refused

PAGE = 20
MAX_MESSAGE = 2000


class ContactRefused(Refused):
    """Code "not_found" (no such visible, contactable profile, or it is the sender's own), "blocked" (the
    recipient reported an earlier message), "too_many" (the daily limit) or "empty"/"too_long"."""


def own_profile(member: Member) -> CommunityProfile | None:
    return db.session.scalar(select(CommunityProfile).where(CommunityProfile.member_id == member.id))


def save_profile(member: Member, **fields) -> CommunityProfile:
    profile = own_profile(member)
    created = profile is None
    if created:
        profile = CommunityProfile(member_id=member.id)
        db.session.add(profile)
    for name, value in fields.items():
        setattr(profile, name, value)
    audit.record(f"member:{member.uid}", "community.profile_saved", f"member:{member.id}",
                 {"visible": bool(profile.visible), "contactable": bool(profile.contactable), "created": created})
    db.session.commit()
    return profile


@dataclass(frozen=True)
class Search:
    movement: str | None = None
    working_group: str | None = None
    language: str | None = None
    region: str | None = None
    after: int = 0


def _visible():
    # Visible, and their owner still an active member (a member who left or was switched off is not listed).
    return (select(CommunityProfile).join(Member, Member.id == CommunityProfile.member_id)
            .where(CommunityProfile.visible.is_(True), Member.state == MemberState.ACTIVE))


def browse(viewer: Member, search: Search) -> tuple[list[CommunityProfile], int | None]:
    """A page of visible profiles matching every filter, with the cursor of the next page (or None).

    Every filter is SQL (the list ones through json_list_has), so a rare movement among 100,000 profiles is
    one query reading the rows the index walks, not thousands of rows decoded in Python.
    """
    query = _visible().where(CommunityProfile.id > search.after).order_by(CommunityProfile.id)
    if search.region:
        query = query.where(func.lower(CommunityProfile.region) == search.region.strip().lower())
    for column, value in ((CommunityProfile.movements, search.movement),
                          (CommunityProfile.working_groups, search.working_group),
                          (CommunityProfile.languages, search.language)):
        if value:
            query = query.where(json_list_has(column, value))
    found = list(db.session.scalars(query.limit(PAGE + 1)))
    more = len(found) > PAGE
    page = found[:PAGE]
    return page, (page[-1].id if more else None)


def visible_profile(profile_id: int) -> CommunityProfile | None:
    # Ids in URLs are bounded to the column by the int converter (app/params.py) before the view runs.
    return db.session.scalar(_visible().where(CommunityProfile.id == profile_id))


def send_message(sender: Member, profile_id: int, body: str) -> ContactMessage:
    body = (body or "").strip()
    if not body:
        raise ContactRefused("empty")
    if len(body) > MAX_MESSAGE:
        raise ContactRefused("too_long")
    profile = visible_profile(profile_id)
    if profile is None or not profile.contactable or profile.member_id == sender.id:
        raise ContactRefused("not_found")
    blocked = db.session.scalar(select(ContactMessage.id).where(
        ContactMessage.sender_id == sender.id, ContactMessage.recipient_id == profile.member_id,
        ContactMessage.reported_at.is_not(None)).limit(1))
    if blocked:
        raise ContactRefused("blocked")
    since = utcnow() - timedelta(days=1)
    sent_today = db.session.scalar(select(func.count()).select_from(ContactMessage).where(
        ContactMessage.sender_id == sender.id, ContactMessage.created_at >= since))
    if sent_today >= int(current_app.config["CONTACT_MESSAGES_PER_DAY"]):
        raise ContactRefused("too_many")
    message = ContactMessage(sender_id=sender.id, recipient_id=profile.member_id, body=body)
    db.session.add(message)
    db.session.flush()
    # Never the body or an address in the audit log: who wrote to whom, and when.
    audit.record(f"member:{sender.uid}", "community.message_sent", f"member:{profile.member_id}",
                 {"message": message.id})
    mail.queue("community.message", message_id=message.id)
    db.session.commit()
    return message


def received(recipient: Member, message_id: int) -> ContactMessage | None:
    """A message the member received; None for any other (another member's, or none)."""
    message = db.session.get(ContactMessage, message_id)
    return message if message is not None and message.recipient_id == recipient.id else None


def report(recipient: Member, message_id: int) -> ContactMessage | None:
    """The recipient reports a message: support hears of it and the sender can write to them no more."""
    message = received(recipient, message_id)
    if message is None:
        return None
    if message.reported_at is None:
        message.reported_at = utcnow()
        audit.record(f"member:{recipient.uid}", "community.message_reported", f"member:{message.sender_id}",
                     {"message": message.id})
        mail.queue("community.reported", message_id=message.id)
        db.session.commit()
    return message
