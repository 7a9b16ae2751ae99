"""The directory's access rules (app/members/ldap/access.conf), with real binds to the real slapd.

Each rule is held to account: removing any one of its lines makes at least one of these tests fail.
"""

from __future__ import annotations

import pytest
from ldap3 import BASE, MODIFY_REPLACE, SUBTREE, Connection

from app import directory
from app.devservices.slapd import access_ldif, access_rules

MAIL_ATTRS = ["objectClass", "uid", "uidNumber", "gidNumber", "homeDirectory", "altaMailAlias", "altaMailQuota",
              "shadowExpire"]
PRIVATE_ATTRS = ["cn", "sn", "mail", "displayName", "preferredLanguage", "loginShell", "userPassword"]


@pytest.fixture
def people(app, services, staff):
    """Two members with mail (rosa, emma) with passwords, a support staff account (ana)."""
    d = directory.Directory.from_config()
    passwords = {}
    with d.service() as conn:
        for n, uid in enumerate(("rosa", "emma")):
            directory.ensure_member_entry(conn, d, uid, {
                "cn": uid.title(), "sn": uid.title(), "mail": f"{uid}@example.net", "uidNumber": 10000 + n,
                "gidNumber": 10000 + n, "homeDirectory": f"/home/{uid}", "loginShell": "/bin/bash",
                "preferredLanguage": "es", "shadowExpire": "1" if uid == "emma" else None})
            directory.ensure_mail_account(conn, d, uid, [f"{uid}@coop.example", f"contacto.{uid}@coop.example"], 500)
    for uid in ("rosa", "emma"):
        passwords[uid] = f"{uid}-Secret-42"
        directory.set_member_password(d, uid, passwords[uid])
    passwords["ana"] = staff.create("ana", "support", "sysadmins", "leadership")
    return d, passwords


def bind(services, dn, password) -> Connection:
    conn = Connection(services.slapd.url, dn, password, raise_exceptions=False)
    assert conn.bind(), (dn, conn.result)
    return conn


def read(conn, dn, attributes) -> dict[str, list[bytes]] | None:
    """The attributes the bound account may read of dn (None when it may not see the entry at all)."""
    conn.search(dn, "(objectClass=*)", BASE, attributes=attributes)
    if not conn.response or conn.response[0].get("type") != "searchResEntry":
        return None
    raw = conn.response[0]["raw_attributes"]
    return {k: v for k, v in raw.items() if v}


def found(conn, base, ldap_filter) -> set[str]:
    conn.search(base, ldap_filter, SUBTREE, attributes=["uid"])
    return {r["dn"] for r in conn.response if r.get("type") == "searchResEntry"}


def as_member(services, d, passwords, uid):
    return bind(services, d.member_dn(uid), passwords[uid])


def as_staff(services, d, passwords):
    return bind(services, f"uid=ana,{d.staff_dn}", passwords["ana"])


def as_mail_reader(services):
    return bind(services, services.slapd.mail_dn, services.slapd.mail_password)


def test_a_member_reads_their_own_entry_but_not_their_password_hash(services, people):
    d, passwords = people
    conn = as_member(services, d, passwords, "rosa")
    own = read(conn, d.member_dn("rosa"), MAIL_ATTRS + PRIVATE_ATTRS)
    assert own["cn"] == [b"Rosa"] and own["mail"] == [b"rosa@example.net"]
    assert own["uidNumber"] == [b"10000"] and b"rosa@coop.example" in own["altaMailAlias"]
    assert "userPassword" not in own


def test_a_member_sees_no_other_member_nor_staff_nor_groups(services, people):
    d, passwords = people
    conn = as_member(services, d, passwords, "rosa")
    assert read(conn, d.member_dn("emma"), MAIL_ATTRS + PRIVATE_ATTRS) is None
    assert found(conn, d.members_dn, "(objectClass=*)") <= {d.member_dn("rosa")}
    assert found(conn, d.members_dn, "(altaMailAlias=*emma*)") == set()
    assert read(conn, f"uid=ana,{d.staff_dn}", ["uid", "cn"]) is None
    assert read(conn, d.group_dn("support"), ["memberUid"]) is None
    assert read(conn, services.slapd.service_dn, ["cn"]) is None


def test_a_member_cannot_change_their_entry_or_password_over_ldap(services, people):
    """Members change their password through the app (current password checked, audited), not LDAP."""
    d, passwords = people
    conn = as_member(services, d, passwords, "rosa")
    conn.modify(d.member_dn("rosa"), {"altaMailQuota": [(MODIFY_REPLACE, ["999999"])]})
    assert conn.result["description"] == "insufficientAccessRights"
    conn.modify(d.member_dn("rosa"), {"mail": [(MODIFY_REPLACE, ["x@example.net"])]})
    assert conn.result["description"] == "insufficientAccessRights"
    assert not conn.extend.standard.modify_password(d.member_dn("rosa"), passwords["rosa"], "Changed-by-ldap-1")
    assert directory.member_can_bind(d, "rosa", passwords["rosa"])


