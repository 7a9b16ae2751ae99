"""Dues accounts: opening them, plans, applying payments, and the daily run that moves standings.

The policy is configurable (ALTA_DUES_NOTICE_DAYS, ALTA_DUES_GRACE_DAYS): a notice before the paid-up
date, a grace period after it, then "at risk" — when a person from the cooperative gets in touch. The run
sends each reminder at most once per paid-up date and never suspends anybody (app/dues/followup.py: a
person does, after a recorded contact). Run it daily, twice, or on every worker host: it is idempotent.

    flask --app app dues run [--today YYYY-MM-DD]
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from app import audit, mail
from app.extensions import db
from app.models import Commitment, DuesAccount, DuesPlan, DuesStanding, Member, MemberState, Payment, utcnow
from app.models.states import RUN_MOVES_STANDINGS, check_transition

BATCH = 500
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
REMINDER_FOR = {DuesStanding.DUE_SOON: "notice", DuesStanding.GRACE: "due", DuesStanding.AT_RISK: "at_risk"}


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def to_minor(amount: Decimal | int | float | None) -> int:
    return int((Decimal(str(amount or 0)) * 100).quantize(Decimal(1)))


def current_plan(member: Member) -> DuesPlan | None:
    return db.session.scalar(select(DuesPlan).where(DuesPlan.member_id == member.id)
                             .order_by(DuesPlan.id.desc()).limit(1))


def _opening(member: Member, today: date | None) -> tuple[DuesPlan, DuesAccount]:
    """The plan and account a member without one would open with (not added to the session)."""
    stated = db.session.scalar(select(Commitment).where(Commitment.application_id == member.application_id))
    waived = bool(stated and stated.waiver_requested)
    plan = DuesPlan(member_id=member.id, amount_minor=0 if waived else to_minor(stated.dues_amount if stated else 0),
                    currency=(stated.dues_currency if stated else "USD"), period=(stated.dues_period if stated
                                                                                  else "month") or "month",
                    waived=waived, reason="asked when applying" if waived else None, created_by="system")
    start = max(member.member_since.date(), today or utcnow().date())
    account = DuesAccount(member_id=member.id, paid_until=add_months(start, PERIOD_MONTHS.get(plan.period, 1)),
                          standing=DuesStanding.WAIVED if waived else DuesStanding.CURRENT, reminded={})
    return plan, account


def open_account(member: Member, today: date | None = None) -> DuesAccount:
    """The member's account, opened from the commitment they stated if they have none. It opens paid up
    to one period after joining, or after today for a member who joined before accounts existed: opening
    accounts for an existing membership must not put everyone "at risk" on the first run."""
    account = db.session.get(DuesAccount, member.id)
    if account is not None:
        return account
    plan, account = _opening(member, today)
    db.session.add_all([plan, account])
    db.session.flush()
    return account


def account_and_plan(member: Member) -> tuple[DuesAccount, DuesPlan | None]:
    """For pages that only read: the member's account and plan, or the ones they would open with, without
    writing anything (the daily run, a payment or a change opens the account for real)."""
    account = db.session.get(DuesAccount, member.id)
    if account is not None:
        return account, current_plan(member)
    plan, account = _opening(member, None)
    return account, plan


def standing_on(account: DuesAccount, plan: DuesPlan | None, today: date) -> DuesStanding:
    """Where the member stands today by the dates alone (suspension is kept: only a person lifts it)."""
    if account.standing == DuesStanding.SUSPENDED and today >= account.paid_until:
        return DuesStanding.SUSPENDED
    if plan is not None and plan.waived:
        return DuesStanding.WAIVED
    config = current_app.config
    if today < account.paid_until - timedelta(days=int(config["DUES_NOTICE_DAYS"])):
        return DuesStanding.CURRENT
    if today < account.paid_until:
        return DuesStanding.DUE_SOON
    if today < account.paid_until + timedelta(days=int(config["DUES_GRACE_DAYS"])):
        return DuesStanding.GRACE
    return DuesStanding.AT_RISK


def _move(account: DuesAccount, member: Member, to: DuesStanding, actor: str, today: date) -> bool:
    """Set the standing (audited when it changes) and send its reminder once per paid-up date."""
    changed = False
    if to != account.standing:
        check_transition(account.standing, to)
        audit.record(actor, "dues.standing_changed", f"member:{member.id}",
                     {"from": str(account.standing), "to": str(to), "paid_until": account.paid_until.isoformat()})
        account.standing = to
        account.at_risk_since = today if to == DuesStanding.AT_RISK else None
        changed = True
    kind = REMINDER_FOR.get(to)
    if kind and (account.reminded or {}).get(kind) != account.paid_until.isoformat():
        account.reminded = {**(account.reminded or {}), kind: account.paid_until.isoformat()}
        mail.queue("dues.reminder", member_id=member.id, reminder=kind)
        changed = True
    return changed


@dataclass
class RunReport:
    opened: int = 0
    moved: int = 0


def run(today: date | None = None) -> RunReport:
    """Open missing accounts, then move every account the dates move; batches of BATCH, one commit each."""
    today = today or utcnow().date()
    report = RunReport()
    after = 0
    while True:
        members = list(db.session.scalars(
            select(Member).outerjoin(DuesAccount, DuesAccount.member_id == Member.id)
            .where(Member.id > after, Member.state.in_((MemberState.ACTIVE, MemberState.SUSPENDED)))
            .order_by(Member.id).limit(BATCH)))
        if not members:
            break
        plans = {p.member_id: p for p in db.session.scalars(
            select(DuesPlan).where(DuesPlan.member_id.in_([m.id for m in members]))
            .order_by(DuesPlan.member_id, DuesPlan.id))}  # the last row per member wins: the current plan
        accounts = {a.member_id: a for a in db.session.scalars(
            select(DuesAccount).where(DuesAccount.member_id.in_([m.id for m in members])))}
        for member in members:
            account = accounts.get(member.id)
            if account is None:
                account = open_account(member, today)
                plans[member.id] = current_plan(member)
                report.opened += 1
            if account.standing not in RUN_MOVES_STANDINGS:
                continue
            if _move(account, member, standing_on(account, plans.get(member.id), today), "system", today):
                report.moved += 1
        db.session.commit()
        after = members[-1].id
    return report


def apply_payment(member: Member, payment: Payment, today: date) -> DuesAccount:
    """Whole periods paid move the paid-up date on; the rest is kept as credit. In the caller's transaction."""
    account = open_account(member)
    plan = current_plan(member)
    if plan is not None and not plan.waived and plan.amount_minor > 0 and payment.currency == plan.currency:
        total = account.credit_minor + payment.amount_minor
        periods, account.credit_minor = divmod(total, plan.amount_minor)
        account.paid_until = add_months(account.paid_until, periods * PERIOD_MONTHS.get(plan.period, 1))
    return account


def payments(member: Member) -> list[Payment]:
    return list(db.session.scalars(select(Payment).where(Payment.member_id == member.id)
                                   .order_by(Payment.paid_on.desc(), Payment.id.desc())))
