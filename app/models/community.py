"""Members finding each other: opt-in profiles and messages relayed without revealing addresses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Timestamped, utcnow


class CommunityProfile(Timestamped, Base):
    """What a member chose to show other members. Off by default: `visible` is the member's opt-in, and a
    profile that is not visible appears in no list, search or introduction."""

    __tablename__ = "community_profile"
    __table_args__ = (Index("ix_community_profile_visible", "visible", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), unique=True)
    visible: Mapped[bool] = mapped_column(Boolean, default=False)
    contactable: Mapped[bool] = mapped_column(Boolean, default=False)
    # Introduced by email to members who share a movement, a working group or a language (both sides opted in).
    introductions: Mapped[bool] = mapped_column(Boolean, default=False)
    display_name: Mapped[str] = mapped_column(String(100))
    pronouns: Mapped[str | None] = mapped_column(String(40))
    region: Mapped[str | None] = mapped_column(String(100))
    languages: Mapped[list] = mapped_column(JSON, default=list)
    movements: Mapped[list] = mapped_column(JSON, default=list)
    working_groups: Mapped[list] = mapped_column(JSON, default=list)
    about_en: Mapped[str | None] = mapped_column(Text)
    about_es: Mapped[str | None] = mapped_column(Text)

    member: Mapped[Member] = relationship()  # noqa: F821


class ContactMessage(Base):
    """A message one member sent another through alta; mailed to the recipient with Reply-To the sender."""

    __tablename__ = "contact_message"
    __table_args__ = (Index("ix_contact_message_sender_created", "sender_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The recipient reported it: support is told and the sender can write to them no more.
    reported_at: Mapped[datetime | None]


class Introduction(Base):
    """Two members alta introduced to each other by email: each pair once, ever (lower member id first)."""

    __tablename__ = "introduction"
    __table_args__ = (UniqueConstraint("first_id", "second_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    second_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
