"""The wizard's sections in order, and which of them a person may open: no step is skipped by URL."""

from __future__ import annotations

from app.models import Application, ApplicationState

ORDER = ("about", "unity", "agreement", "intentionality", "why", "commitments", "services")
DOCUMENTS = ("unity", "agreement", "intentionality")
EDITABLE_STATES = (ApplicationState.DRAFT, ApplicationState.NEEDS_INFO)


def is_done(application: Application, section: str) -> bool:
    return (application.progress or {}).get(section) is True


def all_done(application: Application) -> bool:
    return all(is_done(application, s) for s in ORDER)


def first_missing(application: Application) -> str | None:
    return next((s for s in ORDER if not is_done(application, s)), None)


def may_open(application: Application, section: str) -> bool:
    """A section opens once every section before it is done; the check page once all are."""
    if section == "check":
        return all_done(application)
    before = ORDER[: ORDER.index(section)]
    return all(is_done(application, s) for s in before)


def states(application: Application) -> list[tuple[str, str]]:
    """(section, done | in-progress | not-started | locked) for the task list."""
    out = []
    for section in (*ORDER, "check"):
        if section != "check" and is_done(application, section):
            state = "done"
        elif not may_open(application, section):
            state = "locked"
        elif (application.progress or {}).get(section) == "started":
            state = "in-progress"
        else:
            state = "not-started"
        out.append((section, state))
    return out


def is_editable(application: Application) -> bool:
    return application.state in EDITABLE_STATES
