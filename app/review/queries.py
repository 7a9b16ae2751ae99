"""Read side of the review queue: filters from the query string, keyset pages, counts, the detail history.

Speed at 100,000 applications: the open queue (submitted + needs_info) has its own partial index on
(submitted_at, id), and its filter is written as the same literal SQL so SQLite and PostgreSQL both see that
the index applies; counts touch only open rows; related rows come in one selectinload per relationship.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select, text
from sqlalchemy.orm import selectinload

from app import params
from app.database import unicode_lower
from app.extensions import db
from app.i18n import LANGUAGES
from app.models import Application, AuditEvent, Consent, Note, ServiceRequest, utcnow
from app.models.states import AWAITING_REVIEW_STATES, sql_in
from app.review import welcome

PAGE_SIZE = 50
# Literal SQL matching the partial index's own WHERE (app/models/applications.py), so both engines use it.
OPEN_SQL = sql_in("application.state", AWAITING_REVIEW_STATES)
STATE_FILTERS = ("open", "submitted", "answered", "needs_info", "approved", "rejected", "withdrawn", "all")
SERVICES = ("hosting", "email", "drupal")
SORTS = ("oldest", "newest")
MAX_SEARCH = 100
MAX_ASSIGNEE = 64
CONVERSATION_FILTERS = ("", "waiting", "held")


@dataclass
class QueueFilters:
    state: str = "open"
    service: str = ""
    language: str = ""
    assignee: str = ""  # a uid, "none" for unassigned, "" for anyone
    q: str = ""
    sort: str = "oldest"
    after: str = ""  # keyset cursor "<iso submitted_at>|<id>"
    conversation: str = ""  # "" | "waiting" | "held" (the welcome conversation)

    @classmethod
    def from_args(cls, args, me: str) -> QueueFilters:
        """Unknown choices fall back to the default rather than failing (these are bookmarkable URLs); free
        text and the cursor that cannot be used are refused (app/params.BadParameter, a 400)."""
        def pick(name: str, allowed: tuple[str, ...], default: str) -> str:
            value = args.get(name, default)
            return value if value in allowed else default

        # Free text and the cursor go through app/params: too long, control characters (NUL breaks
        # PostgreSQL) or a cursor past the calendar's ends are a 400 with a message, not a 500.
        assignee = params.text(args.get("assignee"), "assignee", MAX_ASSIGNEE)
        if args.get("mine"):
            assignee = me
        after = args.get("after") or ""
        params.keyset(after, "after")
        return cls(state=pick("state", STATE_FILTERS, "open"), service=pick("service", ("",) + SERVICES, ""),
                   language=pick("language", ("", *LANGUAGES), ""), assignee=assignee,
                   q=params.text(args.get("q"), "q", MAX_SEARCH), sort=pick("sort", SORTS, "oldest"), after=after,
                   conversation=pick("conversation", CONVERSATION_FILTERS, ""))

    def args(self, **changes) -> dict:
        """Query-string arguments for links (empty ones left out), with some values changed."""
        values = {"state": self.state, "service": self.service, "language": self.language,
                  "assignee": self.assignee, "q": self.q, "sort": self.sort, "after": "",
                  "conversation": self.conversation}
        values.update(changes)
        return {k: v for k, v in values.items() if v and not (k == "state" and v == "open")
                and not (k == "sort" and v == "oldest")}


@dataclass
class QueuePage:
    rows: list[Application]
    next_after: str | None


def _state_clause(state: str):
    if state == "open":
        return text(OPEN_SQL)
    if state == "answered":
        return and_(text("application.state = 'submitted'"), Application.info_answered_at.is_not(None))
    if state == "all":
        return Application.state != "draft"
    return Application.state == state


def _like(value: str) -> str:
    escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search_clause(q: str):
    pattern = _like(q)
    # The domain value only (not the JSON text, whose keys would match too).
    in_services = exists().where(ServiceRequest.application_id == Application.id,
                                 unicode_lower(ServiceRequest.params["domain"].as_string()).like(pattern, escape="\\"))
    return or_(unicode_lower(Application.full_name).like(pattern, escape="\\"),
               unicode_lower(Application.organisation_name).like(pattern, escape="\\"),
               unicode_lower(Application.email).like(pattern, escape="\\"), in_services)


def queue(filters: QueueFilters, page_size: int = PAGE_SIZE) -> QueuePage:
    query = select(Application).where(_state_clause(filters.state), Application.submitted_at.is_not(None))
    if filters.service:
        query = query.where(exists().where(ServiceRequest.application_id == Application.id,
                                           ServiceRequest.kind == filters.service))
    if filters.language:
        query = query.where(Application.language == filters.language)
    if filters.assignee == "none":
        query = query.where(Application.assignee.is_(None))
    elif filters.assignee:
        query = query.where(Application.assignee == filters.assignee)
    if filters.q:
        query = query.where(_search_clause(filters.q))
    if filters.conversation == "waiting":
        query = query.where(welcome.waiting_clause())
    elif filters.conversation == "held":
        query = query.where(welcome.held_clause())
    newest = filters.sort == "newest"
    cursor = params.keyset(filters.after, "after")
    if cursor:
        moment, ident = cursor
        if newest:
            query = query.where(or_(Application.submitted_at < moment,
                                    and_(Application.submitted_at == moment, Application.id < ident)))
        else:
            query = query.where(or_(Application.submitted_at > moment,
                                    and_(Application.submitted_at == moment, Application.id > ident)))
    order = (Application.submitted_at.desc(), Application.id.desc()) if newest else (
        Application.submitted_at, Application.id)
    query = query.order_by(*order).limit(page_size + 1).options(selectinload(Application.service_requests),
                                                                 selectinload(Application.conversation))
    rows = list(db.session.scalars(query))
    next_after = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_after = f"{last.submitted_at.isoformat()}|{last.id}"
    return QueuePage(rows=rows, next_after=next_after)


def counts(me: str, warning_days: int) -> dict[str, int]:
    """How many wait, in the open states only (so the cost follows the queue, not the table's history)."""
    open_rows = select(Application.state, Application.assignee, Application.info_answered_at,
                       Application.submitted_at).where(text(OPEN_SQL)).subquery()
    old_before = utcnow() - timedelta(days=warning_days)
    row = db.session.execute(select(
        func.count(),
        func.count().filter(open_rows.c.state == "submitted"),
        func.count().filter(open_rows.c.state == "needs_info"),
        func.count().filter(and_(open_rows.c.state == "submitted", open_rows.c.info_answered_at.is_not(None))),
        func.count().filter(open_rows.c.assignee == me),
        func.count().filter(open_rows.c.assignee.is_(None)),
        func.count().filter(and_(open_rows.c.state == "submitted", open_rows.c.submitted_at < old_before)),
    ).select_from(open_rows)).one()
    keys = ("open", "submitted", "needs_info", "answered", "mine", "unassigned", "old")
    return dict(zip(keys, row, strict=True))


def detail(application_id: int) -> Application | None:
    return db.session.scalars(select(Application).where(Application.id == application_id).options(
        selectinload(Application.consents).selectinload(Consent.document_version),
        selectinload(Application.service_requests), selectinload(Application.commitment),
        selectinload(Application.motivation), selectinload(Application.conversation),
    )).first()


@dataclass
class HistoryEntry:
    at: datetime
    kind: str  # "event" | "note"
    actor: str
    action: str
    details: dict
    body: str | None = None


def history(application_id: int) -> list[HistoryEntry]:
    """Audit events (decisions, emails sent, submissions) and notes of one application, oldest first."""
    target = f"application:{application_id}"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.target == target).order_by(AuditEvent.id))
    notes = db.session.scalars(select(Note).where(Note.application_id == application_id).order_by(Note.id))
    entries = [HistoryEntry(e.at, "event", e.actor, e.action, e.details or {}) for e in events]
    entries += [HistoryEntry(n.created_at, "note", n.author, "note", {}, n.body) for n in notes]
    return sorted(entries, key=lambda e: e.at)


def oldest_waiting(limit: int = 20, older_than_days: int | None = None) -> list[Application]:
    query = select(Application).where(text("application.state = 'submitted'"))
    if older_than_days is not None:
        query = query.where(Application.submitted_at < utcnow() - timedelta(days=older_than_days))
    return list(db.session.scalars(query.order_by(Application.submitted_at, Application.id).limit(limit)))
