"""Form fields and validators every area's forms share (the applicant's wizard, the member's pages)."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multiple choice; values outside the choices fail SelectMultipleField's own check."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def plain_line(value: str | None) -> str | None:
    """Refuse control characters (newlines in a display name would forge mail headers)."""
    if value and any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(_l("Use a single line of text without control characters"))
    return value


def single_line(_form, field) -> None:
    plain_line(field.data)


def plain_text(_form, field) -> None:
    """For text areas: line breaks and tabs, no other control characters (PostgreSQL cannot even store NUL)."""
    if field.data and any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in field.data):
        raise ValidationError(_l("Remove the control characters"))


class WholeNumberField(IntegerField):
    """An IntegerField whose range check cannot crash: wtforms' NumberRange calls math.isnan(), which
    raises OverflowError (a 500) on a 400-digit number. A number that long is held at a bound far past
    any range we use, so the field's own range message answers it."""

    FAR = 10**15

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, int) and abs(self.data) > self.FAR:
            self.data = self.FAR if self.data > 0 else -self.FAR
