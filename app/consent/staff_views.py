"""Staff pages of re-consent (/consent/…): progress for support and leadership, concerns for support."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import Role, role_required
from app.consent import answers, campaigns, staff, staff_bp
from app.consent.forms import ReplyForm
from app.extensions import db
from app.i18n import LANGUAGES, current_language
from app.models import ConsentCampaign, ConsentRequest

REFUSALS = {
    "stale": lambda: _("The conversation changed since you opened this page (a colleague answered, or the form "
                       "was sent twice). Read it again; nothing was sent."),
}


def _common() -> dict:
    def title_of(campaign: ConsentCampaign) -> str:
        text = answers.campaign_text(campaign, current_language())
        return text.title if text else campaign.kind

    steps = [{"number": i, "days": d} for i, d in enumerate(campaigns.reminder_steps(), start=1)]
    return {"title_of": title_of, "language_names": LANGUAGES, "reminder_steps": steps}


@staff_bp.get("/")
@role_required(Role.SUPPORT, Role.LEADERSHIP)
def progress():
    # Leadership alone sees counts only, small ones suppressed; support (with or without leadership) sees all.
    counts_only = not current_user.has_role(Role.SUPPORT)
    staff.record_view(current_user.uid, "progress")
    campaigns = staff.progress()
    figures = {p.campaign.id: staff.figures(p, protected=counts_only) for p in campaigns}
    return render_template("consent/progress.html", campaigns=campaigns, counts_only=counts_only, figures=figures,
                           **_common())


def _campaign(campaign_id: int) -> ConsentCampaign:
    campaign = db.session.get(ConsentCampaign, campaign_id) if 0 < campaign_id <= staff.MAX_ID else None
    if campaign is None:
        abort(404)
    return campaign


def _concerns_page(campaign: ConsentCampaign, failed: tuple[int, ReplyForm] | None = None):
    items = staff.concerns(campaign.id)
    forms = {}
    for item in items:
        if failed and failed[0] == item.request.id:
            forms[item.request.id] = failed[1]
        else:
            forms[item.request.id] = ReplyForm(formdata=None, prefix=f"r{item.request.id}",
                                                data={"after": str(item.messages[-1].id)})
    return render_template("consent/concerns.html", campaign=campaign, items=items, forms=forms,
                           form=failed[1] if failed else None, **_common()), 400 if failed else 200


@staff_bp.get("/<int:campaign_id>/concerns")
@role_required(Role.SUPPORT)
def concerns(campaign_id: int):
    campaign = _campaign(campaign_id)
    staff.record_view(current_user.uid, "concerns", campaign.id)
    return _concerns_page(campaign)


@staff_bp.post("/requests/<int:request_id>/reply")
@role_required(Role.SUPPORT)
def reply(request_id: int):
    consent_request = db.session.get(ConsentRequest, request_id) if 0 < request_id <= staff.MAX_ID else None
    if consent_request is None:
        abort(404)
    campaign = _campaign(consent_request.campaign_id)
    form = ReplyForm(prefix=f"r{request_id}")
    if not form.validate_on_submit():
        return _concerns_page(campaign, failed=(request_id, form))
    try:
        staff.reply(current_user.uid, request_id, form.body.data, form.after_id())
    except staff.ReplyRefused as refused:
        if refused.code == "not_found":
            abort(404)
        flash(REFUSALS[refused.code](), "error")
    else:
        flash(_("Your answer is sent to the member by email."), "success")
    return redirect(url_for("consent_staff.concerns", campaign_id=campaign.id) + f"#request-{request_id}", 303)
