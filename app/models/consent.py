"""Re-consent: a campaign per document version that requires it, one request per member, their messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, StateColumn, utcnow
from app.models.states import ConsentRequestState


class ConsentCampaign(Base):
    """Opened when `documents sync` publishes a version of `kind` that requires re-consent; one per version.

    Requests are created in batches over member ids (last_member_id is the cursor), so opening a campaign
    for 100,000 members never holds one transaction over all of them and an interrupted run resumes.
    """

    __tablename__ = "consent_campaign"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[int]
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_member_id: Mapped[int] = mapped_column(Integer, default=0)
    filled_at: Mapped[datetime | None]  # every member active at opening has a request
    mailed_at: Mapped[datetime | None]  # every request's email is queued


class ConsentRequest(Base):
    """One member asked about one campaign. The answer's consent row lives in `consent` (append-only)."""

    __tablename__ = "consent_request"
    __table_args__ = (
        UniqueConstraint("campaign_id", "member_id"),
        Index("ix_consent_request_member_id_state", "member_id", "state"),
        Index("ix_consent_request_campaign_id_mailed_at", "campaign_id", "mailed_at", "id"),
        Index("ix_consent_request_state_mailed_at", "state", "mailed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("consent_campaign.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    # The member's language when asked (their first language): the email's and the statistics' language.
    language: Mapped[str] = mapped_column(String(5))
    state: Mapped[ConsentRequestState] = mapped_column(StateColumn(ConsentRequestState),
                                                       default=ConsentRequestState.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    mailed_at: Mapped[datetime | None]  # the first email was queued; reminders count from here
    answered_at: Mapped[datetime | None]
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id"))
    # How many of the configured reminder steps are behind this request (each step sends at most once).
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_reminded_at: Mapped[datetime | None]


class ConsentMessage(Base):
    """The conversation about a member's concerns: their message, support's replies (mailed to them)."""

    __tablename__ = "consent_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("consent_request.id"), index=True)
    from_member: Mapped[bool] = mapped_column(Boolean)
    author: Mapped[str] = mapped_column(String(64))  # "member:<uid>" or the staff uid
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
