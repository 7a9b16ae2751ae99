"""The member's own pages under /me/: sign-in and out, overview, commitments, documents, language, data.

No route takes a member id: every page works on the signed-in member (g.member), so another member's
data is out of reach by construction; a document is shown only by the hash the member's own consent holds.
"""

from __future__ import annotations

import json

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app import documents, education
from app.auth.access import safe_next
from app.dues import accounts as dues_accounts
from app.dues import followup as dues_followup
from app.dues.emails import instructions
from app.dues.forms import STANDING_LABELS, AmountForm
from app.extensions import limiter
from app.i18n import current_language, fresh_session
from app.members import leaving
from app.members.activation import MIN_PASSWORD_LENGTH
from app.portal import account, bp, services, sessions
from app.portal.forms import (
    ChangePasswordForm,
    CommitmentsForm,
    ForgotPasswordForm,
    LanguageForm,
    LeaveForm,
    SignInForm,
    SignOutForm,
    WithdrawLeaveForm,
)
from app.ratekeys import keyed


def _identity_key() -> str:
    return keyed("member-login", sessions.normalise_identity(request.form.get("identity"))[:254])


SIGN_IN_MESSAGES = {
    "locked": lambda: _("Your member account is switched off. Write to us at %(email)s and we will sort it out "
                        "together.", email=current_app.config["SUPPORT_EMAIL"]),
    "directory_unavailable": lambda: _("Signing in is not available right now. Try again in a few minutes."),
    "left": lambda: _("You have left the cooperative, so your member pages are closed. To come back, apply again "
                      "at any time: we would be glad."),
}


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"], scope="member-login-ip")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"], scope="member-login-identity",
               key_func=_identity_key)
