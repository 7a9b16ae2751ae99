"""An application to join: the person, their consents, commitments, notes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import unicode_lower
from app.models.base import Base, StateColumn, Timestamped, utcnow
from app.models.states import AWAITING_REVIEW_STATES, DRAFT_STATES, USERNAME_HELD_STATES, ApplicationState, sql_in


class Application(Timestamped, Base):
    __tablename__ = "application"
    __table_args__ = (
        Index("ix_application_state_submitted_at", "state", "submitted_at", "id"),
        # Review queue (app/review/queries.py): the open applications in submission order, read straight
        # from this small index however many decided applications the table holds.
        Index(
            "ix_application_open_queue",
            "submitted_at",
            "id",
            sqlite_where=text(sql_in("state", AWAITING_REVIEW_STATES)),
            postgresql_where=text(sql_in("state", AWAITING_REVIEW_STATES)),
        ),
        # A unique index, not a constraint: adding it on SQLite needs no table rebuild (which would drop the
        # expression index below: alembic cannot copy what it cannot reflect).
        Index("uq_application_verify_token_hash", "verify_token_hash", unique=True),
        # A requested unix username is held by at most one open or approved application.
        Index(
            "uq_application_username_held",
            "username",
            unique=True,
            sqlite_where=text(sql_in("state", USERNAME_HELD_STATES)),
            postgresql_where=text(sql_in("state", USERNAME_HELD_STATES)),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The emailed resume/status link carries a random token; only its SHA-256 is kept.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Random nonce the token is derived from (HMAC with SECRET_KEY; app/onboarding/tokens.py), so mail
    # built later by the worker can carry the link while the database never holds the token itself.
    token_nonce: Mapped[str | None] = mapped_column(String(64))
    token_expires_at: Mapped[datetime | None]
    # The email verification link has a token of its own, from its own nonce (same scheme, same expiry):
    # it cannot be turned into the status link above, nor the status link into it.
    verify_nonce: Mapped[str | None] = mapped_column(String(64))
    verify_token_hash: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254), index=True)
    email_verified_at: Mapped[datetime | None]
    kind: Mapped[str] = mapped_column(String(20), default="individual")  # individual | organisation
    full_name: Mapped[str] = mapped_column(String(200))
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    contact_person: Mapped[str | None] = mapped_column(String(200))
    organisation_size: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    # ISO 3166-2 code of a region of `country` ("MX-OAX"), if the applicant gave one (app/regions.py).
    region: Mapped[str | None] = mapped_column(String(6))
    language: Mapped[str] = mapped_column(String(5), default="en")
    movements: Mapped[list] = mapped_column(JSON, default=list)
    movements_other: Mapped[str | None] = mapped_column(String(500))
    username: Mapped[str | None] = mapped_column(String(32))
    # Wizard sections completed, e.g. {"about": true, "unity": true}.
    progress: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[ApplicationState] = mapped_column(StateColumn(ApplicationState), default=ApplicationState.DRAFT,
                                                    index=True)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    info_request: Mapped[str | None] = mapped_column(Text)
    info_answered_at: Mapped[datetime | None]
    assignee: Mapped[str | None] = mapped_column(String(64), index=True)
    # When the "your draft will expire" email was asked for (app/onboarding/drafts.py): a draft saved
    # since then (updated_at later than this) is reminded again before it expires.
    draft_reminded_at: Mapped[datetime | None]

    commitment: Mapped[Commitment | None] = relationship(back_populates="application", uselist=False)
    consents: Mapped[list[Consent]] = relationship(back_populates="application", order_by="Consent.id")
    service_requests: Mapped[list[ServiceRequest]] = relationship(  # noqa: F821
        back_populates="application", order_by="ServiceRequest.id"
    )
    motivation: Mapped[Motivation | None] = relationship(uselist=False)  # noqa: F821
    conversation: Mapped[WelcomeConversation | None] = relationship(uselist=False)  # noqa: F821

    @property
    def display_name(self) -> str:
        return self.organisation_name or self.full_name


# At most one draft per address, the address folded as every lookup folds it (app/database.py): two starts
# at the same instant cannot both open one (the second gets the first one's "check your email" flow).
Index("uq_application_draft_email", unicode_lower(Application.email), unique=True,
      sqlite_where=text(sql_in("state", DRAFT_STATES)), postgresql_where=text(sql_in("state", DRAFT_STATES)))


class Consent(Base):
    """Append-only record of one acceptance of one document version: never updated, never deleted."""

    __tablename__ = "consent"
    # One acceptance per application and document version: a double submit adds nothing.
    __table_args__ = (UniqueConstraint("application_id", "document_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    document_version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id"))
    language: Mapped[str] = mapped_column(String(5))
    sha256_shown: Mapped[str] = mapped_column(String(64))
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(500))

    application: Mapped[Application] = relationship(back_populates="consents")
    document_version: Mapped[DocumentVersion] = relationship()  # noqa: F821


class Commitment(Timestamped, Base):
    __tablename__ = "commitment"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    dues_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    dues_currency: Mapped[str] = mapped_column(String(3), default="USD")
    dues_period: Mapped[str] = mapped_column(String(10), default="month")
    waiver_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    waiver_reason: Mapped[str | None] = mapped_column(Text)
    hours_per_month: Mapped[int] = mapped_column(Integer, default=0)
    working_groups: Mapped[list] = mapped_column(JSON, default=list)
    projects: Mapped[list] = mapped_column(JSON, default=list)
    # The Membership Agreement asks for 4 to 8 hours a month and a working group; a person who cannot give
    # that now says why here, and the reviewer reads it (the honest way out, as the dues waiver is).
    work_reason: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship(back_populates="commitment")


class Note(Base):
    """An internal note by a reviewer on an application; never shown to the applicant."""

    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    author: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
