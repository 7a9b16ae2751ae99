"""How the member's pages word things: dates in the reader's language, and the translated labels of slugs."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from app import labels
from app.i18n import LANGUAGES
from app.models import MemberState
from app.portal import bp

MEMBER_STATES = {MemberState.ACTIVE: _l("Active member"),
                 MemberState.DISABLED: _l("Active member; your services are switched off for now")}


@bp.app_template_filter("long_date")
def long_date(value) -> str:
    """"1 December 2026" / "1 de diciembre de 2026": no bare ISO dates on a member's pages."""
    return format_date(value, format="long") if value is not None else "—"


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
