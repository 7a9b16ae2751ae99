"""API fixtures: a sysadmin's token made by the console's own service."""

from __future__ import annotations

import pytest

from app.console import services


@pytest.fixture
def api_token(app, staff) -> str:
    staff.create("sam", "sysadmins")
    _, raw = services.create_api_token("sam", "ci")
    return raw


@pytest.fixture
def bearer(api_token) -> dict:
    return {"Authorization": f"Bearer {api_token}"}
