"""Support's dues forms (payment, contact, suspension, waiver) and the member's amount form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.dues.followup import AGREEMENTS, CHANNELS, CURRENCIES, METHODS
from app.fields import plain_text, single_line

STANDING_LABELS = {"current": _l("Up to date"), "due_soon": _l("Due soon"), "grace": _l("In the grace period"),
                   "at_risk": _l("At risk"), "suspended": _l("Suspended"), "waived": _l("Waived")}
# "150.00 MXN a month": how a plan's period reads after its amount.
PERIOD_LABELS = {"month": _l("a month"), "quarter": _l("a quarter"), "year": _l("a year")}
METHOD_LABELS = {"card": _l("Card"), "paypal": _l("PayPal"), "check": _l("Check"), "transfer": _l("Bank transfer"),
                 "cash": _l("Cash")}
CHANNEL_LABELS = {"call": _l("Phone call"), "email": _l("Email"), "meeting": _l("Meeting"), "message": _l("Message")}
AGREED_LABELS = {"nothing": _l("Nothing yet"), "will_pay": _l("Will pay"), "plan": _l("A payment plan"),
                 "lower": _l("A lower amount"), "waiver": _l("A waiver")}


def _amount(label) -> DecimalField:
    return DecimalField(label, places=2, validators=[
        InputRequired(_l("Enter the amount, for example 25.00")),
        NumberRange(min=0.01, max=1000000, message=_l("Enter an amount from 0.01 to 1,000,000"))],
        render_kw={"inputmode": "decimal"})


class PaymentForm(FlaskForm):
    amount = _amount(_l("Amount"))
    currency = SelectField(_l("Currency"), choices=[(c, c) for c in CURRENCIES])
    method = SelectField(_l("Method"), choices=[(m, METHOD_LABELS[m]) for m in METHODS])
    reference = StringField(_l("Reference (the processor's or bank's, if any)"), validators=[
        Optional(), Length(max=100, message=_l("Use at most %(count)s characters", count=100)), single_line])
    paid_on = DateField(_l("Paid on"), validators=[InputRequired(_l("Enter the date it was paid, as YYYY-MM-DD"))])
    note = StringField(_l("Note"), validators=[
        Optional(), Length(max=500, message=_l("Use at most %(count)s characters", count=500)), single_line])


class ContactForm(FlaskForm):
    channel = SelectField(_l("How"), choices=[(c, CHANNEL_LABELS[c]) for c in CHANNELS])
    summary = TextAreaField(_l("What you talked about"), validators=[
        InputRequired(_l("Write what you talked about")),
        Length(max=2000, message=_l("Use at most %(count)s characters", count=2000)), plain_text])
    agreed = SelectField(_l("What you agreed"), choices=[(a, AGREED_LABELS[a]) for a in AGREEMENTS])


class SuspendForm(FlaskForm):
    confirm = BooleanField(_l("I have talked with this member and confirm the suspension"), validators=[
        DataRequired(_l("Tick the box to confirm"))])


class WaiverForm(FlaskForm):
    reason = TextAreaField(_l("Why the waiver"), validators=[
        InputRequired(_l("Write why the waiver is granted")),
        Length(max=1000, message=_l("Use at most %(count)s characters", count=1000)), plain_text])


class ImportForm(FlaskForm):
    """The upload (its file is read by the view) and the commit button: CSRF only."""


class AmountForm(FlaskForm):
    amount = _amount(_l("Your dues a month"))
    currency = SelectField(_l("Currency"), choices=[(c, c) for c in CURRENCIES])
