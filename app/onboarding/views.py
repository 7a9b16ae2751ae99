"""Views of the join wizard's first steps: start, verify, resume, task list, about you."""

from __future__ import annotations

import time

from flask import current_app, flash, render_template, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.extensions import limiter
from app.onboarding import bp, labels, sections, services, tokens
from app.onboarding.forms import ConfirmForm, StartForm
from app.onboarding.session import (
    TYPED_ANSWERS_KEY,
    after_save,
    current_application,
    remember,
    section_url,
    see_other,
    status_redirect,
    wizard_step,
)
from app.ratekeys import keyed

ERRORS = {
    "not_editable": _l("Your application has been sent, so it cannot be changed here."),
    "stale_document": _l("This document changed after you opened the page. Read the current text below and "
                         "accept it again."),
    "username_taken": _l("That username is already taken. Choose another one"),
    "incomplete": _l("Some sections are not finished yet. Finish them, then send your application."),
    "unverified": _l("Confirm your email address first: open the link we emailed you. You can ask for a new "
                     "link below."),
    "email_has_draft": _l("Another application that is not sent yet uses this email address. Use a different "
                          "address, or continue that application with the link we emailed to it."),
}

ABOUT_FIELDS = ("email", "full_name", "kind", "organisation_name", "contact_person", "organisation_size",
                "country", "region", "language")


def _form_clock() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="join-start-clock")


def _clock_issued(value: str | None) -> float | None:
    """When the start form carrying this signed value was first served, or None if it is not ours."""
    try:
        _value, issued = _form_clock().loads(value or "", max_age=86400, return_timestamp=True)
    except BadSignature:
        return None
    return issued.timestamp()


def _filled_too_fast(form: StartForm) -> bool:
    """Bots send the first form within a second or two of fetching it; people take longer."""
    minimum = float(current_app.config["MIN_FORM_SECONDS"])
    if minimum <= 0:
        return False
    issued = _clock_issued(form.started.data)
    return issued is None or time.time() - issued < minimum


def _signup_email_key() -> str:
    return keyed("join-email", (request.form.get("email") or "").strip().lower()[:254])


def _counts_as_signup(response) -> bool:
    # Only completed sign-ups (and fooled bots) use up the allowance: a person fixing typos is not punished.
    return response.status_code == 303


KEEP_ANSWERS_SECONDS = 3600


def _kept_answers() -> dict | None:
    """Answers typed before we found the address already had a draft, shown again when the person goes
    back; only for an hour, so the next person at a shared computer does not find them."""
    kept = session.get(TYPED_ANSWERS_KEY)
    if not isinstance(kept, dict) or time.time() - kept.get("at", 0) > KEEP_ANSWERS_SECONDS:
        session.pop(TYPED_ANSWERS_KEY, None)
        return None
    return kept.get("answers")


@bp.route("/join/", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNUP"], methods=["POST"], scope="join-ip",
               deduct_when=_counts_as_signup)
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNUP_EMAIL"], methods=["POST"], scope="join-email",
               key_func=_signup_email_key, deduct_when=_counts_as_signup)
def start():
    application = current_application()
    if (request.method == "GET" and application is not None and sections.is_editable(application)
            and "new" not in request.args):
        return see_other("onboarding.tasks")
    form = StartForm(data=_kept_answers() if request.method == "GET" else None)
    if form.validate_on_submit():
        if form.website.data:
            return see_other("onboarding.check_email")  # a bot: pretend all went well, create nothing
        if _filled_too_fast(form):
            form.started.errors.append(_("That was very quick. Check your answers and send the form again."))
        else:
            answers = {name: form[name].data for name in ABOUT_FIELDS}
            application = services.start(**answers)
            if application is None:  # the address has a draft already: a link to it was emailed instead
                session[TYPED_ANSWERS_KEY] = {"answers": answers, "at": int(time.time())}
                return see_other("onboarding.already_started")
            session.pop(TYPED_ANSWERS_KEY, None)
            remember(application)
            return see_other("onboarding.check_email")
    if request.method == "GET" or _clock_issued(form.started.data) is None:
        # A re-shown form keeps its first time, so a person fixing a typo is not told to slow down.
        form.started.data = _form_clock().dumps("start")
    return render_template("onboarding/start.html", form=form, editing=False)


@bp.get("/join/check-email")
def check_email():
    return render_template("onboarding/check_email.html", application=current_application(), form=ConfirmForm())


@bp.post("/join/verify/resend")
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNUP_EMAIL"], scope="join-resend",
               key_func=lambda: f"join-resend:{current_application().id if current_application() else 0}")
def resend():
    application = current_application()
    form = ConfirmForm()
    if application is None or not form.validate_on_submit():
        return see_other("onboarding.start")
    services.resend_verification(application)
    flash(_("We sent the link again to %(email)s.", email=application.email), "success")
    return see_other("onboarding.tasks")


@bp.get("/join/verify/<token>")
def verify(token: str):
    # Following the emailed link only proves the person reads that mailbox; it changes one timestamp. It
    # never leads to the status page: that needs the application's own link (another token).
    application = services.verify_email(token)
    if application is None:
        return render_template("onboarding/link_expired.html"), 404
    remember(application)
    flash(_("Thank you: your email address is confirmed."), "success")
    return see_other("onboarding.tasks")


@bp.get("/join/resume/<token>")
def resume(token: str):
    application = tokens.find(token)
    if application is None:
        return render_template("onboarding/link_expired.html"), 404
    remember(application)
    if not sections.is_editable(application):
        return status_redirect(application)
    return see_other("onboarding.tasks")


@bp.get("/join/tasks")
def tasks():
    application = current_application()
    if application is None:
        return see_other("onboarding.start")
    if not sections.is_editable(application):
        return status_redirect(application)
    rows = [(section, state, section_url(section)) for section, state in sections.states(application)]
    return render_template("onboarding/tasks.html", application=application, rows=rows, labels=labels,
                           form=ConfirmForm())


@bp.route("/join/about", methods=["GET", "POST"])
@wizard_step("about")
def about(application):
    form = StartForm(obj=application if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_about(application, **{name: form[name].data for name in ABOUT_FIELDS})
        except services.OnboardingError as error:
            if error.code != "email_has_draft":
                flash(str(ERRORS[error.code]), "error")
                return status_redirect(application)
            form.email.errors.append(str(ERRORS[error.code]))
        else:
            return after_save(application)
    return render_template("onboarding/start.html", form=form, editing=True)
