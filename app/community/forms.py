"""The profile form (every field optional but the name; nothing shown until the member opts in) and the
contact form."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app import labels
from app.fields import MultiCheckboxField, plain_text, single_line
from app.i18n import LANGUAGES

ABOUT_MAX = 500


def _about(label) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=ABOUT_MAX, message=_l(
        "Use at most %(count)s characters", count=ABOUT_MAX)), plain_text], render_kw={"maxlength": ABOUT_MAX})


class ProfileForm(FlaskForm):
    visible = BooleanField(_l("Show my profile to other members"))
    contactable = BooleanField(_l("Other members may write to me through alta (they never see my address)"))
    introductions = BooleanField(_l("Introduce me by email to members who share my movements, working groups or "
                                    "languages, if they want it too"))
    display_name = StringField(_l("The name other members see"), validators=[
        InputRequired(_l("Enter the name other members will see")),
        Length(max=100, message=_l("Use at most %(count)s characters", count=100)), single_line])
    pronouns = StringField(_l("Pronouns"), validators=[
        Optional(), Length(max=40, message=_l("Use at most %(count)s characters", count=40)), single_line])
    region = StringField(_l("Region or city"), validators=[
        Optional(), Length(max=100, message=_l("Use at most %(count)s characters", count=100)), single_line])
    languages = MultiCheckboxField(_l("Languages you speak"), choices=list(LANGUAGES.items()), validators=[Optional()])
    movements = MultiCheckboxField(_l("Movements you are active in"), validators=[Optional()])
    working_groups = MultiCheckboxField(_l("Working groups"), validators=[Optional()])
    about_en = _about(_l("A few words about you, in English"))
    about_es = _about(_l("A few words about you, in Spanish"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        config = current_app.config
        self.movements.choices = [(m, labels.label(labels.MOVEMENTS, m)) for m in config["MOVEMENTS"]]
        self.working_groups.choices = [(g, labels.label(labels.WORKING_GROUPS, g)) for g in config["WORKING_GROUPS"]]


class ContactForm(FlaskForm):
    body = TextAreaField(_l("Your message"), validators=[
        InputRequired(_l("Write your message")),
        Length(max=2000, message=_l("Use at most %(count)s characters", count=2000)), plain_text],
        render_kw={"maxlength": 2000})


class ReportForm(FlaskForm):
    pass


class MembershipForm(FlaskForm):
    """Join or leave a working group (the button says which)."""