def sign_in():
    form = SignInForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        try:
            raw = sessions.sign_in(request.form.get("identity"), request.form.get("password"))
        except sessions.MemberSignInRefused as refused:
            wording = SIGN_IN_MESSAGES.get(refused.code)
            form.identity.errors = [wording() if wording else _("The username, address or password is not right.")]
            form.password.data = ""
            return render_template("portal/sign_in.html", form=form), 200
        sessions.start(raw)
        member = sessions.load(raw)
        if "lang" not in session and member.languages:
            session["lang"] = member.languages[0]
        target = safe_next(form.next.data)
        return redirect(target if target and target.startswith("/me/") else url_for("portal.overview"), 303)
    return render_template("portal/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    form = SignOutForm()
    if form.validate_on_submit():
        sessions.sign_out(session.get(sessions.COOKIE_KEY))
    fresh_session()
    flash(_("You are signed out."), "success")
    return redirect(url_for("portal.sign_in"), 303)


@bp.get("/")
@sessions.member_required
def overview():
    member = g.member
    return render_template("portal/overview.html", member=member, commitments=services.current_commitments(member),
                           documents=services.accepted_documents(member), sign_out_form=SignOutForm(),
                           withdraw_form=WithdrawLeaveForm(), material=education.material(current_language()))


@bp.route("/commitments", methods=["GET", "POST"])
@sessions.member_required
def commitments():
    member = g.member
    now = services.current_commitments(member)
    form = CommitmentsForm(data={"hours_per_month": now.hours_per_month, "working_groups": now.working_groups,
                                 "movements": now.movements, "movements_other": now.movements_other}
                           if request.method == "GET" else None)
    if form.validate_on_submit():
        wanted = services.Commitments(hours_per_month=form.hours_per_month.data,
                                      working_groups=list(form.working_groups.data or []),
                                      movements=list(form.movements.data or []),
                                      movements_other=(form.movements_other.data or "").strip() or None)
        if services.update_commitments(member, wanted):
            flash(_("Your commitments are saved. Thank you."), "success")
        else:
            flash(_("Nothing changed: these are already your commitments."), "info")
        return redirect(url_for("portal.overview") + "#commitments", 303)
    status = 400 if form.errors else 200
    return render_template("portal/commitments.html", form=form, history=services.commitment_history(member),
                           sign_out_form=SignOutForm()), status


@bp.get("/documents/<sha256>")
@sessions.member_required
def document(sha256: str):
    version = services.accepted_version(g.member, sha256)
    if version is None:
        abort(404)
    return render_template("portal/document.html", version=version, rendered=documents.render(version.body),
                           sign_out_form=SignOutForm())


@bp.route("/language", methods=["GET", "POST"])
@sessions.member_required
def language():
    member = g.member
    form = LanguageForm(data={"language": (member.languages or ["en"])[0]} if request.method == "GET" else None)
    if form.validate_on_submit():
        services.set_language(member, form.language.data)
        session["lang"] = form.language.data
        flash(_("Saved: we will write to you in this language."), "success")
        return redirect(url_for("portal.overview"), 303)
    status = 400 if form.errors else 200
    return render_template("portal/language.html", form=form, sign_out_form=SignOutForm()), status


@bp.get("/data.json")
@sessions.member_required
def data():
    body = json.dumps(services.data_export(g.member), ensure_ascii=False, indent=2, sort_keys=True)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="alta-{g.member.uid}.json"'})


@bp.route("/password", methods=["GET", "POST"])
@sessions.member_required
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"], scope="member-password")
def password():
    member = g.member
    form = ChangePasswordForm(uid=member.uid)
    if form.validate_on_submit():
        try:
            account.change_password(member, form.current.data, form.password.data)
        except account.PasswordRefused as refused:
            if refused.code == "wrong_current":
                form.current.errors = [_("That is not your current password.")]
            else:
                form.password.errors = [_("Your password could not be saved right now. Nothing changed: try "
                                          "again in a few minutes.")]
            return render_template("portal/password.html", form=form, min_length=MIN_PASSWORD_LENGTH,
                                   sign_out_form=SignOutForm()), 400 if refused.code == "wrong_current" else 503
        flash(_("Your password is changed. Use the new one from now on, everywhere you sign in."), "success")
        return redirect(url_for("portal.overview"), 303)
    status = 400 if form.errors else 200
    return render_template("portal/password.html", form=form, min_length=MIN_PASSWORD_LENGTH,
                           sign_out_form=SignOutForm()), status


def _reset_identity_key() -> str:
    return keyed("member-reset", sessions.normalise_identity(request.form.get("identity"))[:254])


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNUP_EMAIL"], methods=["POST"], scope="member-reset-ip")
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNUP_EMAIL"], methods=["POST"],
               scope="member-reset-identity", key_func=_reset_identity_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        account.request_reset(form.identity.data)
        return render_template("portal/reset_sent.html"), 200
    status = 400 if form.errors else 200
    return render_template("portal/forgot_password.html", form=form), status


@bp.route("/leave", methods=["GET", "POST"])
@sessions.member_required
def leave():
    member = g.member
    if member.leave_requested_at is not None:
        return redirect(url_for("portal.overview") + "#leaving", 303)
    form = LeaveForm()
    if form.validate_on_submit():
        try:
            leaving.request_leave(member, form.reason.data)
        except leaving.LeavingError:
            flash(_("You already asked to leave; nothing changed."), "info")
        return redirect(url_for("portal.overview") + "#leaving", 303)
    status = 400 if form.errors else 200
    return render_template("portal/leave.html", form=form, notice_days=int(current_app.config["LEAVE_NOTICE_DAYS"]),
                           sign_out_form=SignOutForm()), status


@bp.post("/leave/withdraw")
@sessions.member_required
def withdraw_leave():
    form = WithdrawLeaveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        leaving.withdraw_leave(g.member)
    except leaving.LeavingError:
        flash(_("There was no request to leave to withdraw; nothing changed."), "info")
        return redirect(url_for("portal.overview"), 303)
    flash(_("You stay in the cooperative. We are glad: nothing will be switched off."), "success")
    return redirect(url_for("portal.overview"), 303)


@bp.route("/dues", methods=["GET", "POST"])
@sessions.member_required
def dues():
    member = g.member
    account, plan = dues_accounts.account_and_plan(member)  # a GET writes nothing
    form = AmountForm(data={"amount": (plan.amount_minor / 100) if plan and not plan.waived else None,
                            "currency": plan.currency if plan else "USD"} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            dues_followup.change_amount(member, f"member:{member.uid}", amount=form.amount.data,
                                        currency=form.currency.data)
        except dues_followup.DuesError as refused:
            if refused.code == "below_minimum":
                form.amount.errors = [_("The smallest amount is %(minimum)s %(currency)s a month. If that is too "
                                        "much right now, write to us about a waiver.", **refused.info)]
            else:
                form.amount.errors = [_("Enter an amount from 0.01 to 1,000,000")]
        else:
            flash(_("Your dues are changed. Thank you."), "success")
            return redirect(url_for("portal.dues"), 303)
    payments = dues_accounts.payments(member)
    status = 400 if form.errors else 200
    language = (member.languages or ["en"])[0]
    return render_template("portal/dues.html", account=account, plan=plan, payments=payments, form=form,
                           standing=STANDING_LABELS.get(str(account.standing), account.standing),
                           how=instructions(plan.currency if plan else "USD", language),
                           sign_out_form=SignOutForm()), status
