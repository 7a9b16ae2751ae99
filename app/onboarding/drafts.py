"""Abandoned drafts: one reminder email, then the draft expires and frees its username and its address.

A draft expires DRAFT_EXPIRY_DAYS after it was last saved (updated_at), and only once its reminder went
out DRAFT_REMINDER_DAYS before, so nobody loses a draft without warning even if the daily command did not
run for a while. Marking the reminder keeps updated_at as it was (it is not the person's activity); a
draft saved after its reminder gets a new one before it expires. Both steps are conditional UPDATEs, so
the command may run twice, or on two hosts at once: no second reminder, nothing expired twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from app import audit, mail
from app.extensions import db
from app.models import Application, ApplicationState, utcnow

REMINDER_MESSAGE = "onboarding.draft_reminder"


def _days(name: str) -> timedelta:
    return timedelta(days=float(current_app.config[name]))


def _not_reminded_since_saved():
    return or_(Application.draft_reminded_at.is_(None), Application.draft_reminded_at < Application.updated_at)


def expires_on(application: Application) -> datetime:
    """When the draft expires if nobody saves it: never before its reminder has had its days."""
    expiry = application.updated_at + _days("DRAFT_EXPIRY_DAYS")
    reminded = application.draft_reminded_at
    return max(expiry, reminded + _days("DRAFT_REMINDER_DAYS")) if reminded else expiry


def remind(now: datetime) -> int:
    """Queue the reminder for drafts due to expire within DRAFT_REMINDER_DAYS; returns how many."""
    due = now - max(_days("DRAFT_EXPIRY_DAYS") - _days("DRAFT_REMINDER_DAYS"), timedelta(0))
    conditions = (Application.state == ApplicationState.DRAFT, Application.updated_at <= due,
                  _not_reminded_since_saved())
    reminded = 0
    rows = db.session.execute(select(Application.id, Application.updated_at, Application.token_expires_at)
                              .where(*conditions).order_by(Application.id)).all()
    for application_id, updated_at, link_expires_at in rows:
        # The emailed link must work until the draft expires, even when the command ran late.
        expires = max(updated_at + _days("DRAFT_EXPIRY_DAYS"), now + _days("DRAFT_REMINDER_DAYS"))
        link_expires_at = max(link_expires_at or expires, expires)
        # updated_at is set to itself: a reminder is not the person saving, so it must not move the expiry.
        changed = db.session.execute(update(Application).where(Application.id == application_id, *conditions)
                                     .values(draft_reminded_at=now, updated_at=Application.updated_at,
                                             token_expires_at=link_expires_at)).rowcount
        if changed:
            audit.record("system", "application.draft_reminded", f"application:{application_id}")
            mail.queue(REMINDER_MESSAGE, application_id=application_id)
            reminded += 1
    return reminded


def expire(now: datetime) -> int:
    """Expire drafts unsaved for DRAFT_EXPIRY_DAYS whose reminder went out DRAFT_REMINDER_DAYS ago or more."""
    conditions = (Application.state == ApplicationState.DRAFT,
                  Application.updated_at <= now - _days("DRAFT_EXPIRY_DAYS"),
                  Application.draft_reminded_at.is_not(None),
                  Application.draft_reminded_at >= Application.updated_at,
                  Application.draft_reminded_at <= now - _days("DRAFT_REMINDER_DAYS"))
    expired = 0
    for application_id in db.session.scalars(select(Application.id).where(*conditions).order_by(Application.id)):
        changed = db.session.execute(update(Application).where(Application.id == application_id, *conditions)
                                     .values(state=ApplicationState.EXPIRED)).rowcount
        if changed:
            audit.record("system", "application.expired", f"application:{application_id}",
                         {"after_days": int(current_app.config["DRAFT_EXPIRY_DAYS"])})
            expired += 1
    return expired


def run(now: datetime | None = None) -> tuple[int, int]:
    """The daily step: reminders first, then expiries; one commit. Returns (reminded, expired)."""
    now = now or utcnow()
    reminded = remind(now)
    expired = expire(now)
    db.session.commit()
    return reminded, expired
