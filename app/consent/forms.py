"""Forms of re-consent: the member's two answers and support's reply."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from app.fields import plain_text


class AcceptForm(FlaskForm):
    # The language and hash of the text the page showed: the consent records exactly that text.
    language = HiddenField()
    sha256 = HiddenField()


def _capped(_form, field) -> None:
    limit = int(current_app.config["CONSENT_MESSAGE_MAX_CHARS"])
    if field.data and len(field.data) > limit:
        raise ValidationError(_("Use at most %(count)s characters", count=limit))


class ConcernForm(FlaskForm):
    message = TextAreaField(_l("What concerns you?"), validators=[
        DataRequired(_l("Write what concerns you, so that support can answer you")), _capped, plain_text])


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your answer (sent to the member by email, in their language as you write it)"),
                         validators=[DataRequired(_l("Write your answer to the member")), _capped, plain_text])
    after = HiddenField()  # the id of the last message the page showed

    def after_id(self) -> int:
        raw = self.after.data or ""
        return int(raw) if raw.isdigit() and len(raw) <= 12 else -1
