"""Every state machine of alta, with its allowed transitions written down once and checked here."""

from __future__ import annotations

from enum import StrEnum

from app.refusals import Refused


class InvalidTransition(Refused, ValueError):
    """A state change its machine does not allow: usually a race lost to another action (a view says so)."""

    def __init__(self, kind: str, current: str, target: str):
        super().__init__("invalid_transition", machine=kind, current=current, target=target)
        self.current, self.target = current, target


class ApplicationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    NEEDS_INFO = "needs_info"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"  # a draft left unsaved for DRAFT_EXPIRY_DAYS (app/onboarding/drafts.py)


OPEN_APPLICATION_STATES = (ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.NEEDS_INFO)
# At most one application in these per (folded) email address: a unique partial index.
DRAFT_STATES = (ApplicationState.DRAFT,)
# Waiting for support: the review queue's default view and its partial index.
AWAITING_REVIEW_STATES = (ApplicationState.SUBMITTED, ApplicationState.NEEDS_INFO)
# An application in one of these keeps its chosen username from anyone else (a unique partial index).
USERNAME_HELD_STATES = (ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.NEEDS_INFO,
                        ApplicationState.APPROVED)

APPLICATION_TRANSITIONS: dict[ApplicationState, set[ApplicationState]] = {
    ApplicationState.DRAFT: {ApplicationState.SUBMITTED, ApplicationState.WITHDRAWN, ApplicationState.EXPIRED},
    ApplicationState.SUBMITTED: {
        ApplicationState.NEEDS_INFO, ApplicationState.APPROVED, ApplicationState.REJECTED,
        ApplicationState.WITHDRAWN,
    },
    ApplicationState.NEEDS_INFO: {ApplicationState.SUBMITTED, ApplicationState.WITHDRAWN},
    ApplicationState.APPROVED: set(),
    # Undoing a rejection (within the configured window) reopens it for review.
    ApplicationState.REJECTED: {ApplicationState.SUBMITTED},
    ApplicationState.WITHDRAWN: set(),
    ApplicationState.EXPIRED: set(),
}


class ServiceState(StrEnum):
    REQUESTED = "requested"
    QUEUED = "queued"
    ACTIVE = "active"
    FAILED = "failed"
    DISABLED = "disabled"


SERVICE_TRANSITIONS: dict[ServiceState, set[ServiceState]] = {
    ServiceState.REQUESTED: {ServiceState.QUEUED},
    # A job run with state "disabled" (support disabled the member) ends the request in DISABLED.
    ServiceState.QUEUED: {ServiceState.ACTIVE, ServiceState.FAILED, ServiceState.DISABLED},
    ServiceState.ACTIVE: {ServiceState.QUEUED, ServiceState.DISABLED},
    ServiceState.FAILED: {ServiceState.QUEUED},
    ServiceState.DISABLED: {ServiceState.QUEUED},
}


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCESSFUL = "successful"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CANCELED = "canceled"
    LOST = "lost"


FINISHED_JOB_STATES = (JobState.SUCCESSFUL, JobState.FAILED, JobState.TIMEOUT, JobState.CANCELED, JobState.LOST)
# A sysadmin may cancel a job in these (a queued one at once; a running one is asked to stop).
CANCELLABLE_JOB_STATES = (JobState.QUEUED, JobState.RUNNING)
# A new attempt may be started for a job that ended in these (and for a successful one with failed items).
RELAUNCHABLE_JOB_STATES = (JobState.FAILED, JobState.TIMEOUT, JobState.CANCELED, JobState.LOST)
# Counted as failures in the console's health page ("failed in the last 24 hours").
UNSUCCESSFUL_JOB_STATES = (JobState.FAILED, JobState.TIMEOUT, JobState.LOST)

JOB_TRANSITIONS: dict[JobState, set[JobState]] = {
    JobState.QUEUED: {JobState.RUNNING, JobState.CANCELED},
    # Back to QUEUED only when a stopping worker releases the job (it is pushed again to RQ).
    JobState.RUNNING: {JobState.SUCCESSFUL, JobState.FAILED, JobState.TIMEOUT, JobState.CANCELED, JobState.LOST,
                       JobState.QUEUED},
    JobState.SUCCESSFUL: set(),
    JobState.FAILED: set(),
    JobState.TIMEOUT: set(),
    JobState.CANCELED: set(),
    JobState.LOST: set(),
}



class ItemStatus(StrEnum):
    """One service request's result within a job, derived from the run's events."""

    PENDING = "pending"
    OK = "ok"
    FAILED = "failed"


ITEM_TRANSITIONS: dict[ItemStatus, set[ItemStatus]] = {
    ItemStatus.PENDING: {ItemStatus.OK, ItemStatus.FAILED},
    # A job handed back by a stopping worker runs again from the start: its items are pending again.
    ItemStatus.OK: {ItemStatus.PENDING},
    ItemStatus.FAILED: {ItemStatus.PENDING},
}


