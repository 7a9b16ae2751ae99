"""Support's dues pages: members at risk (oldest first) and one member's dues, with the forms to act."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import Role, role_required
from app.dues import accounts, bp, followup, imports, totals
from app.dues.accounts import to_minor
from app.dues.forms import (
    AGREED_LABELS,
    CHANNEL_LABELS,
    METHOD_LABELS,
    PERIOD_LABELS,
    STANDING_LABELS,
    ContactForm,
    ImportForm,
    PaymentForm,
    SuspendForm,
    WaiverForm,
)
from app.extensions import db
from app.models import DuesAccount, DuesStanding, Member, utcnow

AT_RISK_PAGE = 200

ERRORS = {
    "duplicate": lambda: _("A payment with this method and reference was recorded already; nothing changed."),
    "no_contact": lambda: _("Record your conversation with the member first: nobody is suspended without one."),
    "not_at_risk": lambda: _("Only a member at risk can be suspended."),
    "not_confirmed": lambda: _("Tick the box to confirm."),
}


def _member(member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    return member


@bp.get("/")
@role_required(Role.SUPPORT)
def at_risk():
    rows = db.session.execute(
        select(Member, DuesAccount).join(DuesAccount, DuesAccount.member_id == Member.id)
        .where(DuesAccount.standing.in_((DuesStanding.AT_RISK, DuesStanding.SUSPENDED)))
        .order_by(DuesAccount.paid_until, Member.id).limit(AT_RISK_PAGE)).all()
    contacts = {m.id: followup.contacts(m)[:1] for m, _a in rows}
    return render_template("dues/at_risk.html", rows=rows, contacts=contacts, agreed=AGREED_LABELS,
                           standings=STANDING_LABELS, received=totals.received(utcnow().date()))


@bp.route("/members/<int:member_id>", methods=["GET", "POST"])
@role_required(Role.SUPPORT)
def member_dues(member_id: int):
    member = _member(member_id)
    forms = {"payment": PaymentForm(prefix="payment"), "contact": ContactForm(prefix="contact"),
             "suspend": SuspendForm(prefix="suspend"), "waiver": WaiverForm(prefix="waiver")}
    action = request.form.get("action") if request.method == "POST" else None
    if action in forms and forms[action].validate_on_submit():
        form = forms[action]
        try:
            if action == "payment":
                followup.record_payment(member, current_user.uid, amount_minor=to_minor(form.amount.data),
                                        currency=form.currency.data, method=form.method.data,
                                        reference=form.reference.data, paid_on=form.paid_on.data,
                                        note=form.note.data)
                flash(_("Payment recorded."), "success")
            elif action == "contact":
                followup.record_contact(member, current_user.uid, channel=form.channel.data,
                                        summary=form.summary.data, agreed=form.agreed.data)
                flash(_("Conversation recorded."), "success")
            elif action == "suspend":
                followup.suspend(member, current_user.uid, confirmed=form.confirm.data)
                flash(_("The member is suspended: their services are being switched off."), "success")
            else:
                followup.grant_waiver(member, current_user.uid, form.reason.data)
                flash(_("Waiver granted."), "success")
        except followup.DuesError as refused:
            wording = ERRORS.get(refused.code)
            flash(wording() if wording else _("That did not work. Try again."), "error")
        return redirect(url_for("dues.member_dues", member_id=member.id), 303)
    failed = action in forms and forms[action].errors
    account, plan = accounts.account_and_plan(member)  # reading the page writes nothing
    payments = accounts.payments(member)
    return render_template("dues/member.html", member=member, account=account, plan=plan,
                           payments=payments, contacts=followup.contacts(member), forms=forms,
                           methods=METHOD_LABELS, channels=CHANNEL_LABELS, agreed=AGREED_LABELS,
                           standings=STANDING_LABELS, periods=PERIOD_LABELS), \
        400 if failed else 200


IMPORT_PROBLEMS = {
    "too_long": _l("A cell is too long"), "formula": _l("A cell starts like a spreadsheet formula"),
    "amount": _l("The amount is not a positive number with at most two decimals"),
    "currency": _l("The currency is not USD or MXN"), "method": _l("The method is not one we know"),
    "reference": _l("The reference is missing"), "date": _l("The date is not YYYY-MM-DD"),
    "future": _l("The date is in the future"), "member": _l("No member has this username or address"),
}
IMPORT_ERRORS = {
    "not_csv": lambda info: _("The file is not a CSV file we can read."),
    "columns": lambda info: _("The file has no column %(columns)s.", columns=", ".join(info.get("missing", []))),
    "too_many_rows": lambda info: _("The file has more than %(limit)s rows: split it.", limit=info.get("limit")),
    "empty": lambda info: _("The file has no rows."),
    "not_ready": lambda info: _("Nothing was added: fix the rows marked unmatched or wrong, then upload again."),
    "gone": lambda info: _("This import was committed already or does not exist."),
}


def _read_upload() -> str | None:
    upload = request.files.get("file")
    if upload is None:
        return None
    raw = upload.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.SUPPORT)
def import_payments():
    form = ImportForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        content = _read_upload()
        if not content:
            flash(_("Choose a CSV file in UTF-8."), "error")
            return render_template("dues/import.html", form=form), 400
        try:
            upload_row, rows = imports.upload(content, current_user.uid)
        except imports.ImportError_ as refused:
            flash(IMPORT_ERRORS[refused.code](refused.info), "error")
            return render_template("dues/import.html", form=form), 400
        return render_template("dues/import.html", form=form, upload=upload_row, rows=rows,
                               counts=imports.counts_of(rows), problems=IMPORT_PROBLEMS, commit_form=ImportForm())
    return render_template("dues/import.html", form=form)


@bp.post("/import/<int:import_id>/commit")
@role_required(Role.SUPPORT)
def commit_import(import_id: int):
    if not ImportForm().validate_on_submit():
        abort(400)
    try:
        added = imports.commit(import_id, current_user.uid)
    except imports.ImportError_ as refused:
        flash(IMPORT_ERRORS[refused.code](refused.info), "error")
        return redirect(url_for("dues.import_payments"), 303)
    flash(ngettext("%(num)s payment added.", "%(num)s payments added.", added), "success")
    return redirect(url_for("dues.at_risk"), 303)
