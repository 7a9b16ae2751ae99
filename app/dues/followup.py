"""What people do about dues: support records payments and contacts, grants waivers and, only after a
recorded contact and a confirmation, suspends; a payment or waiver restores a suspended member through
the same jobs the switch-off uses. Each function is one audited transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.dues.accounts import apply_payment, current_plan, open_account, standing_on, to_minor
from app.extensions import db
from app.members import services as lifecycle
from app.models import DuesContact, DuesPlan, DuesStanding, Member, MemberState, Payment, utcnow
from app.refusals import Refused

METHODS = ("card", "paypal", "check", "transfer", "cash")
CHANNELS = ("call", "email", "meeting", "message")
AGREEMENTS = ("nothing", "will_pay", "plan", "lower", "waiver")
CURRENCIES = ("USD", "MXN")
MAX_MINOR = 100_000_000  # one million in either currency: anything above is a typo


class DuesError(Refused):
    """Codes: "amount" (not a positive amount within range), "currency", "method", "duplicate" (this method
    and reference were recorded already), "no_contact" (suspension needs a contact recorded since the member
    became at risk), "not_at_risk", "not_confirmed", "below_minimum"."""


def restore_if_paid_up(member: Member, actor: str, today: date) -> None:
    account = open_account(member)
    was_suspended = account.standing == DuesStanding.SUSPENDED
    account.standing = DuesStanding.CURRENT if was_suspended else account.standing
    fresh = standing_on(account, current_plan(member), today)
    if was_suspended and fresh in (DuesStanding.GRACE, DuesStanding.AT_RISK):
        account.standing = DuesStanding.SUSPENDED  # still behind: a person decides again
        return
    if fresh != account.standing:
        audit.record(actor, "dues.standing_changed", f"member:{member.id}",
                     {"from": str(account.standing), "to": str(fresh), "paid_until": account.paid_until.isoformat()})
        account.standing = fresh
        account.at_risk_since = None
    if was_suspended and member.state == MemberState.SUSPENDED:
        lifecycle.restore_member(member.id, actor, "dues paid or waived")


def record_payment(member: Member, actor: str, *, amount_minor: int, currency: str, method: str,
                   reference: str | None, paid_on: date, note: str | None = None) -> Payment:
    if not isinstance(amount_minor, int) or not 0 < amount_minor <= MAX_MINOR:
        raise DuesError("amount")
    if currency not in CURRENCIES:
        raise DuesError("currency")
    if method not in METHODS:
        raise DuesError("method")
    payment = Payment(member_id=member.id, amount_minor=amount_minor, currency=currency, method=method,
                      reference=(reference or "").strip() or None, paid_on=paid_on,
                      note=(note or "").strip() or None, recorded_by=actor)
    db.session.add(payment)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DuesError("duplicate") from None
    apply_payment(member, payment, paid_on)
    audit.record(actor, "dues.payment_recorded", f"member:{member.id}",
                 {"payment": payment.id, "amount_minor": amount_minor, "currency": currency, "method": method})
    restore_if_paid_up(member, actor, utcnow().date())
    db.session.commit()
    return payment


def record_contact(member: Member, actor: str, *, channel: str, summary: str, agreed: str) -> DuesContact:
    summary = (summary or "").strip()
    if channel not in CHANNELS or agreed not in AGREEMENTS or not summary or len(summary) > 2000:
        raise DuesError("contact")
    contact = DuesContact(member_id=member.id, by=actor, channel=channel, summary=summary, agreed=agreed)
    db.session.add(contact)
    audit.record(actor, "dues.contact_recorded", f"member:{member.id}", {"channel": channel, "agreed": agreed})
    db.session.commit()
    return contact


def contacts(member: Member) -> list[DuesContact]:
    return list(db.session.scalars(select(DuesContact).where(DuesContact.member_id == member.id)
                                   .order_by(DuesContact.at.desc())))


def suspend(member: Member, actor: str, *, confirmed: bool) -> list:
    """Suspension for dues: at risk, a contact recorded since, and a confirmation. Plans the disable jobs."""
    account = open_account(member)
    if account.standing != DuesStanding.AT_RISK:
        raise DuesError("not_at_risk")
    since = datetime.combine(account.at_risk_since or date.min, datetime.min.time()).replace(tzinfo=utcnow().tzinfo)
    recorded = db.session.scalar(select(DuesContact.id).where(DuesContact.member_id == member.id,
                                                              DuesContact.at >= since).limit(1))
    if not recorded:
        raise DuesError("no_contact")
    if not confirmed:
        raise DuesError("not_confirmed")
    jobs = lifecycle.suspend_member(member.id, actor, "dues")
    account.standing = DuesStanding.SUSPENDED
    audit.record(actor, "dues.suspended", f"member:{member.id}", {"jobs": [j.id for j in jobs]})
    db.session.commit()
    return jobs


def grant_waiver(member: Member, actor: str, reason: str) -> DuesPlan:
    reason = (reason or "").strip()
    if not reason or len(reason) > 1000:
        raise DuesError("reason")
    open_account(member)
    plan = current_plan(member)
    waived = DuesPlan(member_id=member.id, amount_minor=0, currency=plan.currency if plan else "USD",
                      period=plan.period if plan else "month", waived=True, reason=reason, created_by=actor)
    db.session.add(waived)
    db.session.flush()
    audit.record(actor, "dues.waiver_granted", f"member:{member.id}", {"reason": reason})
    account = open_account(member)
    was_suspended = account.standing == DuesStanding.SUSPENDED
    account.standing = DuesStanding.WAIVED
    account.at_risk_since = None
    if was_suspended and member.state == MemberState.SUSPENDED:
        lifecycle.restore_member(member.id, actor, "dues waived")
    db.session.commit()
    return waived


def change_amount(member: Member, actor: str, *, amount: object, currency: str) -> DuesPlan:
    """The member (or support) changes the amount within the sliding scale (at least the minimum)."""
    if currency not in CURRENCIES:
        raise DuesError("currency")
    try:
        minor = to_minor(amount)
    except Exception:  # noqa: BLE001 - any unparsable amount is the same refusal
        raise DuesError("amount") from None
    minimum = to_minor(current_app.config["DUES_MINIMUM"].get(currency, 0))
    if not 0 < minor <= MAX_MINOR:
        raise DuesError("amount")
    if minor < minimum:
        raise DuesError("below_minimum", minimum=minimum // 100, currency=currency)
    account = open_account(member)  # first: the plan it opens with is history, the new one is current
    now = current_plan(member)
    plan = DuesPlan(member_id=member.id, amount_minor=minor, currency=currency,
                    period=now.period if now else "month", waived=False, created_by=actor)
    db.session.add(plan)
    if account.standing == DuesStanding.WAIVED:
        account.standing = DuesStanding.CURRENT
    audit.record(actor, "dues.plan_changed", f"member:{member.id}", {"amount_minor": minor, "currency": currency})
    db.session.commit()
    return plan
