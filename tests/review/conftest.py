"""Review fixtures: signed-in reviewers (real slapd accounts) and a statement counter for N+1 checks."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.extensions import db
from tests.auth.conftest import sign_in


class Reviewers:
    def __init__(self, app, staff, form):
        self.app, self.staff, self.form = app, staff, form

    def client(self, uid: str, *groups: str):
        password = self.staff.create(uid, *(groups or ("support",)), password=f"{uid.title()}-test-password-1")
        client = self.app.test_client()
        sign_in(client, self.form, uid, password)
        return client


@pytest.fixture
def reviewers(app, staff, form) -> Reviewers:
    return Reviewers(app, staff, form)


@pytest.fixture
def reviewer(reviewers):
    """A test client signed in as `rita` (support)."""
    return reviewers.client("rita")


def post(form, client, url: str, data: dict | None = None, page: str | None = None):
    """POST a review form with the CSRF token of the page it lives on (the detail page by default)."""
    detail = page or re.sub(r"/(approve|reject|ask|undo|notes|assign)$", "", url)
    return form.post(client, url, data or {}, get_url=detail)


@contextmanager
def count_statements():
    seen: list[str] = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def send_mail() -> None:
    """Run the queued mail jobs only (the provisioning jobs stay queued: they are not under test here)."""
    from rq import SimpleWorker

    from app.queues import get_queue, get_redis

    SimpleWorker([get_queue("mail")], connection=get_redis()).work(burst=True)
