"""Provisioning jobs (one ansible-runner run each), their items and their events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, StateColumn, utcnow
from app.models.states import ItemStatus, JobState


class ProvisioningJob(Base):
    __tablename__ = "provisioning_job"
    __table_args__ = (
        Index("ix_provisioning_job_state_id", "state", "id"),
        # Console filters, newest first (keyset on id): see app/console/queries.py.
        Index("ix_provisioning_job_playbook_id", "playbook", "id"),
        Index("ix_provisioning_job_requested_by_id", "requested_by", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    playbook: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[JobState] = mapped_column(StateColumn(JobState), default=JobState.QUEUED)
    attempt: Mapped[int] = mapped_column(default=1)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("provisioning_job.id"), index=True)
    requested_by: Mapped[str] = mapped_column(String(64), index=True)
    # Extra, non-personal run options (e.g. {"state": "disabled"}); person-supplied data lives on items.
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    not_before: Mapped[datetime | None]
    worker: Mapped[str | None] = mapped_column(String(128))
    rc: Mapped[int | None]
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text)
    stdout: Mapped[str | None] = mapped_column(Text)
    stdout_truncated: Mapped[bool] = mapped_column(Boolean, default=False)

    items: Mapped[list[JobItem]] = relationship(back_populates="job", order_by="JobItem.id")

    @property
    def duration(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class JobItem(Base):
    """One service request covered by a job; its status is derived from the job's events."""

    __tablename__ = "job_item"
    __table_args__ = (UniqueConstraint("job_id", "service_request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("provisioning_job.id"), index=True)
    service_request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id"), index=True)
    label: Mapped[str] = mapped_column(String(64))
    status: Mapped[ItemStatus] = mapped_column(StateColumn(ItemStatus), default=ItemStatus.PENDING)

    job: Mapped[ProvisioningJob] = relationship(back_populates="items")
    service_request: Mapped[ServiceRequest] = relationship()  # noqa: F821


class JobEvent(Base):
    __tablename__ = "job_event"
    __table_args__ = (UniqueConstraint("job_id", "counter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("provisioning_job.id"))
    counter: Mapped[int]
    event: Mapped[str] = mapped_column(String(64))
    host: Mapped[str | None] = mapped_column(String(255))
    task: Mapped[str | None] = mapped_column(String(500))
    item_label: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str | None] = mapped_column(String(20))
    changed: Mapped[bool] = mapped_column(Boolean, default=False)
    duration: Mapped[float | None] = mapped_column(Float)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
