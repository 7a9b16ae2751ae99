"""Console pages for sysadmins: job list and detail (live), health, API tokens, audit log, /metrics."""

from __future__ import annotations

import hmac
from datetime import timedelta

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app import params, queues
from app.auth.access import Role, role_required
from app.console import bp, export, metrics, monitor, queries, services
from app.console.display import job_action_error, job_live_payload, state_labels
from app.console.forms import ActionForm, AuditFilterForm, ExportForm, JobFilterForm, TokenForm
from app.extensions import db, limiter
from app.models import ApiToken, ProvisioningJob, utcnow
from app.models.states import CANCELLABLE_JOB_STATES, FINISHED_JOB_STATES, InvalidTransition


def _cursor(name: str = "before") -> int:
    return params.cursor(request.args.get(name), name)


@bp.app_context_processor
def _worker_banner() -> dict:
    """Staff pages warn when no worker is alive; the public never pays for the Redis round trip."""
    if not getattr(current_user, "is_authenticated", False) or not getattr(current_user, "uid", None):
        return {}
    return {"worker_down": not queues.worker_alive()}


@bp.get("/jobs/")
@role_required(Role.SYSADMINS)
def list_jobs():
    form = JobFilterForm.from_args(request.args)
    page = queries.Page([])
    if form.validate():
        page = queries.list_jobs(form.filters(), _cursor())
    return render_template("console/list.html", form=form, page=page, filters=form.filters(),
                           states=state_labels())


def _job_or_404(job_id: int) -> ProvisioningJob:
    job = db.session.get(ProvisioningJob, job_id)  # the <int:> converter keeps job_id within the column
    if job is None:
        abort(404)
    return job


@bp.get("/jobs/<int:job_id>")
@role_required(Role.SYSADMINS)
def job_detail(job_id: int):
    job = _job_or_404(job_id)
    after = _cursor("after")
    events = queries.events(job.id, after, queries.EVENT_PAGE_SIZE + 1)
    more = len(events) > queries.EVENT_PAGE_SIZE
    events = events[:queries.EVENT_PAGE_SIZE]
    chain = queries.attempt_chain(job)
    return render_template(
        "console/detail.html", job=job, chain=chain, recap=queries.host_recap(job.id),
        events=events, after=after, next_after=events[-1].counter if more else None,
        finished=job.state in FINISHED_JOB_STATES, cancellable=job.state in CANCELLABLE_JOB_STATES,
        relaunchable=services.can_relaunch(job) and chain[-1].id == job.id,
        action_form=ActionForm(), states=state_labels())


@bp.get("/jobs/<int:job_id>/live.json")
@role_required(Role.SYSADMINS)
def job_live(job_id: int):
    """What the job page's script polls: the job's state and the events after `after`."""
    job = _job_or_404(job_id)
    response = jsonify(job_live_payload(job, _cursor("after")))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/jobs/<int:job_id>/stdout.txt")
@role_required(Role.SYSADMINS)
def job_stdout(job_id: int):
    job = _job_or_404(job_id)
    if job.stdout is None:
        abort(404)
    return Response(job.stdout, mimetype="text/plain", headers={
        "Content-Disposition": f"attachment; filename=job-{job.id}-stdout.txt",
        "X-Content-Type-Options": "nosniff"})


