"""Forms of the review pages: the decision forms (CSRF on each), notes, assignment, bulk approval."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app import params
from app.fields import plain_text, single_line

MAX_TEXT = 5000


class ApproveForm(FlaskForm):
    reason = TextAreaField(_l("Note for the record"), validators=[Optional(), Length(max=MAX_TEXT), plain_text])


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the applicant"), validators=[
        DataRequired(message=_l("Enter the reason: the applicant will read it.")),
        Length(max=MAX_TEXT, message=_l("The reason must be %(max)d characters or fewer.")), plain_text])


class InfoForm(FlaskForm):
    question = TextAreaField(_l("Your question to the applicant"), validators=[
        DataRequired(message=_l("Enter your question for the applicant.")),
        Length(max=MAX_TEXT, message=_l("The question must be %(max)d characters or fewer.")), plain_text])


class UndoForm(FlaskForm):
    reason = TextAreaField(_l("Why the rejection is undone"), validators=[Optional(), Length(max=MAX_TEXT), plain_text])


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Internal note"), validators=[
        DataRequired(message=_l("Enter the note.")),
        Length(max=MAX_TEXT, message=_l("The note must be %(max)d characters or fewer.")), plain_text])


class AssignForm(FlaskForm):
    assignee = StringField(_l("Reviewer's username"), validators=[
        Optional(), Length(max=64, message=_l("A username is at most %(max)d characters.")), single_line])


class BulkApproveForm(FlaskForm):
    # An id no row can have (beyond the column, say 2**64) is the field's error, not a database error.
    application_id = SelectMultipleField(_l("Selected applications"), validate_choice=False,
                                         coerce=params.form_id,
                                         validators=[DataRequired(message=_l("Select at least one application."))])


class MemberSwitchForm(FlaskForm):
    """Switch a member's services off or back on (a support decision); the reason goes to the audit log."""

    reason = TextAreaField(_l("Reason, for the record"), validators=[
        DataRequired(message=_l("Enter the reason for switching the services: it goes into the record.")),
        Length(max=MAX_TEXT, message=_l("The reason must be %(max)d characters or fewer.")), plain_text])


class ProposeForm(FlaskForm):
    """Up to three times for the welcome conversation, in one time zone (the applicant sees them in it)."""

    time_1 = DateTimeLocalField(_l("First time"), format="%Y-%m-%dT%H:%M", validators=[
        InputRequired(_l("Enter a date and time, like 2026-12-08 18:00."))])
    time_2 = DateTimeLocalField(_l("Second time"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    time_3 = DateTimeLocalField(_l("Third time"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    timezone = SelectField(_l("Time zone"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = [(z, z.replace("_", " ")) for z in current_app.config["WELCOME_TIMEZONES"]]

    def times(self) -> list:
        return [f.data for f in (self.time_1, self.time_2, self.time_3) if f.data is not None]


class RecordForm(FlaskForm):
    """The record of a welcome conversation that took place: when, who, the language, notes and questions."""

    held_on = DateField(_l("Date of the conversation"), validators=[
        InputRequired(_l("Enter the date of the conversation, like 2026-12-08."))])
    held_with = StringField(_l("Who from the cooperative took part"), validators=[
        DataRequired(_l("Enter who from the cooperative took part.")),
        Length(max=200, message=_l("Use at most %(max)d characters.")), single_line])
    language = RadioField(_l("Language of the conversation"), choices=[("es", "Español"), ("en", "English")],
                          validators=[InputRequired(_l("Choose the language of the conversation."))])
    notes = TextAreaField(_l("Notes for the team"), validators=[
        Optional(), Length(max=MAX_TEXT, message=_l("The notes must be %(max)d characters or fewer.")), plain_text])
    questions = TextAreaField(_l("The applicant's questions"), validators=[
        Optional(), Length(max=MAX_TEXT, message=_l("The questions must be %(max)d characters or fewer.")),
        plain_text])
