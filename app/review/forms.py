"""Forms of the review pages: the decision forms (CSRF on each), notes, assignment, bulk approval."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

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
