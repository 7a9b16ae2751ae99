"""The member's re-consent page (/me/consent/<campaign_id>): what changed and their answer.

Only the signed-in member's own request is found (another member's campaign id is a 404); changes only on
POST; refusals are worded here from their codes.
"""

from __future__ import annotations

from flask import abort, flash, g, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import documents
from app.audit import client_ip
from app.consent import answers, bp
from app.consent.forms import AcceptForm, ConcernForm
from app.i18n import LANGUAGES, current_language
from app.portal.forms import SignOutForm
from app.portal.sessions import member_required

REFUSALS = {
    "stale_text": lambda: _("The text changed while you were reading it. Read it again below, then answer."),
    "already_answered": lambda: _("You have already answered. Thank you."),
}


def banner_context() -> dict:
    """Every member page shows a banner while one of the member's requests is open."""
    member = g.get("member") if has_request_context() else None
    if member is None:
        return {}
    return {"consent_open": [campaign for _request, campaign in answers.open_requests(member)]}


def _page(campaign_id: int, concern_form: ConcernForm | None = None, status: int = 200):
    found = answers.own_request(g.member, campaign_id)
    if found is None:
        abort(404)
    consent_request, campaign = found
    asked = request.args.get("text")
    language = asked if asked in LANGUAGES else current_language()
    text = answers.campaign_text(campaign, language)
    before = answers.accepted_before(g.member, campaign, text.language)
    other = next((lang for lang in LANGUAGES if lang != text.language), None)
    accept_form = AcceptForm(formdata=None, data={"language": text.language, "sha256": text.sha256})
    return render_template(
        "consent/request.html", campaign=campaign, consent_request=consent_request, text=text, before=before,
        rendered=documents.render(text.body), changes=answers.difference(before.body if before else None, text.body),
        render=documents.render, other_language=other, other_language_label=LANGUAGES.get(other),
        messages=answers.conversation(consent_request), accept_form=accept_form,
        concern_form=concern_form or ConcernForm(formdata=None), form=concern_form,
        sign_out_form=SignOutForm()), status


@bp.get("/<int:campaign_id>")
@member_required
def request_page(campaign_id: int):
    return _page(campaign_id)


def _refused(campaign_id: int, refused: answers.ConsentError):
    if refused.code == "not_found":
        abort(404)
    flash(REFUSALS[refused.code](), "info" if refused.code == "already_answered" else "error")
    return redirect(url_for("consent.request_page", campaign_id=campaign_id), 303)


@bp.post("/<int:campaign_id>/accept")
@member_required
def accept(campaign_id: int):
    form = AcceptForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        answers.accept(g.member, campaign_id, language=form.language.data or "", sha256_shown=form.sha256.data or "",
                       ip=client_ip(), user_agent=request.headers.get("User-Agent"))
    except answers.ConsentError as refused:
        return _refused(campaign_id, refused)
    flash(_("Thank you: your acceptance is recorded."), "success")
    return redirect(url_for("portal.overview"), 303)


@bp.post("/<int:campaign_id>/concerns")
@member_required
def concerns(campaign_id: int):
    form = ConcernForm()
    if not form.validate_on_submit():
        return _page(campaign_id, concern_form=form, status=400)
    try:
        answers.raise_concerns(g.member, campaign_id, form.message.data)
    except answers.ConsentError as refused:
        return _refused(campaign_id, refused)
    flash(_("Thank you: support has your message and will answer you by email."), "success")
    return redirect(url_for("consent.request_page", campaign_id=campaign_id), 303)