class MemberState(StrEnum):
    """A member's standing with the cooperative (DESIGN.md adds suspended for dues and left later)."""

    ACTIVE = "active"
    DISABLED = "disabled"  # support switched the member's services off
    SUSPENDED = "suspended"  # for dues, by a person after a recorded contact (app/dues/)
    LEFT = "left"  # the member left; their notice period is over, services off and entry locked


MEMBER_TRANSITIONS: dict[MemberState, set[MemberState]] = {
    MemberState.ACTIVE: {MemberState.DISABLED, MemberState.SUSPENDED, MemberState.LEFT},
    MemberState.DISABLED: {MemberState.ACTIVE, MemberState.LEFT},
    # A payment or a waiver restores a suspended member (and only a suspended one: not one support disabled).
    MemberState.SUSPENDED: {MemberState.ACTIVE, MemberState.LEFT},
    # Coming back after leaving is a new application (the documents are accepted again).
    MemberState.LEFT: set(),
}

class DuesStanding(StrEnum):
    """Where a member stands on dues, moved by the daily `dues run` (never to suspended: a person does that)."""

    CURRENT = "current"
    DUE_SOON = "due_soon"  # within the notice period before the paid-up date
    GRACE = "grace"  # past it, within the grace period
    AT_RISK = "at_risk"  # past the grace period: support gets in touch
    SUSPENDED = "suspended"  # support suspended the member after a recorded contact
    WAIVED = "waived"  # support granted a waiver: counts as current


DUES_TRANSITIONS: dict[DuesStanding, set[DuesStanding]] = {
    DuesStanding.CURRENT: {DuesStanding.DUE_SOON, DuesStanding.GRACE, DuesStanding.AT_RISK, DuesStanding.WAIVED},
    DuesStanding.DUE_SOON: {DuesStanding.CURRENT, DuesStanding.GRACE, DuesStanding.AT_RISK, DuesStanding.WAIVED},
    DuesStanding.GRACE: {DuesStanding.CURRENT, DuesStanding.DUE_SOON, DuesStanding.AT_RISK, DuesStanding.WAIVED},
    DuesStanding.AT_RISK: {DuesStanding.CURRENT, DuesStanding.DUE_SOON, DuesStanding.GRACE, DuesStanding.SUSPENDED,
                           DuesStanding.WAIVED},
    DuesStanding.SUSPENDED: {DuesStanding.CURRENT, DuesStanding.DUE_SOON, DuesStanding.WAIVED},
    DuesStanding.WAIVED: {DuesStanding.CURRENT, DuesStanding.DUE_SOON},
}
# The daily run moves members among these; it never touches suspended or waived ones.
RUN_MOVES_STANDINGS = (DuesStanding.CURRENT, DuesStanding.DUE_SOON, DuesStanding.GRACE, DuesStanding.AT_RISK)


class ConsentRequestState(StrEnum):
    """A member's answer to a re-consent campaign. Not answering never touches anyone's services."""

    OPEN = "open"
    ACCEPTED = "accepted"
    CONCERNS = "concerns"  # the member wrote to support; they may still accept later


CONSENT_REQUEST_TRANSITIONS: dict[ConsentRequestState, set[ConsentRequestState]] = {
    ConsentRequestState.OPEN: {ConsentRequestState.ACCEPTED, ConsentRequestState.CONCERNS},
    ConsentRequestState.CONCERNS: {ConsentRequestState.ACCEPTED},
    ConsentRequestState.ACCEPTED: set(),
}

_TABLES = {
    ApplicationState: APPLICATION_TRANSITIONS,
    ServiceState: SERVICE_TRANSITIONS,
    JobState: JOB_TRANSITIONS,
    ItemStatus: ITEM_TRANSITIONS,
    MemberState: MEMBER_TRANSITIONS,
    DuesStanding: DUES_TRANSITIONS,
    ConsentRequestState: CONSENT_REQUEST_TRANSITIONS,
}


def sql_in(column: str, states: tuple[StrEnum, ...]) -> str:
    """`column IN ('a', 'b')` as literal SQL, for partial indexes and the queries that must match them."""
    return f"{column} IN ({', '.join(repr(str(s)) for s in states)})"


def check_transition(current: StrEnum | str, target: StrEnum) -> None:
    """Raise InvalidTransition unless current → target is allowed for target's machine."""
    machine = type(target)
    table = _TABLES[machine]
    if target not in table[machine(current)]:
        raise InvalidTransition(machine.__name__, str(current), str(target))


def allowed_from(target: StrEnum) -> list[str]:
    """The states from which target may be reached: for conditional UPDATE … WHERE state IN (…)."""
    machine = type(target)
    return [str(s) for s, nexts in _TABLES[machine].items() if target in nexts]