def _job_action(job_id: int, action, done_message: str):
    _job_or_404(job_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = action(job_id, current_user.uid)
    except services.JobActionError as refused:
        flash(job_action_error(refused), "error")
        return redirect(url_for("console.job_detail", job_id=job_id), 303)
    except InvalidTransition as exc:  # a service request moved on meanwhile (e.g. support disabled it)
        current_app.logger.info("job %s: %s refused: %s", job_id, action.__name__, exc)
        flash(_("That is not possible any more: the job has moved on. Nothing was changed."), "error")
        return redirect(url_for("console.job_detail", job_id=job_id), 303)
    flash(done_message, "success")
    target = getattr(result, "id", None) or job_id
    return redirect(url_for("console.job_detail", job_id=target), 303)


@bp.post("/jobs/<int:job_id>/cancel")
@role_required(Role.SYSADMINS)
def cancel_job(job_id: int):
    return _job_action(job_id, services.cancel_job, _("Cancel requested. The job stops at its next check."))


@bp.post("/jobs/<int:job_id>/relaunch")
@role_required(Role.SYSADMINS)
def relaunch_job(job_id: int):
    return _job_action(job_id, services.relaunch_job, _("Relaunched: this is the new attempt."))


@bp.get("/jobs/health")
@role_required(Role.SYSADMINS)
def health():
    since = (utcnow() - timedelta(hours=24)).date().isoformat()
    return render_template("console/health.html", health=monitor.health(), failed_since=since)


@bp.get("/jobs/tokens")
@role_required(Role.SYSADMINS)
def api_tokens():
    return _tokens_page(TokenForm())


def _tokens_page(form: TokenForm, raw_token: str | None = None, status: int = 200):
    tokens = db.session.scalars(db.select(ApiToken).order_by(ApiToken.revoked_at.is_not(None),
                                                             ApiToken.id.desc()).limit(200)).all()
    response = Response(render_template("console/tokens.html", form=form, tokens=tokens, raw_token=raw_token,
                                         action_form=ActionForm()), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/jobs/tokens")
@role_required(Role.SYSADMINS)
def create_api_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _tokens_page(form, status=400)
    _, raw = services.create_api_token(current_user.uid, form.name.data)
    # Rendered, not redirected: the raw token must not travel through the session cookie. no-store keeps
    # it out of caches; it is never shown again.
    return _tokens_page(TokenForm(formdata=None), raw_token=raw, status=201)


@bp.post("/jobs/tokens/<int:token_id>/revoke")
@role_required(Role.SYSADMINS)
def revoke_api_token(token_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    if services.revoke_api_token(token_id, current_user.uid):
        flash(_("Token revoked. Anything using it is refused from now on."), "success")
    else:
        flash(_("That token does not exist or was already revoked."), "error")
    return redirect(url_for("console.api_tokens"), 303)


@bp.get("/audit/")
@role_required(Role.SYSADMINS)
def audit_log():
    form = AuditFilterForm.from_args(request.args)
    page = queries.Page([])
    if form.validate():
        page = queries.list_audit(form.filters(), _cursor())
    export_form = ExportForm(formdata=None, obj=None, data=form.data)
    return render_template("console/audit.html", form=form, page=page, filters=form.filters(),
                           export_form=export_form)


@bp.post("/audit/export")
@role_required(Role.SYSADMINS)
def audit_export():
    form = ExportForm()
    if not form.validate_on_submit():
        # `form` carries the errors so that the title starts with "Error:"; it has the filter fields too.
        return render_template("console/audit.html", form=form, page=queries.Page([]),
                               filters=queries.AuditFilters(), export_form=form), 400
    filters = form.filters()
    mimetype, extension, lines = export.FORMATS[form.format.data]
    body = lines(filters)  # builds the query: a filter that cannot be used fails here, before the record
    services.record_export(current_user.uid, form.format.data, filters)
    name = f"alta-audit-{filters.date_from.isoformat()}-{filters.date_to.isoformat()}.{extension}"
    return Response(stream_with_context(body), mimetype=mimetype.split(";")[0],
                    headers={"Content-Disposition": f"attachment; filename={name}", "Cache-Control": "no-store"})


@bp.get("/metrics")
@limiter.exempt
def prometheus_metrics():
    """Public unless METRICS_TOKEN is set (then: Authorization: Bearer <token>). Counts only, no personal data."""
    expected = current_app.config.get("METRICS_TOKEN") or ""
    if expected:
        sent = request.headers.get("Authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {expected}".encode()):
            return Response("unauthorized\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"'},
                            mimetype="text/plain")
    return Response(metrics.render(), mimetype="text/plain; version=0.0.4")


# Marks the one endpoint under the console's blueprint that needs no staff role (see test_access.py).
prometheus_metrics.alta_public = "metrics: counts only; bearer token when METRICS_TOKEN is set"
