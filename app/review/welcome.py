"""The welcome conversation before approval: who needs one (the WELCOME_CONVERSATION policy), support
proposing times and recording the conversation, the applicant confirming a time, the day-before reminder.

Every function is one transaction: it changes the conversation row, writes one audit event, queues the
applicant's email and commits once. The approval check itself is SQL (`approvable_clause`), part of the
approval's conditional UPDATE, so a conversation recorded at the same moment is seen or not, never half.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_location
from flask import current_app
from sqlalchemy import and_, exists, false, or_, select, true, update

from app import audit, mail
from app.extensions import db
from app.i18n import current_language
from app.models import Application, ApplicationState, Motivation, WelcomeConversation, utcnow
from app.refusals import Refused

MAX_PROPOSED = 3
MAX_AHEAD = timedelta(days=120)
REMINDER_AHEAD = timedelta(hours=24)
OPEN_STATES = (ApplicationState.SUBMITTED, ApplicationState.NEEDS_INFO)
MAX_NOTES = 5000


class WelcomeError(Refused):
    """A conversation step that cannot be taken; `code` picks the message (review labels, status page)."""


def policy() -> str:
    return str(current_app.config["WELCOME_CONVERSATION"])


def required_for(application: Application) -> bool:
    """Whether this application needs a conversation held before it can be approved."""
    rule = policy()
    return rule == "everyone" or (rule == "organisations" and application.kind == "organisation")


def required_clause():
    """The policy as SQL over Application (the queue filter and the approval's UPDATE)."""
    rule = policy()
    if rule == "everyone":
        return true()
    if rule == "organisations":
        return Application.kind == "organisation"
    return false()


def held_clause():
    return exists().where(WelcomeConversation.application_id == Application.id,
                          WelcomeConversation.held_on.is_not(None))


def wanted_clause():
    return exists().where(Motivation.application_id == Application.id, Motivation.wants_conversation.is_(True))


def approvable_clause():
    """True when the policy lets the application be approved now: no conversation needed, or one held."""
    return or_(~required_clause(), held_clause()) if policy() != "optional" else true()


def waiting_clause():
    """Asked for or required, and not held yet: the queue's "waiting for a conversation"."""
    return and_(or_(required_clause(), wanted_clause()), ~held_clause())


def _open_application(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None:
        raise WelcomeError("not_found")
    if application.state not in OPEN_STATES:
        raise WelcomeError("not_open", state=application.state)
    return application


def _conversation(application: Application) -> WelcomeConversation:
    conversation = application.conversation
    if conversation is None:
        conversation = WelcomeConversation(application_id=application.id, proposed_times=[])
        db.session.add(conversation)
        application.conversation = conversation
    return conversation


def zone(name: str | None) -> ZoneInfo:
    zones = current_app.config["WELCOME_TIMEZONES"]
    return ZoneInfo(name if name in zones else zones[0])


def propose(application_id: int, actor: str, times: list[datetime], timezone: str) -> WelcomeConversation:
    """Offer the applicant up to three times (aware datetimes); a new proposal replaces an unconfirmed or
    confirmed one (the applicant chooses again), never a conversation already held."""
    if timezone not in current_app.config["WELCOME_TIMEZONES"]:
        raise WelcomeError("bad_timezone")
    now = utcnow()
    try:
        chosen = sorted({t.astimezone(UTC).replace(second=0, microsecond=0) for t in times})
    except OverflowError:  # 9999-12-31 23:59 in a zone west of UTC is past the calendar's end in UTC
        raise WelcomeError("time_far", days=MAX_AHEAD.days) from None
    if not chosen:
        raise WelcomeError("no_times")
    if len(chosen) > MAX_PROPOSED:
        raise WelcomeError("too_many_times", max=MAX_PROPOSED)
    if chosen[0] <= now:
        raise WelcomeError("time_past")
    if chosen[-1] > now + MAX_AHEAD:
        raise WelcomeError("time_far", days=MAX_AHEAD.days)
    application = _open_application(application_id)
    conversation = _conversation(application)
    if conversation.held_on is not None:
        raise WelcomeError("already_held")
    conversation.proposed_times = [t.isoformat() for t in chosen]
    conversation.timezone = timezone
    conversation.proposed_by = actor
    conversation.proposed_at = now
    conversation.scheduled_for = conversation.confirmed_at = conversation.reminded_at = None
    audit.record(actor, "application.conversation_proposed", f"application:{application.id}",
                 {"times": conversation.proposed_times, "timezone": timezone})
    mail.queue("review.conversation_proposed", application_id=application.id)
    db.session.commit()
    return conversation


def confirm(application: Application, chosen: str) -> bool:
    """The applicant picks one of the proposed times (its ISO text, as the status page posts it).
    Returns False when that time was already confirmed (a double click): nothing is written again."""
    if application.state not in OPEN_STATES:
        raise WelcomeError("not_open", state=application.state)
    conversation = application.conversation
    if conversation is None or conversation.held_on is not None or not conversation.proposed_times:
        raise WelcomeError("nothing_proposed")
    if chosen not in conversation.proposed_times:
        raise WelcomeError("not_proposed")
    moment = datetime.fromisoformat(chosen)
    if moment <= utcnow():
        raise WelcomeError("time_past")
    if conversation.scheduled_for == moment:
        return False
    conversation.scheduled_for = moment
    conversation.confirmed_at = utcnow()
    conversation.reminded_at = None
    audit.record(f"applicant:{application.id}", "application.conversation_confirmed",
                 f"application:{application.id}", {"at": chosen})
    mail.queue("review.conversation_confirmed", application_id=application.id)
    db.session.commit()
    return True


def record(application_id: int, actor: str, *, held_on: date, held_with: str, language: str,
           notes: str | None, questions: str | None) -> WelcomeConversation:
    """Support records that the conversation took place (again, to correct the record)."""
    today = utcnow().date()
    if held_on > today:
        raise WelcomeError("held_future")
    if held_on < today - timedelta(days=365):
        raise WelcomeError("held_too_old")
    held_with = (held_with or "").strip()
    if not held_with:
        raise WelcomeError("held_with_required")
    if len(notes or "") > MAX_NOTES or len(questions or "") > MAX_NOTES:
        raise WelcomeError("too_long")
    application = _open_application(application_id)
    conversation = _conversation(application)
    corrected = conversation.held_on is not None
    conversation.held_on = held_on
    conversation.held_with = held_with[:200]
    conversation.held_language = language
    conversation.notes = (notes or "").strip() or None
    conversation.questions = (questions or "").strip() or None
    conversation.recorded_by = actor
    conversation.recorded_at = utcnow()
    # What and when, not the notes: the audit log is read more widely than the application page.
    audit.record(actor, "application.conversation_recorded", f"application:{application.id}",
                 {"held_on": held_on.isoformat(), "language": language, "with": conversation.held_with,
                  "corrected": corrected})
    db.session.commit()
    return conversation


def send_reminders(now: datetime | None = None) -> int:
    """Queue the day-before reminder of every confirmed conversation in the next 24 hours, once each
    (a conditional UPDATE claims it: two runs at once, or on two hosts, send one email)."""
    now = now or utcnow()
    due = list(db.session.scalars(select(WelcomeConversation.id).join(Application).where(
        WelcomeConversation.scheduled_for > now, WelcomeConversation.scheduled_for <= now + REMINDER_AHEAD,
        WelcomeConversation.reminded_at.is_(None), WelcomeConversation.held_on.is_(None),
        Application.state.in_(OPEN_STATES))))
    sent = 0
    for conversation_id in due:
        claimed = db.session.execute(update(WelcomeConversation).where(
            WelcomeConversation.id == conversation_id, WelcomeConversation.reminded_at.is_(None),
        ).values(reminded_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed:
            application_id = db.session.scalar(select(WelcomeConversation.application_id).where(
                WelcomeConversation.id == conversation_id))
            mail.queue("review.conversation_reminder", application_id=application_id)
            sent += 1
        db.session.commit()
    return sent


def local_time(moment: datetime | str, timezone: str | None, language: str | None = None) -> str:
    """"lunes, 7 de diciembre de 2026, 18:00, hora de México (Ciudad de México)": the time in the zone it was
    proposed in, in the reader's language (the date and clock as CLDR writes them for that language)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    place = zone(timezone)
    language = language or current_language()
    local = moment.astimezone(place)
    # The zone with its country ("hora de México (Ciudad de México)"): applicants live on both sides of the border.
    return (f"{format_date(local, 'full', locale=language)}, {format_time(local, 'short', locale=language)}, "
            f"{get_timezone_location(place, locale=language)}")
