"""How the member's pages word things: the translated labels of slugs and of the member's standing."""

from __future__ import annotations

from babel import Locale
from flask_babel import lazy_gettext as _l

from app import labels
from app.i18n import LANGUAGES, current_language
from app.models import MemberState
from app.portal import bp

MEMBER_STATES = {MemberState.ACTIVE: _l("Active member"),
                 MemberState.DISABLED: _l("Active member; your services are switched off for now"),
                 MemberState.LEFT: _l("Left the cooperative")}


@bp.app_template_filter("working_group_label")
def working_group_label(slug: str) -> str:
    return str(labels.label(labels.WORKING_GROUPS, slug))


@bp.app_template_filter("movement_label")
def movement_label(slug: str) -> str:
    return str(labels.label(labels.MOVEMENTS, slug))


def language_name(code: str) -> str:
    """A language named in the reader's language, as in running text: "Spanish", "español"."""
    if code not in LANGUAGES:
        return code
    return Locale.parse(code).get_display_name(current_language())


@bp.app_context_processor
def _labels() -> dict:
    return {
        "language_name": language_name,
        "member_state_label": lambda state: str(MEMBER_STATES.get(state, state)),
        "service_label": lambda kind: str(labels.label(labels.SERVICES, kind)),
        "service_state_label": lambda state: str(labels.label(labels.SERVICE_STATES, str(state))),
    }
