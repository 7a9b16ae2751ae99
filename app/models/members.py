"""Members (created at approval), their service requests, counters and activation links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.models.base import Base, StateColumn, Timestamped, utcnow
from app.models.states import MemberState, ServiceState


class Member(Timestamped, Base):
    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    # Allocated from the `counter` table, never reused (see allocate below).
    uid_number: Mapped[int] = mapped_column(unique=True)
    ldap_dn: Mapped[str] = mapped_column(String(255))
    member_since: Mapped[datetime] = mapped_column(default=utcnow)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[MemberState] = mapped_column(StateColumn(MemberState), default=MemberState.ACTIVE)
    password_set_at: Mapped[datetime | None]
    # Set by one conditional UPDATE when the activation email is queued, so it goes out once.
    activation_queued_at: Mapped[datetime | None]
    # Leaving (app/members/leaving.py): asked on leave_requested_at, effective on leaves_at unless withdrawn.
    leave_requested_at: Mapped[datetime | None]
    leaves_at: Mapped[datetime | None] = mapped_column(index=True)
    leave_reason: Mapped[str | None] = mapped_column(String(1000))

    application: Mapped[Application] = relationship()  # noqa: F821
    service_requests: Mapped[list[ServiceRequest]] = relationship(
        back_populates="member", order_by="ServiceRequest.id"
    )


class ServiceRequest(Timestamped, Base):
    __tablename__ = "service_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # hosting | email | drupal
    # Validated parameters only: domain, mailboxes, site. Never secrets.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[ServiceState] = mapped_column(StateColumn(ServiceState), default=ServiceState.REQUESTED,
                                                index=True)
    last_error: Mapped[str | None] = mapped_column(String(1000))

    application: Mapped[Application] = relationship(back_populates="service_requests")  # noqa: F821
    member: Mapped[Member | None] = relationship(back_populates="service_requests")


class Counter(Base):
    """Monotonic counters kept in the database (uidNumber); incremented with one conditional UPDATE."""

    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int]


class ActivationToken(Base):
    """A one-time, expiring link to set the member's password; only the hash is kept."""

    __tablename__ = "activation_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def allocate(session: Session, name: str) -> int:
    """Next value of a counter, atomically (one UPDATE … RETURNING); the row is seeded by a migration."""
    value = session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar_one()
    return value
