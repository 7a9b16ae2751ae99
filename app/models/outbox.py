"""The transactional outbox's rows: work handed to RQ only after the transaction that needs it commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class Outbox(Base):
    """Work to hand to RQ after the transaction that needs it commits; re-pushed by the sweeper."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "dispatched_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # job | mail
    # Ids and template names only: never names, addresses or secrets (they would reach Redis).
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Written as "now" (the push follows the commit); cleared only by a push that failed, for the sweeper.
    dispatched_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    # Set by the worker when the work is done (an email sent); a second delivery then does nothing.
    done_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
