"""Console forms: job and audit filters (GET, no CSRF), audit export, API tokens, job actions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app.console import queries
from app.fields import single_line
from app.models import JobState

# Staff uids, member uids and audit actions are short ASCII words; anything else cannot match a row.
NAME = Regexp(r"^[A-Za-z0-9_.:@-]*$", message=_l("Use only letters, digits and . _ - : @"))
# Targets are "kind:id" and the like; control characters (NUL breaks PostgreSQL text) can match nothing.
TARGET = Regexp(r"^[^\x00-\x1f\x7f]*$", message=_l("Remove the control characters"))


class FilterForm(FlaskForm):
    """Filters live in the query string so that a filtered page can be bookmarked."""

    class Meta:
        csrf = False

    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be the same as or after the start date"))


class JobFilterForm(FilterForm):
    state = SelectField(_l("State"), validators=[Optional()])
    playbook = SelectField(_l("Playbook"), validators=[Optional()])
    member = StringField(_l("Member"), validators=[Optional(), Length(max=64), NAME])
    requester = StringField(_l("Requested by"), validators=[Optional(), Length(max=64), NAME])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = [("", _l("Any state"))] + [(s.value, s.value) for s in JobState]
        self.playbook.choices = [("", _l("Any playbook"))] + [(p, p) for p in queries.playbooks()]

    @classmethod
    def from_args(cls, args) -> JobFilterForm:
        return cls(formdata=args)

    def filters(self) -> queries.JobFilters:
        return queries.JobFilters(self.state.data or "", self.playbook.data or "", self.member.data or "",
                                  self.requester.data or "", self.date_from.data, self.date_to.data)


class AuditFilterForm(FilterForm):
    actor = StringField(_l("Actor"), validators=[Optional(), Length(max=80), NAME])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=64), NAME])
    target = StringField(_l("Target"), validators=[Optional(), Length(max=128), TARGET])

    @classmethod
    def from_args(cls, args) -> AuditFilterForm:
        return cls(formdata=args)

    def filters(self) -> queries.AuditFilters:
        return queries.AuditFilters(self.actor.data or "", self.action.data or "", self.target.data or "",
                                    self.date_from.data, self.date_to.data)


class ExportForm(FlaskForm):
    """A POST (it writes an audit event), and both ends of the date range: an unbounded export is a mistake."""

    actor = StringField(_l("Actor"), validators=[Optional(), Length(max=80), NAME])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=64), NAME])
    target = StringField(_l("Target"), validators=[Optional(), Length(max=128), TARGET])
    date_from = DateField(_l("From"), validators=[DataRequired(message=_l("Enter the first day to export"))])
    date_to = DateField(_l("To"), validators=[DataRequired(message=_l("Enter the last day to export"))])
    format = SelectField(_l("Format"), choices=[("csv", "CSV"), ("jsonl", "JSON Lines")], default="csv")

    validate_date_to = FilterForm.validate_date_to

    def filters(self) -> queries.AuditFilters:
        return queries.AuditFilters(self.actor.data or "", self.action.data or "", self.target.data or "",
                                    self.date_from.data, self.date_to.data)


class TokenForm(FlaskForm):
    name = StringField(_l("Name of the token"), validators=[
        DataRequired(message=_l("Enter a name, for example the machine that will use the token")),
        Length(max=100, message=_l("The name must be 100 characters or fewer")), single_line])


class ActionForm(FlaskForm):
    """Cancel, relaunch and revoke carry nothing but their CSRF token."""
