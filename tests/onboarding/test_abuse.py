"""Anti-abuse on the first step: rate limits per IP and per email (429 + Retry-After), honeypot, fill time."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, Outbox


@pytest.fixture
def strict_limits(app_settings):
    app_settings.update(RATELIMIT_SIGNUP="3 per hour", RATELIMIT_SIGNUP_EMAIL="2 per hour")


def _fresh(wizard):
    """Another browser (no session cookie), as each sign-up of a spammer or a shared computer would be."""
    from tests.onboarding.conftest import Wizard

    return Wizard(wizard.client.application.test_client(), wizard.form)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Application))


def test_the_ip_limit_answers_429_with_retry_after_at_the_limit_plus_one(strict_limits, wizard, client):
    for n in range(3):
        assert _fresh(wizard).start(email=f"person{n}@example.org").status_code == 303
    response = _fresh(wizard).start(email="person-extra@example.org")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many tries" in response.get_data(as_text=True)
    assert _count() == 3


def test_the_email_limit_counts_one_address_across_ips(strict_limits, wizard, client):
    from tests.onboarding.conftest import ABOUT

    for n in range(2):
        response = _fresh(wizard).post("/join/", {**ABOUT, "email": "Same@Example.org"},
                                       environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
        assert response.status_code == 303
    response = _fresh(wizard).post("/join/", {**ABOUT, "email": "same@example.org"},
                                   environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    # One draft: the second start with the address was sent a link to the first (it still counts).
    assert _count() == 1
    # Another address from the same network is still welcome.
    response = _fresh(wizard).post("/join/", {**ABOUT, "email": "other@example.org"},
                                   environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert response.status_code == 303


def test_the_429_page_is_translated(strict_limits, wizard, client):
    for n in range(3):
        _fresh(wizard).start(email=f"persona{n}@example.org", language="es")
    from tests.onboarding.conftest import ABOUT

    response = wizard.post("/join/", {**ABOUT, "email": "otra@example.org"}, headers={"Accept-Language": "es"})
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert '<html lang="es">' in response.get_data(as_text=True)
    assert "Too many tries" not in response.get_data(as_text=True)


def test_fixing_typos_does_not_use_up_the_allowance(strict_limits, wizard, client):
    for _ in range(5):
        assert wizard.start(email="not-an-address").status_code == 200
    assert wizard.start().status_code == 303


def test_a_filled_honeypot_creates_nothing_and_sends_nothing(wizard, client):
    response = wizard.start(website="http://spam.example")
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/check-email")
    assert _count() == 0
    assert db.session.scalar(select(func.count()).select_from(Outbox)) == 0
    # The bot's session holds no application, so the next pages show nothing of anyone's.
    assert "Continue your application" not in client.get("/join/check-email").get_data(as_text=True)


def test_a_form_sent_faster_than_the_minimum_time_is_refused(app_settings, wizard, client):
    client.application.config["MIN_FORM_SECONDS"] = 30
    response = wizard.start()
    assert response.status_code == 200
    assert "That was very quick" in response.get_data(as_text=True)
    assert _count() == 0


def test_a_form_sent_after_the_minimum_time_is_accepted(app_settings, wizard, client, monkeypatch):
    import time

    client.application.config["MIN_FORM_SECONDS"] = 2
    from tests.onboarding.conftest import ABOUT, hidden

    html = client.get("/join/").get_data(as_text=True)
    data = {**ABOUT, "csrf_token": hidden(html, "csrf_token"), "started": hidden(html, "started")}
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3)  # the person took three seconds
    assert client.post("/join/", data=data).status_code == 303
    assert _count() == 1


def test_a_forged_start_time_is_refused(app_settings, wizard, client):
    client.application.config["MIN_FORM_SECONDS"] = 2
    response = wizard.start(started="forged")
    assert response.status_code == 200 and "That was very quick" in response.get_data(as_text=True)
