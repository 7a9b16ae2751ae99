"""The one shape of "the service layer declines this action": a code that says why, and details.

Services raise a subclass named for their area (ReviewError, JobActionError, …); views catch it and
turn `code` into a message in the person's language, from a table next to the view. The code, never a
translated string, is what logs, audit events and tests see, so a refusal reads the same in every language.
"""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, code: str, **info):
        super().__init__(code)
        self.code, self.info = code, info

    def __str__(self) -> str:
        details = ", ".join(f"{key}={value!r}" for key, value in sorted(self.info.items()))
        return f"{self.code} ({details})" if details else self.code
