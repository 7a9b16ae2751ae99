"""Which application this browser is working on (kept in the signed session cookie), and step guards."""

from __future__ import annotations

from functools import wraps

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.models import Application
from app.onboarding import sections, tokens

SESSION_KEY = "application_id"
# The start page's answers when the address already had a draft, so going back shows them again.
TYPED_ANSWERS_KEY = "start_answers"


def remember(application: Application) -> None:
    session[SESSION_KEY] = application.id
    session["lang"] = session.get("lang") or application.language


def current_application() -> Application | None:
    application_id = session.get(SESSION_KEY)
    if not isinstance(application_id, int):
        return None
    return db.session.get(Application, application_id)


def see_other(endpoint: str, **values):
    return redirect(url_for(endpoint, **values), 303)


def status_redirect(application: Application):
    token = tokens.token_for(application)
    return see_other("onboarding.status", token=token) if token else see_other("onboarding.tasks")


def after_save(application: Application):
    """Where to go after saving a step: back to the check page when a Change link brought the person here,
    otherwise the next section still to do (or the check page)."""
    if request.args.get("return") == "check" and sections.all_done(application):
        return see_other("onboarding.check")
    missing = sections.first_missing(application)
    if missing is None:
        return see_other("onboarding.check")
    return see_other_section(missing)


def section_endpoint(section: str) -> tuple:
    if section in sections.DOCUMENTS:
        return ("onboarding.document", {"kind": section})
    return ({"about": "onboarding.about", "why": "onboarding.why", "commitments": "onboarding.commitments",
             "services": "onboarding.services", "check": "onboarding.check"}[section], {})


def section_url(section: str, **extra) -> str:
    endpoint, values = section_endpoint(section)
    return url_for(endpoint, **values, **extra)


def guard(section: str):
    """(application, None) when the person may open the section, else (None, a redirect response)."""
    application = current_application()
    if application is None:
        flash(_("Start your application here, or use the link we emailed you to continue."), "warning")
        return None, see_other("onboarding.start")
    if not sections.is_editable(application):
        return None, status_redirect(application)
    if not sections.may_open(application, section):
        flash(_("Finish the sections before this one first."), "warning")
        return None, see_other("onboarding.tasks")
    return application, None


def wizard_step(section: str):
    """The view gets the session's application; without one, or out of order, the person is sent back."""
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            application, refusal = guard(section)
            return refusal or view(application, *args, **kwargs)
        return guarded
    return decorate


def see_other_section(section: str):
    endpoint, values = section_endpoint(section)
    return redirect(url_for(endpoint, **values), 303)
