"""The database not answering (unreachable, or PostgreSQL restarting under the web tier): every request that
needs it gets a translated "try again in a minute" page (503, Retry-After), never a 500, and nothing half
written; once the database is back the same requests work, with no restart of the web process."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tests.support import DATABASE


def _nowhere(url: str, root) -> str:
    if url.startswith("sqlite"):
        return f"sqlite:///{root / 'no-such-folder' / 'alta.db'}"  # SQLite cannot create a file there
    return make_url(url).set(port=1).render_as_string(hide_password=False)  # nothing listens on port 1


@pytest.fixture
def unreachable(app_settings, clean_state):
    app_settings["DATABASE_URL"] = _nowhere(app_settings["DATABASE_URL"], clean_state.root)
    return app_settings


def _is_try_again(response, language: str) -> bool:
    page = response.get_data(as_text=True)
    title = {"en": "Try again in a minute", "es": "Vuelve a intentarlo en un minuto"}[language]
    return (response.status_code == 503 and title in page and f'lang="{language}"' in page
            and "Retry-After" in response.headers and "Traceback" not in page)


@pytest.mark.parametrize("language", ["en", "es"])
def test_pages_that_need_the_database_say_try_again_in_the_persons_language(unreachable, app, client, language):
    response = client.get(f"/status/{secrets.token_urlsafe(32)}?lang={language}")
    assert _is_try_again(response, language)


def test_staff_sign_in_with_the_database_unreachable_is_a_503_not_a_500(unreachable, app, client, form, staff):
    password = staff.create("pat", "support")
    response = form.post(client, "/login", {"username": "pat", "password": password}, get_url="/login?lang=es")
    assert _is_try_again(response, "es")


def test_the_api_says_so_in_json(unreachable, app, client, staff):
    response = client.get("/api/v1/applications", headers={"Authorization": "Bearer " + secrets.token_urlsafe(32)})
    assert response.status_code == 503 and response.mimetype == "application/json"
    assert response.get_json()["error"] == "Try again in a minute"


@pytest.mark.skipif(DATABASE != "postgresql", reason="restarts the session's PostgreSQL server")
def test_postgresql_restarted_under_the_web_tier(clean_state, app, client, form, staff):
    from app.extensions import db
    from app.models import StaffSession

    password = staff.create("pat", "support")
    assert form.post(client, "/login", {"username": "pat", "password": password}).status_code == 303
    assert client.get("/review/").status_code == 200  # the pool now holds a connection the restart will cut
    db.session.remove()
    token = form.token(client, "/login")
    clean_state.postgres.stop()
    try:
        assert _is_try_again(client.get("/review/?lang=es"), "es")
        answer = client.post("/login", data={"csrf_token": token, "username": "pat", "password": password})
        assert _is_try_again(answer, "es")  # the language chosen a moment ago is kept
    finally:
        clean_state.postgres.start()
    assert client.get("/review/").status_code == 200  # the same web process, a fresh connection
    assert db.session.scalar(select(func.count()).select_from(StaffSession)) == 1  # the refused sign-in made none
