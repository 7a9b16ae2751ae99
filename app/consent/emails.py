"""Re-consent emails, built by the worker in the member's language: the request, reminders, support's reply,
and the note to support that a member raised concerns."""

from __future__ import annotations

from flask import current_app

from app import links, mail
from app.consent import answers
from app.extensions import db
from app.models import ConsentCampaign, ConsentMessage, ConsentRequest, ConsentRequestState, Member


def _language(member: Member, request: ConsentRequest) -> str:
    """The member's language now (they may have changed it since the campaign opened)."""
    return (member.languages or [request.language])[0]


def _context(request: ConsentRequest) -> tuple[Member, ConsentCampaign, dict]:
    member = db.session.get(Member, request.member_id)
    campaign = db.session.get(ConsentCampaign, request.campaign_id)
    text = answers.campaign_text(campaign, _language(member, request))
    return member, campaign, {
        "name": member.application.display_name, "title": text.title, "note": text.change_note or "",
        "url": links.external_url("consent.request_page", campaign_id=campaign.id),
        "subject_args": {"title": text.title},
    }


@mail.message("consent.request")
def request_letter(payload: dict) -> mail.Letter | None:
    request = db.session.get(ConsentRequest, payload["request_id"])
    if request is None or request.state != ConsentRequestState.OPEN:
        return None
    member, _campaign, context = _context(request)
    return mail.Letter(to=member.application.email, language=_language(member, request), template="consent_request",
                       subject="The cooperative has changed its %(title)s: please read it and tell us",
                       context=context, target=f"member:{member.id}")


@mail.message("consent.reminder")
def reminder_letter(payload: dict) -> mail.Letter | None:
    request = db.session.get(ConsentRequest, payload["request_id"])
    if request is None or request.state != ConsentRequestState.OPEN:
        return None  # answered since the reminder was queued
    member, _campaign, context = _context(request)
    return mail.Letter(to=member.application.email, language=_language(member, request), template="consent_reminder",
                       subject="A reminder: the cooperative's %(title)s has changed", context=context,
                       target=f"member:{member.id}")


@mail.message("consent.reply")
def reply_letter(payload: dict) -> mail.Letter | None:
    message = db.session.get(ConsentMessage, payload["message_id"])
    if message is None:
        return None
    request = db.session.get(ConsentRequest, message.request_id)
    member, _campaign, context = _context(request)
    context.update(reply=message.body)
    return mail.Letter(to=member.application.email, language=_language(member, request), template="consent_reply",
                       subject="About your concerns with the %(title)s", context=context,
                       target=f"member:{member.id}")


@mail.message("consent.concern")
def concern_letter(payload: dict) -> mail.Letter | None:
    message = db.session.get(ConsentMessage, payload["message_id"])
    if message is None:
        return None
    request = db.session.get(ConsentRequest, message.request_id)
    member = db.session.get(Member, request.member_id)
    config = current_app.config
    return mail.Letter(to=config["SUPPORT_EMAIL"], language=config["SUPPORT_LANGUAGE"], template="consent_concern",
                       subject="A member has concerns about a changed document",
                       context={"uid": member.uid,
                                "url": links.external_url("consent_staff.concerns", campaign_id=request.campaign_id)},
                       target=f"member:{member.id}")
