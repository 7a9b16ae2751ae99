"""Dues reminders, in the member's language: a notice before the paid-up date, one when it passes, and a
gentle one when they are at risk (a person will be in touch). Each at most once per paid-up date
(app/dues/accounts.py records it)."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale

from app import links, mail
from app.dues.accounts import current_plan
from app.extensions import db
from app.i18n import long_date
from app.models import DuesAccount, Member

SUBJECTS = {
    "notice": "Your dues to the cooperative are due on %(date)s",
    "due": "Your dues to the cooperative are due",
    "at_risk": "Your dues to the cooperative: let's talk",
}


def instructions(currency: str, language: str) -> str:
    by_currency = current_app.config["DUES_PAYMENT_INSTRUCTIONS"].get(currency, {})
    return by_currency.get(language) or by_currency.get("en", "")


@mail.message("dues.reminder")
def reminder_letter(payload: dict) -> mail.Letter | None:
    member = db.session.get(Member, payload["member_id"])
    account = db.session.get(DuesAccount, payload["member_id"])
    kind = payload.get("reminder")
    if member is None or account is None or kind not in SUBJECTS:
        return None
    plan = current_plan(member)
    language = (member.languages or [member.application.language])[0]
    with force_locale(language):
        due = long_date(account.paid_until)
    return mail.Letter(
        to=member.application.email, language=language, template="dues_reminder", subject=SUBJECTS[kind],
        context={"subject_args": {"date": due}, "kind": kind, "name": member.application.display_name,
                 "date": due, "amount": f"{plan.amount_minor / 100:.2f}" if plan else "", "currency":
                 plan.currency if plan else "", "how": instructions(plan.currency if plan else "USD", language),
                 "pages": links.external_url("portal.overview")},
        target=f"member:{member.id}")
