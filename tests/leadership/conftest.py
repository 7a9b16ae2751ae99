"""A signed-in member of the leadership group (a real slapd account)."""

from __future__ import annotations

import pytest

PASSWORD = "Lea-test-password-1"


@pytest.fixture
def leader(app, staff, form):
    password = staff.create("lea", "leadership", password=PASSWORD)
    client = app.test_client()
    assert form.post(client, "/login", {"username": "lea", "password": password}).status_code == 303
    return client
