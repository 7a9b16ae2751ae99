"""Fixtures for member services: the sandbox folder the playbooks write into."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def sandbox(app) -> Path:
    path = Path(app.config["SANDBOX"])
    path.mkdir(parents=True, exist_ok=True)
    return path
