"""Support's and leadership's side of re-consent: each campaign's progress, the concerns, replies.

Leadership sees counts only, through app/leadership/suppression.py (small counts hidden, others rounded);
support also sees the members who raised concerns and answers them by email (kept, mailed, audited).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from app import audit, mail
from app.extensions import db
from app.i18n import LANGUAGES
from app.leadership import suppression
from app.models import ConsentCampaign, ConsentMessage, ConsentRequest, ConsentRequestState, Member
from app.refusals import Refused

MAX_ID = 2**31 - 1
STATES = tuple(ConsentRequestState)


class ReplyRefused(Refused):
    """Codes: "not_found" (no such concern), "stale" (the conversation moved on since the page was read,
    e.g. a double submit or a colleague's reply)."""


@dataclass
class Progress:
    campaign: ConsentCampaign
    # counts[language][state]; totals by state and by language
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    by_state: dict[str, int] = field(default_factory=dict)
    total: int = 0
    reminders: dict[int, int] = field(default_factory=dict)  # step → requests reminded at that step or later
    awaiting_reply: int = 0


def progress() -> list[Progress]:
    """Every campaign, newest first, with its counts (a few grouped queries, not one per request)."""
    campaigns = db.session.scalars(select(ConsentCampaign).order_by(ConsentCampaign.id.desc())).all()
    out = {c.id: Progress(c, counts={lang: dict.fromkeys(map(str, STATES), 0) for lang in LANGUAGES},
                          by_state=dict.fromkeys(map(str, STATES), 0)) for c in campaigns}
    for campaign_id, language, state, n in db.session.execute(
            select(ConsentRequest.campaign_id, ConsentRequest.language, ConsentRequest.state, func.count())
            .group_by(ConsentRequest.campaign_id, ConsentRequest.language, ConsentRequest.state)):
        p = out[campaign_id]
        p.counts.setdefault(language, dict.fromkeys(map(str, STATES), 0))[str(state)] += n
        p.by_state[str(state)] += n
        p.total += n
    for campaign_id, step, n in db.session.execute(
            select(ConsentRequest.campaign_id, ConsentRequest.reminders_sent, func.count())
            .where(ConsentRequest.reminders_sent > 0)
            .group_by(ConsentRequest.campaign_id, ConsentRequest.reminders_sent)):
        # A request holds the last step it reached; it counts for that step and every earlier one.
        for earlier in range(1, step + 1):
            reminders = out[campaign_id].reminders
            reminders[earlier] = reminders.get(earlier, 0) + n
    for p in out.values():
        p.awaiting_reply = len(concerns(p.campaign.id, awaiting_only=True))
    return list(out.values())


def _shown(count: int, protected: bool) -> str:
    return suppression.display(suppression.protect(count)) if protected else str(count)


def figures(p: Progress, *, protected: bool) -> dict[tuple[str, str], str]:
    """The campaign's counts as the page shows them: (language, state), ("all", state), ("all", "total"),
    ("reminder", step). Protected (leadership): each state's languages are a partition of its total."""
    out = {}
    for state in map(str, STATES):
        column = {language: row[state] for language, row in p.counts.items()}
        cells = suppression.protect_rows(column, partition=True) if protected else {}
        for language, count in column.items():
            out[(language, state)] = suppression.display(cells[language]) if protected else str(count)
        out[("all", state)] = _shown(p.by_state[state], protected)
    out[("all", "total")] = _shown(p.total, protected)
    for step, count in p.reminders.items():
        out[("reminder", str(step))] = _shown(count, protected)
    return out


@dataclass
class Concern:
    request: ConsentRequest
    member: Member
    messages: list[ConsentMessage]

    @property
    def awaiting_reply(self) -> bool:
        return bool(self.messages) and self.messages[-1].from_member


def concerns(campaign_id: int, *, awaiting_only: bool = False) -> list[Concern]:
    """The requests of a campaign with messages (concerns raised), their member and conversation."""
    if not 0 < campaign_id <= MAX_ID:
        return []
    rows = db.session.execute(
        select(ConsentRequest, Member).join(Member, Member.id == ConsentRequest.member_id)
        .where(ConsentRequest.campaign_id == campaign_id,
               ConsentRequest.id.in_(select(ConsentMessage.request_id))).order_by(ConsentRequest.answered_at)).all()
    messages: dict[int, list[ConsentMessage]] = {}
    for m in db.session.scalars(select(ConsentMessage).where(ConsentMessage.request_id.in_([r.id for r, _ in rows]))
                                .order_by(ConsentMessage.id)):
        messages.setdefault(m.request_id, []).append(m)
    found = [Concern(r, member, messages.get(r.id, [])) for r, member in rows]
    return [c for c in found if c.awaiting_reply] if awaiting_only else found


def reply(staff_uid: str, request_id: int, body: str, after_message_id: int) -> ConsentMessage:
    """Support answers a member's concerns: the reply is kept, mailed to the member in their language, audited.

    `after_message_id` is the last message the page showed: if the conversation has moved on since (a double
    submit, a colleague answered), nothing is sent. One commit."""
    request = db.session.get(ConsentRequest, request_id) if 0 < request_id <= MAX_ID else None
    last = db.session.scalar(select(func.max(ConsentMessage.id)).where(ConsentMessage.request_id == request_id)) \
        if request is not None else None
    if last is None:
        raise ReplyRefused("not_found", request=request_id)
    if last != after_message_id:
        raise ReplyRefused("stale", request=request_id)
    row = ConsentMessage(request_id=request.id, from_member=False, author=staff_uid[:64], body=body.strip())
    db.session.add(row)
    db.session.flush()
    mail.queue("consent.reply", message_id=row.id)
    audit.record(staff_uid, "consent.concern_answered", f"member:{request.member_id}",
                 {"campaign": request.campaign_id, "request": request.id, "length": len(row.body)})
    db.session.commit()
    return row


def record_view(staff_uid: str, what: str, campaign_id: int | None = None) -> None:
    """Staff reading re-consent pages is audited too (concerns hold members' own words)."""
    audit.record(staff_uid, f"consent.viewed_{what}", f"consent_campaign:{campaign_id}" if campaign_id else None, {})
    db.session.commit()
