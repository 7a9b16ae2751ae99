"""How the console shows jobs: translated state names, durations, times, and the live page's JSON."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.console import bp, queries
from app.models import JobState, ProvisioningJob
from app.models.states import FINISHED_JOB_STATES

STATE_LABELS = {
    JobState.QUEUED: _l("queued"), JobState.RUNNING: _l("running"), JobState.SUCCESSFUL: _l("successful"),
    JobState.FAILED: _l("failed"), JobState.TIMEOUT: _l("timed out"), JobState.CANCELED: _l("canceled"),
    JobState.LOST: _l("lost"),
}


JOB_ACTION_ERRORS = {
    "not_found": _l("There is no such job."),
    "not_cancellable": _l("Only a queued or running job can be canceled."),
    "not_ended": _l("A job can be relaunched only once it has ended."),
    "nothing_to_relaunch": _l("Every item of this job succeeded: there is nothing to relaunch."),
    "already_relaunched": _l("This job was already relaunched; relaunch its latest attempt instead."),
}


def job_action_error(refused) -> str:
    """The sysadmin-facing message for a refused cancel or relaunch (provisioning.services.JobActionError)."""
    return str(JOB_ACTION_ERRORS.get(refused.code, _l("That did not work. Try again.")))


def state_labels() -> dict[str, str]:
    return {str(k): str(v) for k, v in STATE_LABELS.items()}


@bp.app_template_filter("jobs_duration")
def duration(seconds: float | timedelta | None) -> str:
    if seconds is None:
        return "–"
    if isinstance(seconds, timedelta):
        seconds = seconds.total_seconds()
    seconds = max(0.0, float(seconds))
    if seconds < 10:
        return _("%(n).1f s", n=seconds)
    whole = int(round(seconds))
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h", d=days, h=hours)
    if hours:
        return _("%(h)d h %(m)d min", h=hours, m=minutes)
    if minutes:
        return _("%(m)d min %(s)d s", m=minutes, s=secs)
    return _("%(s)d s", s=secs)


@bp.app_template_filter("jobs_time")
def utc_time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "–"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def event_dict(event) -> dict:
    return {"counter": event.counter, "event": event.event, "task": event.task, "host": event.host,
            "item": event.item_label, "status": event.status, "changed": event.changed,
            "duration": event.duration, "duration_text": duration(event.duration) if event.duration else "",
            "at": _iso(event.created_at)}


def job_live_payload(job: ProvisioningJob, after: int) -> dict:
    """The job's header and the events after `after` (at most one page; the script asks again)."""
    finished = job.state in FINISHED_JOB_STATES
    events = queries.events(job.id, after)
    payload = {
        "id": job.id, "state": job.state, "state_label": state_labels().get(job.state, job.state),
        "finished": finished, "rc": job.rc, "started_at": utc_time(job.started_at),
        "finished_at": utc_time(job.finished_at), "duration": duration(job.duration), "worker": job.worker or "–",
        "cancel_requested": job.cancel_requested, "events": [event_dict(e) for e in events],
        "more": len(events) == queries.EVENT_PAGE_SIZE,
        "items": [{"label": i.label, "status": i.status} for i in job.items],
    }
    if finished:
        payload["recap"] = queries.host_recap(job.id)
    return payload
