"""Every console and API URL is for sysadmins only: anonymous → sign-in (or 401), support-only → 403."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from tests.console.factories import make_job

STAFF_PREFIXES = ("/jobs/", "/audit/", "/api/v1/")


def _staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith(STAFF_PREFIXES) or r.endpoint.startswith(
        ("console.", "api."))]


def _url(rule, job_id: int) -> str:
    url = re.sub(r"<int:[a-z_]+>", str(job_id), rule.rule)
    return re.sub(r"<[a-z_]+>", "someone", url)


def test_every_console_and_api_endpoint_carries_a_role_or_token_check(app):
    unchecked = []
    for rule in _staff_rules(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "alta_public", None):
            assert rule.rule == "/metrics", f"{rule.rule} is marked public"
            continue
        roles = getattr(view, "alta_roles", None)
        if not (roles and set(roles) == {"sysadmins"}) and not getattr(view, "alta_api_token", False):
            unchecked.append(rule.rule)
    assert unchecked == []
    assert len(_staff_rules(app)) >= 20


@pytest.fixture
def job_id(app):
    job = make_job("failed", events=3, stdout="output")
    db.session.commit()
    return job.id


def _each_request(app, job_id):
    for rule in _staff_rules(app):
        if rule.rule == "/metrics":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, _url(rule, job_id)


def test_anonymous_visitors_are_sent_to_sign_in_or_refused_everywhere(app, client, job_id):
    for rule, method, url in _each_request(app, job_id):
        response = client.open(url, method=method)
        if rule.endpoint.startswith("api."):
            assert response.status_code == 401, url
        elif method == "GET":
            assert response.status_code in (302, 303), (method, url, response.status_code)
            assert "/login" in response.headers["Location"], url
        else:
            # A POST without a session: refused (CSRF 400, or the sign-in redirect) and nothing changes.
            assert response.status_code in (302, 303, 400, 403), (method, url, response.status_code)


def test_support_only_staff_get_403_on_every_console_page_and_401_on_the_api(app, support, form, job_id):
    token = form.token(support, "/")  # the sign-out form in the layout carries one for signed-in staff
    for rule, method, url in _each_request(app, job_id):
        data = {"csrf_token": token} if method == "POST" else None
        response = support.open(url, method=method, data=data)
        expected = 401 if rule.endpoint.startswith("api.") else 403
        assert response.status_code == expected, (method, url, response.status_code)
