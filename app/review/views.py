"""Views of the review queue: load, validate, call one service, flash, redirect 303."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app import documents, regions
from app.auth.access import Role, role_required
from app.extensions import db
from app.members import services as member_services
from app.models import DocumentVersion, Member, utcnow
from app.onboarding import summary
from app.review import bp, labels, queries, services, welcome
from app.review.forms import (
    ApproveForm,
    AssignForm,
    BulkApproveForm,
    InfoForm,
    MemberSwitchForm,
    NoteForm,
    ProposeForm,
    RecordForm,
    RejectForm,
    UndoForm,
)


def _see(application_id: int, anchor: str = ""):
    return redirect(url_for("review.detail", application_id=application_id) + anchor, 303)


@bp.get("/")
@role_required(Role.SUPPORT)
def queue():
    filters = queries.QueueFilters.from_args(request.args, current_user.uid)
    days = int(current_app.config["REVIEW_AGE_WARNING_DAYS"])
    page = queries.queue(filters)
    return render_template("review/queue.html", filters=filters, page=page, now=utcnow(), warning_days=days,
                           counts=queries.counts(current_user.uid, days), bulk_form=BulkApproveForm(),
                           labels=labels, names=labels.resolved())


def _detail_page(application_id: int, failed=None, **forms):
    application = queries.detail(application_id)
    if application is None:
        abort(404)
    undo_until = None
    if application.state == "rejected" and application.decided_at:
        undo_until = application.decided_at + timedelta(hours=float(current_app.config["UNDO_REJECTION_HOURS"]))
        if undo_until < utcnow():
            undo_until = None
    context = {
        "approve_form": ApproveForm(), "reject_form": RejectForm(), "info_form": InfoForm(),
        "undo_form": UndoForm(), "note_form": NoteForm(), "assign_form": AssignForm(),
        "switch_form": MemberSwitchForm(), "propose_form": ProposeForm(formdata=None),
        "record_form": RecordForm(formdata=None, data={"language": application.language,
                                                       "held_on": utcnow().date()}),
    }
    context.update(forms)
    status = 200
    if failed is not None:
        context["form"] = failed  # the layout titles the page "Error: …"
        status = 200  # as the other forms of the site: the page again, with the errors
    return render_template("review/detail.html", application=application, history=queries.history(application_id),
                           member=_member_of(application_id), welcome=welcome, summary=summary, regions=regions,
                           conversation_required=welcome.required_for(application),
                           undo_until=undo_until, now=utcnow(), labels=labels,
                           warning_days=int(current_app.config["REVIEW_AGE_WARNING_DAYS"]), **context), status


def _member_of(application_id: int) -> Member | None:
    return db.session.scalar(db.select(Member).where(Member.application_id == application_id))


@bp.get("/<int:application_id>")
@role_required(Role.SUPPORT)
def detail(application_id: int):
    return _detail_page(application_id)


@bp.get("/documents/<int:version_id>")
@role_required(Role.SUPPORT)
def document(version_id: int):
    version = db.session.get(DocumentVersion, version_id)
    if version is None:
        abort(404)
    return render_template("review/document.html", version=version, rendered=documents.render(version.body))


def _refused(error: services.ReviewError, application_id: int):
    flash(labels.review_error(error), "error")
    return _see(application_id)


def _decide(application_id: int, form, form_name: str, action, done_message: str):
    if not form.validate_on_submit():
        return _detail_page(application_id, failed=form, **{form_name: form})
    try:
        action()
    except services.ReviewError as error:
        return _refused(error, application_id)
    flash(done_message, "success")
    return _see(application_id)


@bp.post("/<int:application_id>/approve")
@role_required(Role.SUPPORT)
def approve(application_id: int):
    form = ApproveForm()
    return _decide(application_id, form, "approve_form",
                   lambda: services.approve(application_id, current_user.uid, form.reason.data),
                   _("Approved. The member's services are being set up."))


@bp.post("/<int:application_id>/reject")
@role_required(Role.SUPPORT)
def reject(application_id: int):
    form = RejectForm()
    return _decide(application_id, form, "reject_form",
                   lambda: services.reject(application_id, current_user.uid, form.reason.data),
                   _("Rejected. The applicant has been told the reason."))


@bp.post("/<int:application_id>/ask")
@role_required(Role.SUPPORT)
def ask(application_id: int):
    form = InfoForm()
    return _decide(application_id, form, "info_form",
                   lambda: services.ask_for_information(application_id, current_user.uid, form.question.data),
                   _("Question sent. The application waits for the applicant's answer."))


@bp.post("/<int:application_id>/undo")
@role_required(Role.SUPPORT)
def undo(application_id: int):
    form = UndoForm()
    return _decide(application_id, form, "undo_form",
                   lambda: services.undo_rejection(application_id, current_user.uid, form.reason.data),
                   _("The rejection is undone: the application is back in the queue."))


@bp.post("/<int:application_id>/notes")
@role_required(Role.SUPPORT)
def add_note(application_id: int):
    form = NoteForm()
    return _decide(application_id, form, "note_form",
                   lambda: services.add_note(application_id, current_user.uid, form.body.data),
                   _("Note added."))


@bp.post("/<int:application_id>/assign")
@role_required(Role.SUPPORT)
def assign(application_id: int):
    form = AssignForm()
    to_me = request.form.get("to") == "me"
    return _decide(application_id, form, "assign_form",
                   lambda: services.assign(application_id, current_user.uid,
                                           current_user.uid if to_me else form.assignee.data),
                   _("Assignment saved."))


@bp.post("/bulk-approve")
@role_required(Role.SUPPORT)
def bulk_approve():
    form = BulkApproveForm()
    back = redirect(url_for("review.queue", **request.args), 303)
    if not form.validate_on_submit():
        flash(_("Select at least one application."), "error")
        return back
    result = services.bulk_approve(form.application_id.data, current_user.uid)
    if result.approved:
        flash(ngettext("%(num)d application approved.", "%(num)d applications approved.", len(result.approved)),
              "success")
    for application_id, error in sorted(result.refused.items()):
        flash(_("Application %(id)s: %(why)s", id=application_id, why=labels.review_error(error)), "error")
    return back


@bp.post("/<int:application_id>/conversation/propose")
@role_required(Role.SUPPORT)
def propose_conversation(application_id: int):
    form = ProposeForm()
    if not form.validate_on_submit():
        return _detail_page(application_id, failed=form, propose_form=form)
    place = welcome.zone(form.timezone.data)
    try:
        welcome.propose(application_id, current_user.uid, [t.replace(tzinfo=place) for t in form.times()],
                        form.timezone.data)
    except welcome.WelcomeError as error:
        flash(labels.welcome_error(error), "error")
        return _see(application_id, "#conversation")
    flash(_("Times proposed. The applicant has been emailed and chooses one on their status page."), "success")
    return _see(application_id, "#conversation")


@bp.post("/<int:application_id>/conversation/record")
@role_required(Role.SUPPORT)
def record_conversation(application_id: int):
    form = RecordForm()
    if not form.validate_on_submit():
        return _detail_page(application_id, failed=form, record_form=form)
    try:
        welcome.record(application_id, current_user.uid, held_on=form.held_on.data, held_with=form.held_with.data,
                       language=form.language.data, notes=form.notes.data, questions=form.questions.data)
    except welcome.WelcomeError as error:
        flash(labels.welcome_error(error), "error")
        return _see(application_id, "#conversation")
    flash(_("The conversation is recorded."), "success")
    return _see(application_id, "#conversation")


def _switch_member(application_id: int, action, done_message: str):
    """Disable or re-enable the services of the application's member (support decision, audited)."""
    member = _member_of(application_id)
    if member is None:
        abort(404)
    form = MemberSwitchForm()
    if not form.validate_on_submit():
        return _detail_page(application_id, failed=form, switch_form=form)
    try:
        action(member.id, current_user.uid, form.reason.data)
    except member_services.MemberStateError as exc:
        if exc.code == "busy":
            flash(_("The member's services are still being set up or switched; try again once their jobs "
                    "have finished. Nothing changed."), "error")
        else:
            flash(_("The member's services were already switched that way; nothing changed."), "error")
        return _see(application_id, "#member")
    flash(done_message, "success")
    return _see(application_id, "#member")


@bp.post("/<int:application_id>/member/disable")
@role_required(Role.SUPPORT)
def disable_member(application_id: int):
    return _switch_member(application_id, member_services.disable_member,
                          _("The member's services are being switched off."))


@bp.post("/<int:application_id>/member/enable")
@role_required(Role.SUPPORT)
def enable_member(application_id: int):
    return _switch_member(application_id, member_services.enable_member,
                          _("The member's services are being switched back on."))
