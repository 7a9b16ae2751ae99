"""Published texts of the Statement of Unity, Membership Agreement and Statement of Intentionality."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

DOCUMENT_KINDS = ("unity", "agreement", "intentionality")


class DocumentVersion(Base):
    """Immutable once published: a changed text is a new row with the next version number."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("kind", "language", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[int]
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # SHA-256 of the exact Markdown body; the rendered HTML shown is derived from it deterministically.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    effective_at: Mapped[date]
    # A change of meaning asks every member again (a re-consent campaign); a typo fix does not.
    reconsent: Mapped[bool] = mapped_column(Boolean, default=False)
    # "What changed and why", in this version's language (front matter `change_note`).
    change_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
