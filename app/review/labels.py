"""Translated words of the review pages: states, services, actions in the history, refusal messages."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.labels import DOCUMENTS, MOVEMENTS, SERVICES, WORKING_GROUPS, label, value_label  # noqa: F401 - shared

STATES = {
    "draft": _l("Draft"), "submitted": _l("Waiting for review"), "needs_info": _l("Waiting for the applicant"),
    "approved": _l("Approved"), "rejected": _l("Rejected"), "withdrawn": _l("Withdrawn"),
    "expired": _l("Expired draft"),
}

STATE_FILTERS = {
    "open": _l("Open"), "submitted": _l("Waiting for review"), "answered": _l("Answered"),
    "needs_info": _l("Waiting for the applicant"), "approved": _l("Approved"), "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"), "all": _l("All"),
}

LANGUAGES = {"en": _l("English"), "es": _l("Spanish")}
KINDS = {"individual": _l("Person"), "organisation": _l("Organisation")}
SORTS = {"oldest": _l("Oldest first"), "newest": _l("Newest first")}

ACTIONS = {
    "application.submitted": _l("Sent the application"),
    "application.resubmitted": _l("Answered and sent again"),
    "application.approved": _l("Approved"),
    "application.rejected": _l("Rejected"),
    "application.info_requested": _l("Asked for more information"),
    "application.rejection_undone": _l("Undid the rejection"),
    "application.note_added": _l("Added a note"),
    "application.assigned": _l("Changed the assignment"),
    "application.withdrawn": _l("Withdrew the application"),
    "application.draft_reminded": _l("Reminded that the draft will expire"),
    "application.expired": _l("Draft expired: not finished in time"),
    "application.motivation_saved": _l("Said why they are joining"),
    "application.conversation_proposed": _l("Proposed times for a welcome conversation"),
    "application.conversation_confirmed": _l("Confirmed a time for the welcome conversation"),
    "application.conversation_recorded": _l("Recorded the welcome conversation"),
    "mail.sent": _l("Email sent"),
    "note": _l("Note"),
}


def review_error(error) -> str:
    """The reviewer-facing message for a refused decision."""
    code, info = error.code, error.info
    if code == "already_decided":
        return _("This application was already decided by %(uid)s.", uid=info.get("by", "?"))
    if code == "wrong_state":
        return _("This application is not waiting for that decision (it is: %(state)s).",
                 state=STATES.get(info.get("state"), info.get("state")))
    if code == "undo_window_passed":
        return _("A rejection can only be undone within %(hours)s hours.", hours=int(info.get("hours", 0)))
    if code == "not_a_reviewer":
        return _("%(uid)s is not a member of the support team.", uid=info.get("uid", ""))
    messages = {
        "not_found": _("There is no such application."),
        "reason_required": _("Enter the reason: the applicant will read it."),
        "question_required": _("Enter your question for the applicant."),
        "note_required": _("Enter the note."),
        "too_long": _("That text is too long."),
        "no_username": _("This application has no username: ask the applicant for one first."),
        "directory_unavailable": _("The directory is not reachable right now. Try again in a few minutes."),
        "conversation_required": _("A welcome conversation must be held and recorded before this application "
                                   "can be approved (the cooperative's policy). Record it below first."),
    }
    return messages.get(code, _("That did not work. Try again."))


CONVERSATION_FILTERS = {"": _l("Any"), "waiting": _l("Waiting for a conversation"),
                        "held": _l("Conversation held")}
CONVERSATION_STAGES = {"none": _l("Not proposed yet"), "proposed": _l("Times proposed, waiting for the applicant"),
                       "scheduled": _l("Time confirmed"), "held": _l("Held")}


def welcome_error(error) -> str:
    """The reviewer-facing message for a refused conversation step."""
    code, info = error.code, error.info
    if code == "too_many_times":
        return _("Propose at most %(max)s times.", max=info.get("max", 3))
    if code == "time_far":
        return _("Propose times within the next %(days)s days.", days=info.get("days", 120))
    if code == "not_open":
        return _("This application is not waiting for review (it is: %(state)s).",
                 state=STATES.get(info.get("state"), info.get("state")))
    messages = {
        "not_found": _("There is no such application."),
        "bad_timezone": _("Choose one of the time zones in the list."),
        "no_times": _("Enter at least one date and time."),
        "time_past": _("Propose times that have not passed yet."),
        "already_held": _("The conversation was already held and recorded."),
        "held_future": _("The date of the conversation cannot be in the future."),
        "held_too_old": _("Enter a date within the last year."),
        "held_with_required": _("Enter who from the cooperative took part."),
        "too_long": _("That text is too long."),
    }
    return messages.get(code, _("That did not work. Try again."))


def resolved() -> dict[str, dict[str, str]]:
    """The row labels translated once per page (a lazy string per table cell costs a catalogue look-up)."""
    return {"states": {k: str(v) for k, v in STATES.items()}, "services": {k: str(v) for k, v in SERVICES.items()},
            "kinds": {k: str(v) for k, v in KINDS.items()}}
