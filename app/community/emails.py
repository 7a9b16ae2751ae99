"""The relayed message (to the recipient, Reply-To the sender) and the report to support."""

from __future__ import annotations

from flask import current_app

from app import links, mail
from app.community.services import own_profile
from app.extensions import db
from app.models import ContactMessage, Member


def _name(member: Member) -> str:
    profile = own_profile(member)
    return profile.display_name if profile else member.uid


@mail.message("community.message")
def message_letter(payload: dict) -> mail.Letter | None:
    message = db.session.get(ContactMessage, payload["message_id"])
    if message is None:
        return None
    sender, recipient = db.session.get(Member, message.sender_id), db.session.get(Member, message.recipient_id)
    return mail.Letter(
        to=recipient.application.email, language=(recipient.languages or ["en"])[0], template="community_message",
        subject="A message from %(name)s, a member of the cooperative",
        context={"subject_args": {"name": _name(sender)}, "sender": _name(sender), "body": message.body,
                 "report_url": links.external_url("community.report", message_id=message.id)},
        reply_to=sender.application.email, target=f"member:{recipient.id}")


@mail.message("community.reported")
def reported_letter(payload: dict) -> mail.Letter | None:
    message = db.session.get(ContactMessage, payload["message_id"])
    if message is None:
        return None
    sender, recipient = db.session.get(Member, message.sender_id), db.session.get(Member, message.recipient_id)
    config = current_app.config
    return mail.Letter(
        to=config["SUPPORT_EMAIL"], language=config["SUPPORT_LANGUAGE"], template="community_reported",
        subject="A member reported a message from another member",
        context={"sender": sender.uid, "recipient": recipient.uid, "body": message.body, "at": message.created_at},
        target=f"member:{sender.id}")


@mail.message("community.introduction")
def introduction_letter(payload: dict) -> mail.Letter | None:
    """To one member, about another who shares their struggles: both asked to be introduced."""
    to, about = db.session.get(Member, payload["to_member"]), db.session.get(Member, payload["about_member"])
    profile, theirs = own_profile(about), own_profile(to)
    if to is None or profile is None or theirs is None or not (profile.visible and profile.introductions):
        return None
    shared_movements = sorted(set(profile.movements or []) & set(theirs.movements or []))
    shared_groups = sorted(set(profile.working_groups or []) & set(theirs.working_groups or []))
    return mail.Letter(
        to=to.application.email, language=(to.languages or ["en"])[0], template="community_introduction",
        subject="Meet %(name)s, another member of the cooperative",
        context={"subject_args": {"name": profile.display_name}, "name": profile.display_name,
                 "movements": shared_movements, "groups": shared_groups, "contactable": profile.contactable,
                 "write_url": links.external_url("community.write", profile_id=profile.id),
                 "browse_url": links.external_url("community.browse")},
        target=f"member:{to.id}")
