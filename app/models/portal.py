"""The member's own pages: server-side sign-in sessions and the history of their commitments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class MemberSession(Base):
    """A member's sign-in to /me/, kept on the server so that sign-out and idle expiry end it for good.

    Separate from StaffSession on purpose: a member's session never opens a staff page, nor the reverse.
    """

    __tablename__ = "member_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's session id
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


class MemberCommitment(Base):
    """What a member pledges from a given day on: each change is a new row, the latest one is current.

    Before their first change a member's commitments are the ones they stated when they applied
    (application.commitment and application.movements); earlier rows are never updated or deleted, so the
    leadership can count what was pledged when.
    """

    __tablename__ = "member_commitment"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    hours_per_month: Mapped[int] = mapped_column(Integer, default=0)
    working_groups: Mapped[list] = mapped_column(JSON, default=list)
    projects: Mapped[list] = mapped_column(JSON, default=list)
    movements: Mapped[list] = mapped_column(JSON, default=list)
    movements_other: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
