"""The status page (/status/<token>): where the application stands, in the person's language."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import ApplicationState
from app.onboarding import bp, labels, sections, services, tokens
from app.onboarding.forms import ConfirmForm
from app.onboarding.session import remember, see_other
from app.onboarding.views import ERRORS
from app.review import welcome

CONVERSATION_ERRORS = {
    "not_open": _l("Your application is no longer waiting for review, so there is no conversation to confirm."),
    "nothing_proposed": _l("There are no times to choose from right now."),
    "not_proposed": _l("Choose one of the times we proposed."),
    "time_past": _l("That time has passed. Choose another one, or write to us for new times."),
}


def _load(token: str):
    application = tokens.find(token)
    if application is None:
        return None, (render_template("onboarding/link_expired.html"), 404)
    return application, None


@bp.get("/status/<token>")
def status(token: str):
    application, missing = _load(token)
    if missing:
        return missing
    # The link proves the person received our email: let this browser continue the application.
    remember(application)
    return render_template("onboarding/status.html", application=application, token=token, labels=labels,
                           editable=sections.is_editable(application), form=ConfirmForm(), welcome=welcome,
                           conversation=application.conversation,
                           withdrawable=application.state in (ApplicationState.DRAFT, ApplicationState.SUBMITTED,
                                                              ApplicationState.NEEDS_INFO))


@bp.post("/status/<token>/withdraw")
def withdraw(token: str):
    application, missing = _load(token)
    if missing:
        return missing
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.withdraw(application)
        except services.OnboardingError as error:
            flash(str(ERRORS[error.code]), "error")
        else:
            flash(_("Your application is withdrawn. You are welcome to apply again at any time."), "success")
    return see_other("onboarding.status", token=token)


@bp.post("/status/<token>/conversation")
def confirm_conversation(token: str):
    """The applicant chooses one of the times support proposed for the welcome conversation."""
    application, missing = _load(token)
    if missing:
        return missing
    form = ConfirmForm()
    if form.validate_on_submit():
        chosen = request.form.get("time", "")[:40]
        if not chosen:
            flash(_("Choose one of the times we proposed."), "error")
            return see_other("onboarding.status", token=token, _anchor="conversation")
        try:
            welcome.confirm(application, chosen)
        except welcome.WelcomeError as error:
            flash(str(CONVERSATION_ERRORS.get(error.code, _("That did not work. Try again."))), "error")
        else:
            flash(_("Thank you: the time is confirmed. We will email you a reminder the day before."), "success")
    return see_other("onboarding.status", token=token, _anchor="conversation")
