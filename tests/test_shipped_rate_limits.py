"""The rate limits alta ships with, through the real pages (issue 12, finding 8).

Every other rate-limit test sets its own limits, so raising the shipped defaults a hundredfold went
unnoticed. These tests change no limit: an attacker gets 10 password guesses per 15 minutes per address
(staff and members), 10 activation-link guesses, 10 sign-up starts per hour per address and 3 per email.
"""

from __future__ import annotations

import pytest

from app import config

SHIPPED = ("RATELIMIT_LOGIN", "RATELIMIT_ACTIVATION", "RATELIMIT_SIGNUP", "RATELIMIT_SIGNUP_EMAIL")


@pytest.fixture
def shipped(app):
    """The test app, checked to run with the defaults of app/config.py (no override, no ALTA_* variable)."""
    assert {name: app.config[name] for name in SHIPPED} == {name: config.DEFAULTS[name] for name in SHIPPED}
    return app


@pytest.mark.parametrize(("url", "fields"), [
    ("/login", {"username": "pat", "password": "not the password"}),
    ("/me/sign-in", {"identity": "rosa", "password": "not the password"}),
])
def test_the_eleventh_password_guess_within_15_minutes_is_refused(shipped, client, form, url, fields):
    codes = [form.post(client, url, fields).status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]


def test_the_eleventh_activation_link_guess_is_refused(shipped, client, form):
    csrf = form.token(client, "/join/")
    codes = [client.post(f"/activate/not-a-real-token-{n}", data={"csrf_token": csrf}).status_code
             for n in range(11)]
    assert codes == [404] * 10 + [429]


def test_the_eleventh_sign_up_from_one_address_in_an_hour_is_refused(shipped, documents, form):
    from tests.onboarding.conftest import ABOUT

    codes = [form.post(shipped.test_client(), "/join/", {**ABOUT, "email": f"person{n}@example.org"}).status_code
             for n in range(11)]
    assert codes == [303] * 10 + [429]


def test_the_fourth_sign_up_with_one_email_in_an_hour_is_refused_from_any_address(shipped, documents, form):
    from tests.onboarding.conftest import ABOUT

    codes = [form.post(shipped.test_client(), "/join/", {**ABOUT, "email": "same@example.org"},
                       environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code for n in range(4)]
    assert codes == [303] * 3 + [429]
