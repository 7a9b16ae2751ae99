"""Why a person joins, and the welcome conversation before approval (issue 19).

A Motivation holds the wizard's "Why you are joining" answers; a WelcomeConversation is the one conversation
the cooperative has with an applicant: proposed times, the time the applicant confirmed, and the record of it
once it took place. Both hang off the application and are never shown to other members.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamped


class Motivation(Timestamped, Base):
    __tablename__ = "motivation"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    # Slugs of the cooperative's values (config VALUES), in the order the page lists them.
    # (The column is not called "values": that is a reserved word in the leadership view's plain SQL.)
    values: Mapped[list] = mapped_column("value_slugs", JSON, default=list)
    hopes: Mapped[str | None] = mapped_column(Text)
    came_from: Mapped[str | None] = mapped_column(String(30))  # a slug of config CAME_FROM, or "other"
    came_from_other: Mapped[str | None] = mapped_column(String(200))
    wants_conversation: Mapped[bool] = mapped_column(Boolean, default=False)
    conversation_language: Mapped[str | None] = mapped_column(String(5))
    conversation_medium: Mapped[str | None] = mapped_column(String(10))  # phone | video
    phone: Mapped[str | None] = mapped_column(String(40))
    availability: Mapped[str | None] = mapped_column(String(500))


class WelcomeConversation(Timestamped, Base):
    __tablename__ = "welcome_conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    # Up to three ISO 8601 UTC times support proposed, shown to the applicant in `timezone`.
    proposed_times: Mapped[list] = mapped_column(JSON, default=list)
    timezone: Mapped[str | None] = mapped_column(String(64))
    proposed_by: Mapped[str | None] = mapped_column(String(64))
    proposed_at: Mapped[datetime | None]
    # The proposed time the applicant chose on their status page.
    scheduled_for: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    # The day-before reminder (review conversation-reminders): set once, so a second run sends nothing.
    reminded_at: Mapped[datetime | None]
    # The record of the conversation held (support writes it; the applicant never sees the notes).
    held_on: Mapped[date | None]
    held_with: Mapped[str | None] = mapped_column(String(200))  # who from the cooperative took part
    held_language: Mapped[str | None] = mapped_column(String(5))
    notes: Mapped[str | None] = mapped_column(Text)
    questions: Mapped[str | None] = mapped_column(Text)  # the applicant's questions, for follow-up
    recorded_by: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime | None]

    @property
    def stage(self) -> str:
        """held | scheduled | proposed | none (what the queue, the status page and the policy check read)."""
        if self.held_on is not None:
            return "held"
        if self.scheduled_for is not None:
            return "scheduled"
        return "proposed" if self.proposed_times else "none"
