"""Every staff view carries a role check (Mailu-style): walk the URL map and fail on any that lacks one."""

from __future__ import annotations

import pytest
from flask import Flask

from app.auth.access import role_required

# Prefixes of staff-only URLs and the roles that may open them. The console's tests add /audit and /api.
STAFF_AREAS = {"/review": {"support"}, "/jobs": {"sysadmins"}}


def test_every_review_and_jobs_endpoint_carries_the_right_role_check(app):
    missing = []
    for rule in app.url_map.iter_rules():
        for prefix, roles in STAFF_AREAS.items():
            if rule.rule == prefix or rule.rule.startswith(prefix + "/"):
                view = app.view_functions[rule.endpoint]
                if getattr(view, "alta_public", False):
                    continue
                if set(getattr(view, "alta_roles", ())) != roles:
                    missing.append(rule.rule)
    assert missing == []


def test_the_check_fails_for_an_unmarked_view():
    probe = Flask("probe")

    @probe.get("/review/leak")
    def leak():
        return "x"

    assert not hasattr(probe.view_functions["leak"], "alta_roles")


def test_role_required_needs_a_role():
    with pytest.raises(ValueError):
        role_required()
