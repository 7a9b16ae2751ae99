"""Views for a person without a working link: "Lost your link?" and starting again with the same address.

The "Lost your link?" page answers every well-formed request the same way, whether or not the address has
an application: the lookup result only decides, in the worker, whether an email goes out.
"""

from __future__ import annotations

from flask import current_app, render_template, request, session

from app.extensions import limiter
from app.onboarding import bp
from app.onboarding.forms import LinkRequestForm
from app.onboarding.services import request_link
from app.onboarding.session import TYPED_ANSWERS_KEY, see_other
from app.ratekeys import keyed

# The address typed, carried to the confirmation page across the redirect (this browser's own cookie).
TYPED_EMAIL_KEY = "link_request_email"


def _email_key() -> str:
    return keyed("link-email", (request.form.get("email") or "").strip().lower()[:254])


def _counts(response) -> bool:
    # Every accepted request counts, found or not (else the limit would tell them apart); typos do not.
    return response.status_code == 303


@bp.route("/join/link", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNUP"], methods=["POST"], scope="link-ip",
               deduct_when=_counts)
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNUP_EMAIL"], methods=["POST"], scope="link-email",
               key_func=_email_key, deduct_when=_counts)
def lost_link():
    form = LinkRequestForm()
    if form.validate_on_submit():
        if not form.website.data:  # a filled honeypot is a bot: the same answer, and nothing done
            request_link(form.email.data)
        session[TYPED_EMAIL_KEY] = form.email.data.strip()
        return see_other("onboarding.link_sent")
    return render_template("onboarding/lost_link.html", form=form)


@bp.get("/join/link/sent")
def link_sent():
    return render_template("onboarding/link_sent.html", email=session.pop(TYPED_EMAIL_KEY, None))


@bp.get("/join/already-started")
def already_started():
    typed = (session.get(TYPED_ANSWERS_KEY) or {}).get("answers") or {}
    return render_template("onboarding/already_started.html", email=typed.get("email"))
