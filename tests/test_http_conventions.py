"""HTTP conventions of the error answers: a 405 keeps Allow; under /api/ errors are JSON, not HTML pages."""

from __future__ import annotations


def test_method_not_allowed_keeps_the_allow_header(client):
    response = client.post("/")
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"GET", "HEAD"}
    assert response.mimetype == "text/html"


def test_api_unknown_path_is_answered_in_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]


def test_api_wrong_method_is_answered_in_json_with_allow(client):
    response = client.delete("/api/v1/")
    assert response.status_code == 405
    assert response.mimetype == "application/json"
    assert "GET" in response.headers["Allow"]


def test_api_error_message_follows_the_language(client):
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "es"})
    english = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    assert response.get_json()["error"] != english.get_json()["error"]


def test_the_layout_links_a_favicon_and_favicon_ico_finds_it(client):
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/img/favicon.svg"' in page
    response = client.get("/favicon.ico", follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_staff_pages_are_not_stored_and_https_gets_hsts(client, form, staff):
    from tests.auth.conftest import sign_in

    password = staff.create("noa", "support", password="Noa-test-password-1")
    sign_in(client, form, "noa", password)
    response = client.get("/review/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: never
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
