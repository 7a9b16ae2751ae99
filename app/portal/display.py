"""How the member's pages word things: the translated labels of slugs and of the member's standing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import labels
from app.i18n import LANGUAGES
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


@bp.app_context_processor
def _labels() -> dict:
    return {
        "language_name": lambda code: LANGUAGES.get(code, code),
        "member_state_label": lambda state: str(MEMBER_STATES.get(state, state)),
        "service_label": lambda kind: str(labels.label(labels.SERVICES, kind)),
        "service_state_label": lambda state: str(labels.label(labels.SERVICE_STATES, str(state))),
    }
