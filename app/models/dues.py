"""Dues: each member's account (standing, paid-up date), their plan history, payments and contacts.

Amounts are integers in minor units (cents, centavos), never floats.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, StateColumn, utcnow
from app.models.states import DuesStanding


class DuesAccount(Base):
    """One per member, opened by the first `dues run` after they join (from the commitment they stated)."""

    __tablename__ = "dues_account"
    __table_args__ = (Index("ix_dues_account_standing_paid_until", "standing", "paid_until"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    standing: Mapped[DuesStanding] = mapped_column(StateColumn(DuesStanding), default=DuesStanding.CURRENT)
    paid_until: Mapped[date] = mapped_column(Date)
    credit_minor: Mapped[int] = mapped_column(Integer, default=0)  # paid beyond whole periods
    # The paid-up date each reminder was last sent for ({"notice": "2027-01-01", ...}): once per period.
    reminded: Mapped[dict] = mapped_column(JSON, default=dict)
    at_risk_since: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DuesPlan(Base):
    """What the member pays: the latest row is current; earlier ones stay (changed by the member or support)."""

    __tablename__ = "dues_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    period: Mapped[str] = mapped_column(String(10), default="month")  # month | quarter | year
    waived: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Payment(Base):
    """A payment support recorded (or imported): unique by (method, reference) when there is a reference."""

    __tablename__ = "payment"
    __table_args__ = (Index("uq_payment_method_reference", "method", "reference", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(20))  # card | paypal | check | transfer | cash
    reference: Mapped[str | None] = mapped_column(String(100))
    paid_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DuesContact(Base):
    """Support got in touch with a member about dues: who, when, how, and what was agreed."""

    __tablename__ = "dues_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    by: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(20))  # call | email | meeting | message
    summary: Mapped[str] = mapped_column(Text)
    agreed: Mapped[str] = mapped_column(String(20))  # nothing | plan | lower | waiver | will_pay
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentImport(Base):
    """An uploaded payments file between its preview and its commit (the web tier keeps no files)."""

    __tablename__ = "payment_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    committed_at: Mapped[datetime | None]
