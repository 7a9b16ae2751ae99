"""Forms of the member's pages. Sign-in has no field validators: every refusal gets one generic message."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app import labels
from app.fields import MultiCheckboxField, WholeNumberField, plain_text, single_line
from app.i18n import LANGUAGES
from app.members.forms import SetPasswordForm

MAX_HOURS = 200


class Needed:
    """Marks a field as required in the page (label, `required`) without a message of its own."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


class SignInForm(FlaskForm):
    identity = StringField(_l("Username or email address"), validators=[Needed()])
    password = PasswordField(_l("Password"), validators=[Needed()])
    next = HiddenField()


class SignOutForm(FlaskForm):
    pass


class CommitmentsForm(FlaskForm):
    hours_per_month = WholeNumberField(_l("Hours of work a month"), validators=[
        InputRequired(_l("Enter how many hours a month you can give, as a number")),
        NumberRange(min=0, max=MAX_HOURS, message=_l("Enter a number of hours from 0 to 200"))],
        render_kw={"inputmode": "numeric"})
    working_groups = MultiCheckboxField(_l("Working groups you want to join"), validators=[Optional()])
    movements = MultiCheckboxField(_l("Movements you are active in"), validators=[Optional()])
    movements_other = StringField(_l("Other movements or struggles"), validators=[
        Optional(), Length(max=500, message=_l("Use at most 500 characters")), single_line])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        config = current_app.config
        self.working_groups.choices = [(g, labels.label(labels.WORKING_GROUPS, g)) for g in config["WORKING_GROUPS"]]
        self.movements.choices = [(m, labels.label(labels.MOVEMENTS, m)) for m in config["MOVEMENTS"]]


class LanguageForm(FlaskForm):
    language = RadioField(_l("The language of your pages and of our emails"),
                          choices=list(LANGUAGES.items()),
                          validators=[InputRequired(_l("Choose a language"))])


class ChangePasswordForm(SetPasswordForm):
    """The new password follows the activation page's rules; the current one proves it is the member."""

    current = PasswordField(_l("Your current password"), validators=[InputRequired(_l("Enter your current password"))])


class ForgotPasswordForm(FlaskForm):
    identity = StringField(_l("Username or email address"), validators=[
        InputRequired(_l("Enter your username or the email address you applied with")),
        Length(max=254, message=_l("Use at most 254 characters")), single_line])


class LeaveForm(FlaskForm):
    reason = TextAreaField(_l("Would you tell us why? It helps the cooperative learn"), validators=[
        Optional(), Length(max=1000, message=_l("Use at most 1,000 characters")), plain_text],
        render_kw={"maxlength": 1000})
    confirm = BooleanField(_l("I want to leave the cooperative"), validators=[
        DataRequired(_l("Tick the box to confirm that you want to leave"))])


class WithdrawLeaveForm(FlaskForm):
    pass
