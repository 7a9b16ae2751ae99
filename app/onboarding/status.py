"""The status page (/status/<token>): where the application stands, in the person's language."""

from __future__ import annotations

from flask import flash, render_template
from flask_babel import gettext as _

from app.models import ApplicationState
from app.onboarding import bp, labels, sections, services, tokens
from app.onboarding.forms import ConfirmForm
from app.onboarding.session import remember, see_other
from app.onboarding.views import ERRORS


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
                           editable=sections.is_editable(application), form=ConfirmForm(),
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
