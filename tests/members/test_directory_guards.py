"""Guards of app/directory.py that must hold whatever the server does (issue 12, finding 8).

ldap3 and slapd refuse an empty simple bind themselves today; tomorrow's client or server may treat it as
an anonymous bind that succeeds. So the refusal must happen before any LDAP operation: these tests point
the directory at a port where nothing listens, so any attempt to ask it would raise instead of answering.
"""

from __future__ import annotations

import pytest

from app import directory
from app.devservices import free_port

EMPTY = ["", " ", "   ", "\t", "\n", " \t\r\n "]


@pytest.fixture
def nowhere(app) -> directory.Directory:
    """The app's directory settings, but on a port nothing listens on: asking it raises LDAPSocketOpenError."""
    d = directory.Directory.from_config()
    return directory.Directory(f"ldap://127.0.0.1:{free_port()}", d.base_dn, d.service_dn, d.service_password, 1)


def test_nowhere_really_is_nowhere(nowhere):
    with pytest.raises(directory.LDAPException):
        directory.authenticate_staff(nowhere, "ana", "a real password")
    with pytest.raises(directory.LDAPException):
        directory.authenticate_member(nowhere, "rosa", "a real password")


@pytest.mark.parametrize("password", [*EMPTY, None, 42])
def test_staff_authentication_refuses_an_empty_or_whitespace_password_without_asking_the_directory(
        nowhere, password):
    assert directory.authenticate_staff(nowhere, "ana", password) is None


@pytest.mark.parametrize("password", [*EMPTY, None, 42])
def test_member_authentication_refuses_an_empty_or_whitespace_password_without_asking_the_directory(
        nowhere, password):
    assert directory.authenticate_member(nowhere, "rosa", password) is None


@pytest.mark.parametrize("password", EMPTY)
def test_no_empty_password_is_ever_set_or_tried_against_the_directory(nowhere, password):
    with pytest.raises(ValueError, match="empty password"):
        directory.set_member_password(nowhere, "rosa", password)
    assert directory.member_can_bind(nowhere, "rosa", password) is False
