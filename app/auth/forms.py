"""The staff sign-in form: no field validators, so every refusal gets the same generic message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField


class Needed:
    """Marks a field as required in the page (label, `required`) without a message of its own."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


class SignInForm(FlaskForm):
    username = StringField(_l("Username"), validators=[Needed()])
    password = PasswordField(_l("Password"), validators=[Needed()])
    next = HiddenField()


class SignOutForm(FlaskForm):
    pass
