"""Console fixtures: signed-in clients for a sysadmin and for a support-only member of staff."""

from __future__ import annotations

import pytest


def sign_in(client, form, uid: str, password: str):
    response = form.post(client, "/login", {"username": uid, "password": password})
    assert response.status_code in (302, 303), f"sign-in of {uid} failed: {response.status_code}"
    return client


@pytest.fixture
def sysadmin(app, staff, form):
    """A test client signed in as `sam`, member of the sysadmins group."""
    password = staff.create("sam", "sysadmins", password="Sam-test-password-1")
    return sign_in(app.test_client(), form, "sam", password)


@pytest.fixture
def support(app, staff, form):
    """A test client signed in as `sol`, member of the support group only."""
    password = staff.create("sol", "support", password="Sol-test-password-1")
    return sign_in(app.test_client(), form, "sol", password)
