"""The set-password form of the activation page; the rules are explained on the page in both languages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, ValidationError

from app.members.activation import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a password"))])
    confirm = PasswordField(_l("Type the password again"), validators=[DataRequired(_l("Type the password again"))])

    def __init__(self, *args, uid: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.uid = uid

    def validate_password(self, field) -> None:
        value = field.data or ""
        if len(value) < MIN_PASSWORD_LENGTH:
            raise ValidationError(_l("Use at least %(count)s characters", count=MIN_PASSWORD_LENGTH))
        if len(value) > MAX_PASSWORD_LENGTH:
            raise ValidationError(_l("Use at most %(count)s characters", count=MAX_PASSWORD_LENGTH))
        if not value.strip():
            raise ValidationError(_l("A password cannot be only spaces"))
        if self.uid and self.uid.lower() in value.lower():
            raise ValidationError(_l("Your password cannot contain your username"))

    def validate_confirm(self, field) -> None:
        if (self.password.data or "") != (field.data or ""):
            raise ValidationError(_l("The two passwords are different. Type the same password twice"))
