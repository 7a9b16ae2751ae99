"""GET-only JSON for applications, members, jobs and job events; described by app/api/openapi.json."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from flask import Response, jsonify, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import params
from app.api import bp
from app.api.tokens import token_required
from app.console import queries
from app.extensions import db, limiter
from app.models import Application, ApplicationState, JobEvent, JobState, Member, ProvisioningJob

OPENAPI = Path(__file__).with_name("openapi.json")
DEFAULT_LIMIT, MAX_LIMIT = 100, 500
MAX_ID = params.MAX_ID
UID = re.compile(r"^[a-z][a-z0-9-]{2,31}$")


def _not_found(what: str):
    return jsonify({"error": f"no such {what}"}), 404


def _page():
    return (params.number(request.args.get("after"), "after", 0, MAX_ID, 0),
            params.number(request.args.get("limit"), "limit", 1, MAX_LIMIT, DEFAULT_LIMIT))


def _listing(rows: list, limit: int, to_dict, endpoint: str, cursor=lambda row: row.id, cursor_name="after",
             **args):
    more = len(rows) > limit
    rows = rows[:limit]
    next_url = url_for(endpoint, **{cursor_name: cursor(rows[-1])}, limit=limit, **args) if more else None
    return jsonify({"data": [to_dict(r) for r in rows], "next": next_url})


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# Applications carry no email address and no token: the API answers "what happened", not "how to reach".
def _application(a: Application) -> dict:
    return {"id": a.id, "state": a.state, "kind": a.kind, "username": a.username, "full_name": a.full_name,
            "organisation_name": a.organisation_name, "country": a.country, "language": a.language,
            "movements": a.movements, "created_at": _iso(a.created_at), "submitted_at": _iso(a.submitted_at),
            "decided_at": _iso(a.decided_at), "decided_by": a.decided_by,
            "services": [{"id": s.id, "kind": s.kind, "state": s.state} for s in a.service_requests]}


def _member(m: Member) -> dict:
    return {"uid": m.uid, "uid_number": m.uid_number, "state": m.state, "application_id": m.application_id,
            "member_since": _iso(m.member_since), "languages": m.languages,
            "password_set": m.password_set_at is not None,
            "services": [{"id": s.id, "kind": s.kind, "state": s.state, "last_error": s.last_error}
                         for s in m.service_requests]}


def _job(j: ProvisioningJob) -> dict:
    return {"id": j.id, "playbook": j.playbook, "state": j.state, "attempt": j.attempt, "parent_id": j.parent_id,
            "requested_by": j.requested_by, "queued_at": _iso(j.queued_at), "started_at": _iso(j.started_at),
            "finished_at": _iso(j.finished_at), "duration": j.duration, "rc": j.rc,
            "cancel_requested": j.cancel_requested, "error": j.error,
            "items": [{"label": i.label, "status": i.status, "service_request_id": i.service_request_id}
                      for i in j.items]}


def _event(e: JobEvent) -> dict:
    return {"counter": e.counter, "event": e.event, "host": e.host, "task": e.task, "item": e.item_label,
            "status": e.status, "changed": e.changed, "duration": e.duration, "created_at": _iso(e.created_at),
            "data": e.data}


@bp.get("/")
@token_required()
def index():
    return jsonify({"applications": url_for("api.applications"), "members": url_for("api.members"),
                    "jobs": url_for("api.jobs"), "openapi": url_for("api.openapi")})


@bp.get("/openapi.json")
@token_required(allow_sysadmin_session=True)
@limiter.exempt
def openapi():
    return Response(OPENAPI.read_text(), mimetype="application/json")


@bp.get("/applications")
@token_required()
def applications():
    after, limit = _page()
    state = params.choice(request.args.get("state"), "state", ApplicationState)
    query = select(Application).options(selectinload(Application.service_requests)).where(Application.id > after)
    if state:
        query = query.where(Application.state == state)
    rows = list(db.session.scalars(query.order_by(Application.id).limit(limit + 1)))
    return _listing(rows, limit, _application, "api.applications", **({"state": state} if state else {}))


@bp.get("/applications/<int:application_id>")
@token_required()
def application(application_id: int):
    row = db.session.get(Application, application_id)  # the <int:> converter keeps ids within the column
    return jsonify(_application(row)) if row else _not_found("application")


@bp.get("/members")
@token_required()
def members():
    after, limit = _page()
    rows = list(db.session.scalars(select(Member).options(selectinload(Member.service_requests))
                                   .where(Member.id > after).order_by(Member.id).limit(limit + 1)))
    return _listing(rows, limit, _member, "api.members")


@bp.get("/members/<uid>")
@token_required()
def member(uid: str):
    row = db.session.scalars(select(Member).where(Member.uid == uid)).first() if UID.match(uid) else None
    return jsonify(_member(row)) if row else _not_found("member")


@bp.get("/jobs")
@token_required()
def jobs():
    before = params.number(request.args.get("before"), "before", 0, MAX_ID, 0)
    limit = params.number(request.args.get("limit"), "limit", 1, MAX_LIMIT, DEFAULT_LIMIT)
    state = params.choice(request.args.get("state"), "state", JobState)
    playbook = params.choice(request.args.get("playbook"), "playbook", queries.playbooks())
    query = select(ProvisioningJob).options(selectinload(ProvisioningJob.items))
    if before:
        query = query.where(ProvisioningJob.id < before)  # newest first, as in the console
    if state:
        query = query.where(ProvisioningJob.state == state)
    if playbook:
        query = query.where(ProvisioningJob.playbook == playbook)
    rows = list(db.session.scalars(query.order_by(ProvisioningJob.id.desc()).limit(limit + 1)))
    args = {k: v for k, v in (("state", state), ("playbook", playbook)) if v}
    return _listing(rows, limit, _job, "api.jobs", cursor_name="before", **args)


@bp.get("/jobs/<int:job_id>")
@token_required()
def job(job_id: int):
    row = db.session.get(ProvisioningJob, job_id)
    return jsonify(_job(row)) if row else _not_found("job")


@bp.get("/jobs/<int:job_id>/events")
@token_required()
def job_events(job_id: int):
    after, limit = _page()
    if db.session.get(ProvisioningJob, job_id) is None:
        return _not_found("job")
    rows = queries.events(job_id, after, limit + 1)
    return _listing(rows, limit, _event, "api.job_events", cursor=lambda e: e.counter, job_id=job_id)


