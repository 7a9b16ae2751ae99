"""Every page a person can open without arguments renders in English and in Spanish, for an anonymous
visitor and for a signed-in member of both staff groups: never a 500, and always in the chosen language."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_application

SKIP = {"static", "health.healthz", "console.prometheus_metrics"}  # not HTML pages
HTML_LANG = re.compile(r'<html lang="(\w+)">')


def _pages(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in SKIP:
            urls.append(rule.rule)
    return sorted(urls)


def _assert_renders(client, url: str, language: str) -> None:
    response = client.get(f"{url}?lang={language}")
    assert response.status_code < 500, (url, response.status_code)
    if response.status_code == 200 and response.mimetype == "text/html":
        match = HTML_LANG.search(response.get_data(as_text=True))
        assert match and match.group(1) == language, (url, language)


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_page_renders_for_an_anonymous_visitor(app, client, language):
    pages = _pages(app)
    assert "/" in pages and "/join/" in pages and "/login" in pages
    for url in pages:
        _assert_renders(client, url, language)


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_page_renders_for_staff_in_both_groups(app, client, staff, form, language):
    from app.extensions import db

    make_application()
    db.session.commit()
    password = staff.create("pat", "support", "sysadmins")
    assert form.post(client, "/login", {"username": "pat", "password": password}).status_code == 303
    for url in _pages(app):
        _assert_renders(client, url, language)
    # The staff pages really were reachable (not all redirects to the sign-in page).
    assert client.get(f"/review/?lang={language}").status_code == 200
    assert client.get(f"/jobs/?lang={language}").status_code == 200


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_page_renders_for_a_signed_in_member(app, client, form, language):
    from tests.portal.conftest import sign_in, signed_up_member

    signed_up_member("marisol", language="es")
    sign_in(client, form, "marisol")
    for url in _pages(app):
        _assert_renders(client, url, language)
    assert client.get(f"/me/?lang={language}").status_code == 200
    assert client.get(f"/me/commitments?lang={language}").status_code == 200
