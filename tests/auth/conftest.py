"""Sign-in helpers for the auth and review tests."""

from __future__ import annotations

import pytest


def sign_in(client, form, uid: str, password: str):
    response = form.post(client, "/login", {"username": uid, "password": password})
    assert response.status_code == 303, f"sign-in of {uid} failed: {response.status_code}"
    return response


@pytest.fixture
def reviewer(app, staff, form):
    """A test client signed in as `rita` (support)."""
    password = staff.create("rita", "support", password="Rita-test-password-1")
    client = app.test_client()
    sign_in(client, form, "rita", password)
    return client
