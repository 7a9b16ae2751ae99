"""Words of the applicant's pages: kinds, wizard sections, states as the applicant reads them.

Labels staff and applicants share (services, movements, working groups, documents) are in app/labels.py.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.labels import (  # noqa: F401 - shared
    CAME_FROM,
    CONVERSATION_MEDIUMS,
    DOCUMENTS,
    MOVEMENTS,
    SERVICE_STATES,
    SERVICES,
    SIZES,
    VALUES,
    WORKING_GROUPS,
    label,
    value_label,
    value_meaning,
)

KINDS = {"individual": _l("A person"), "organisation": _l("An organisation")}

SECTIONS = {
    "about": _l("About you"), "unity": _l("Statement of Unity"), "agreement": _l("Membership Agreement"),
    "intentionality": _l("Statement of Intentionality"), "why": _l("Why you are joining"),
    "commitments": _l("Your commitments"),
    "services": _l("Services you need"), "check": _l("Check and send your application"),
}

SECTION_STATES = {"done": _l("Done"), "in-progress": _l("In progress"), "not-started": _l("Not started"),
                  "locked": _l("Cannot start yet")}

APPLICATION_STATES = {
    "draft": _l("Not sent yet"), "submitted": _l("Sent: waiting for review"),
    "needs_info": _l("We need more information"), "approved": _l("Approved"), "rejected": _l("Not accepted"),
    "withdrawn": _l("Withdrawn"), "expired": _l("Closed: not finished in time"),
}



def dues_label(amount: int | float | str, currency: str) -> str:
    return _l("$%(amount)s %(currency)s a month", amount=amount, currency=currency)