def test_the_service_account_sets_passwords_and_changes_member_entries(app, people):
    d, passwords = people
    directory.set_member_password(d, "rosa", "A-new-one-77")
    assert directory.member_can_bind(d, "rosa", "A-new-one-77")
    assert not directory.member_can_bind(d, "rosa", passwords["rosa"])
    with d.service() as conn:
        assert directory.set_member_locked(conn, d, "rosa", True) == "changed"
        conn.modify(d.member_dn("rosa"), {"cn": [(MODIFY_REPLACE, ["Rosa L."])]})
    assert directory.read_member_entry(d, "rosa", ["cn", "shadowExpire"]) == {"cn": ["Rosa L."],
                                                                              "shadowExpire": ["1"]}


def test_the_service_account_cannot_read_password_hashes(services, people):
    d, _ = people
    with d.service() as conn:
        for dn in (d.member_dn("rosa"), f"uid=ana,{d.staff_dn}", services.slapd.mail_dn):
            entry = read(conn, dn, ["uid", "cn", "userPassword"])
            assert entry and "userPassword" not in entry, dn


def test_staff_accounts_read_no_member_entry_over_ldap(services, people):
    d, passwords = people
    conn = as_staff(services, d, passwords)
    assert read(conn, d.member_dn("rosa"), MAIL_ATTRS + PRIVATE_ATTRS) is None
    assert found(conn, d.members_dn, "(objectClass=*)") == set()
    assert read(conn, f"uid=ana,{d.staff_dn}", ["uid"])["uid"] == [b"ana"]  # their own entry
    conn.modify(d.member_dn("rosa"), {"cn": [(MODIFY_REPLACE, ["x"])]})
    assert conn.result["description"] in ("insufficientAccessRights", "noSuchObject")


def test_the_mail_reader_reads_mail_attributes_only_and_writes_nothing(services, people):
    d, _ = people
    conn = as_mail_reader(services)
    entry = read(conn, d.member_dn("emma"), MAIL_ATTRS + PRIVATE_ATTRS)
    assert set(entry) == set(MAIL_ATTRS)  # every mail attribute, none of the private ones, no password
    assert entry["altaMailQuota"] == [b"500"] and entry["shadowExpire"] == [b"1"]
    assert found(conn, d.members_dn, "(altaMailAlias=contacto.rosa@coop.example)") == {d.member_dn("rosa")}
    assert found(conn, d.members_dn, "(altaMailAlias=*@coop.example)") == {d.member_dn("rosa"), d.member_dn("emma")}
    # It cannot look members up by what it may not read.
    assert found(conn, d.members_dn, "(mail=rosa@example.net)") == set()
    assert read(conn, f"uid=ana,{d.staff_dn}", ["uid"]) is None
    assert read(conn, d.group_dn("support"), ["memberUid"]) is None
    conn.modify(d.member_dn("rosa"), {"altaMailAlias": [(MODIFY_REPLACE, ["thief@coop.example"])]})
    assert conn.result["description"] == "insufficientAccessRights"


def test_anonymous_may_only_bind(services, people):
    d, passwords = people
    conn = Connection(services.slapd.url, raise_exceptions=False)
    assert conn.bind()
    assert read(conn, d.member_dn("rosa"), MAIL_ATTRS + PRIVATE_ATTRS) is None
    assert read(conn, d.base_dn, ["dc"]) is None
    assert directory.member_can_bind(d, "rosa", passwords["rosa"])
    assert directory._binds(d, f"uid=ana,{d.staff_dn}", passwords["ana"])
    assert directory._binds(d, services.slapd.mail_dn, services.slapd.mail_password)


def test_staff_may_change_their_own_password(services, people):
    d, passwords = people
    conn = as_staff(services, d, passwords)
    assert conn.extend.standard.modify_password(f"uid=ana,{d.staff_dn}", passwords["ana"], "Ana-Changed-9")
    assert directory._binds(d, f"uid=ana,{d.staff_dn}", "Ana-Changed-9")


def test_the_production_ldif_carries_the_same_rules_in_order():
    rules = access_rules("dc=example,dc=org", "cn=app,dc=example,dc=org", "cn=mail,dc=example,dc=org")
    ldif = access_ldif("dc=example,dc=org", "cn=app,dc=example,dc=org", "cn=mail,dc=example,dc=org")
    lines = [line for line in ldif.splitlines() if line.startswith("olcAccess:")]
    assert lines == [f"olcAccess: {{{i}}}{rule}" for i, rule in enumerate(rules)]
    assert rules[0].startswith('to dn.subtree="ou=members,dc=example,dc=org" attrs=userPassword')
    assert all("{" not in rule.replace("{1}", "") for rule in rules)


def test_a_bind_with_a_wrong_password_fails_for_every_kind_of_account(services, people):
    d, _ = people
    for dn in (d.member_dn("rosa"), f"uid=ana,{d.staff_dn}", services.slapd.mail_dn, services.slapd.service_dn):
        conn = Connection(services.slapd.url, dn, "wrong-password", raise_exceptions=False)
        assert not conn.bind(), dn
