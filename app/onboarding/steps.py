"""Views of the wizard's later steps: the three documents, commitments, services, check and submit."""

from __future__ import annotations

from functools import lru_cache

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from app import documents
from app.audit import client_ip
from app.i18n import current_language
from app.onboarding import bp, labels, sections, services, summary, tokens
from app.onboarding.forms import (
    CommitmentsForm,
    ConsentForm,
    ResubmitForm,
    ServicesForm,
    WhyForm,
    check_services,
    flat_errors,
)
from app.onboarding.session import (
    after_save,
    current_application,
    guard,
    section_url,
    see_other,
    status_redirect,
    wizard_step,
)
from app.onboarding.views import ERRORS
from app.review import welcome


@lru_cache(maxsize=64)
def _rendered(body: str) -> Markup:
    # A pure function of an immutable published text, so caching it per process shares no state; it saves
    # the Markdown conversion (the costliest part of a document page) on every view.
    return documents.render(body)


def _shown_version(kind: str):
    version = documents.current(kind, current_language()) or documents.current(kind, "en")
    if version is None:
        abort(503)
    return version


@bp.route("/join/documents/<kind>", methods=["GET", "POST"])
def document(kind: str):
    if kind not in sections.DOCUMENTS:
        abort(404)
    application, refusal = guard(kind)
    if refusal:
        return refusal
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            services.accept_document(application, kind, version_id=int(form.document_version_id.data),
                                     language=form.language.data, sha256_shown=form.sha256.data, ip=client_ip(),
                                     user_agent=request.headers.get("User-Agent"))
        except ValueError:
            abort(400)
        except services.OnboardingError as error:
            if error.code != "stale_document":
                flash(str(ERRORS[error.code]), "error")
                return status_redirect(application)
            form.accept.errors = [str(ERRORS["stale_document"])]
        else:
            return after_save(application)
    version = _shown_version(kind)
    # The page carries the id and hash of exactly the version rendered; the POST is checked against them.
    form.document_version_id.data = str(version.id)
    form.language.data = version.language
    form.sha256.data = version.sha256
    accepted = next((c for c in application.consents if c.document_version_id == version.id), None)
    return render_template("onboarding/document.html", form=form, kind=kind, version=version,
                           body=_rendered(version.body), accepted=accepted,
                           title=labels.SECTIONS[kind], back_link=_previous_section(kind))


def _previous_section(section: str) -> str | None:
    index = sections.ORDER.index(section)
    return section_url(sections.ORDER[index - 1]) if index else None


def _save_for_later(application, section: str):
    # CSRF was checked for every POST already (CSRFProtect); the answers are kept unchecked as a draft.
    services.save_draft(application, section, request.form.to_dict(flat=False))
    flash(_("Your answers are saved. Come back with the link we emailed you, on any device."), "success")
    return see_other("onboarding.tasks")


def _draft_formdata(application, section: str) -> dict:
    """On a GET, a saved draft fills the form; otherwise the form reads the request (POST) or the data."""
    saved = services.draft(application, section) if request.method == "GET" else None
    if not saved:
        return {}
    return {"formdata": MultiDict([(key, value) for key, values in saved.items() for value in values])}


@bp.route("/join/why", methods=["GET", "POST"])
@wizard_step("why")
def why(application):
    if "later" in request.form:
        return _save_for_later(application, "why")
    required = welcome.required_for(application)
    saved = summary.why_data(application) if request.method == "GET" else {}
    form = WhyForm(**_draft_formdata(application, "why"), data=saved or None, conversation_required=required)
    if form.validate_on_submit():
        services.save_motivation(application, services.Why(
            values=form.values.data, hopes=form.hopes.data, came_from=form.came_from.data,
            came_from_other=form.came_from_other.data, wants_conversation=form.wants,
            conversation_language=form.conversation_language.data,
            conversation_medium=form.conversation_medium.data, phone=form.phone.data,
            availability=form.availability.data))
        return after_save(application)
    return render_template("onboarding/why.html", form=form, errors=flat_errors(form), required=required,
                           labels=labels, back_link=_previous_section("why"))


@bp.route("/join/commitments", methods=["GET", "POST"])
@wizard_step("commitments")
def commitments(application):
    if "later" in request.form:
        return _save_for_later(application, "commitments")
    saved = summary.commitments_data(application) if request.method == "GET" else {}
    form = CommitmentsForm(**_draft_formdata(application, "commitments"), data=saved or None,
                           kind=application.kind)
    if form.validate_on_submit():
        dues = services.parse_dues(form.dues.data, form.other_amount.data, form.other_currency.data,
                                   form.waiver_reason.data)
        services.save_commitments(application, dues=dues, hours_per_month=form.hours_per_month.data,
                                  working_groups=form.working_groups.data, movements=form.movements.data,
                                  movements_other=form.movements_other.data, work_reason=form.work_reason.data)
        return after_save(application)
    if saved and saved.get("dues") not in dict(form.dues.choices):
        form.dues.data = "other"
    return render_template("onboarding/commitments.html", form=form, errors=flat_errors(form),
                           back_link=_previous_section("commitments"))


@bp.route("/join/services", methods=["GET", "POST"], endpoint="services")
@wizard_step("services")
def services_page(application):
    if "later" in request.form:
        return _save_for_later(application, "services")
    form = ServicesForm(**_draft_formdata(application, "services"),
                        data=summary.services_data(application) if request.method == "GET" else None)
    if form.validate_on_submit():
        requests = check_services(form)
        if requests is not None:
            try:
                services.save_services(application, username=form.username.data.strip(), requests=requests)
            except services.OnboardingError as error:
                form.username.errors = [str(ERRORS[error.code])]
            else:
                return after_save(application)
    return render_template("onboarding/services.html", form=form, errors=flat_errors(form),
                           back_link=_previous_section("services"))


@bp.get("/join/check")
@wizard_step("check")
def check(application):
    return render_template("onboarding/check.html", application=application, rows=summary.rows(application),
                           form=ResubmitForm(formdata=None), section_url=section_url)


@bp.post("/join/submit")
@wizard_step("check")
def submit(application):
    form = ResubmitForm()
    if not form.validate_on_submit():
        return render_template("onboarding/check.html", application=application,
                               rows=summary.rows(application), form=form, section_url=section_url)
    try:
        services.submit(application, reply=form.reply.data)
    except services.OnboardingError as error:
        flash(str(ERRORS[error.code]), "error")
        return see_other("onboarding.tasks") if error.code != "not_editable" else status_redirect(application)
    return see_other("onboarding.sent")


@bp.get("/join/sent")
def sent():
    application = current_application()
    if application is None:
        return see_other("onboarding.start")
    token = tokens.token_for(application)
    return render_template("onboarding/sent.html", application=application,
                           status_url=url_for("onboarding.status", token=token) if token else None)


