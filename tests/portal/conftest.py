"""Members who can sign in to /me/: an approved member with a directory entry and a password in LDAP."""

from __future__ import annotations

import pytest

from app import directory
from app.extensions import db
from app.members.entries import member_attributes
from app.models import ServiceState
from tests.members.factories import make_member

PASSWORD = "a long member password"


def signed_up_member(username: str, *, language: str = "en", email: str | None = None, services=("hosting",),
                     full_name: str | None = None):
    member = make_member(state=ServiceState.ACTIVE, username=username, language=language, email=email,
                         services=services, full_name=full_name)
    d = directory.Directory.from_config()
    with d.service() as conn:
        directory.ensure_member_entry(conn, d, member.uid, member_attributes(member))
    directory.set_member_password(d, member.uid, PASSWORD)
    db.session.commit()
    return member


def sign_in(client, form, identity: str, password: str = PASSWORD):
    response = form.post(client, "/me/sign-in", {"identity": identity, "password": password})
    assert response.status_code == 303, f"member sign-in of {identity} failed: {response.status_code}"
    return response


@pytest.fixture
def rosa(app):
    return signed_up_member("rosa", email="rosa@example.org")


@pytest.fixture
def rosa_client(app, rosa, form):
    client = app.test_client()
    sign_in(client, form, "rosa")
    return client
