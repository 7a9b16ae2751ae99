"""The one place that talks to LDAP (ldap3): service binds, staff look-ups, member entries.

Every filter value goes through escape_filter_chars and every RDN value through escape_rdn.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from ldap3 import BASE, SUBTREE, Connection, Server
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn

__all__ = ["LDAPException", "Directory", "escape_filter_chars", "escape_rdn", "ping"]


@dataclass(frozen=True)
class Directory:
    url: str
    base_dn: str
    service_dn: str
    service_password: str
    timeout: int = 5

    @classmethod
    def from_config(cls, config=None) -> Directory:
        c = config or current_app.config
        return cls(c["LDAP_URL"], c["LDAP_BASE_DN"], c["LDAP_SERVICE_DN"], c["LDAP_SERVICE_PASSWORD"],
                   int(c["LDAP_TIMEOUT"]))

    @property
    def members_dn(self) -> str:
        return f"ou=members,{self.base_dn}"

    @property
    def staff_dn(self) -> str:
        return f"ou=staff,{self.base_dn}"

    @property
    def groups_dn(self) -> str:
        return f"ou=groups,{self.base_dn}"

    def server(self) -> Server:
        return Server(self.url, connect_timeout=self.timeout)

    @contextmanager
    def service(self):
        """A connection bound as the service account; raises LDAPException when that fails."""
        if not self.service_password:
            raise LDAPException("no service password is configured")
        conn = Connection(self.server(), self.service_dn, self.service_password,
                          receive_timeout=self.timeout, raise_exceptions=True)
        conn.bind()
        try:
            yield conn
        finally:
            conn.unbind()

    def group_dn(self, group: str) -> str:
        return f"cn={escape_rdn(group)},{self.groups_dn}"

    def member_dn(self, uid: str) -> str:
        return f"uid={escape_rdn(uid)},{self.members_dn}"

    def exists(self, dn: str) -> bool:
        with self.service() as conn:
            try:
                return conn.search(dn, "(objectClass=*)", BASE, attributes=[])
            except LDAPException as exc:
                if "noSuchObject" in type(exc).__name__ or "NoSuchObject" in type(exc).__name__:
                    return False
                raise

    def find_uid(self, base: str, uid: str) -> str | None:
        """The DN of the one entry under base whose uid equals uid exactly, or None."""
        with self.service() as conn:
            conn.search(base, f"(uid={escape_filter_chars(uid)})", SUBTREE, attributes=["uid"], size_limit=2)
            entries = conn.entries
            if len(entries) != 1:
                return None
            return entries[0].entry_dn


def ping() -> None:
    """Bind as the service account and read the base entry; raises when the directory is not usable."""
    d = Directory.from_config()
    with d.service() as conn:
        conn.search(d.base_dn, "(objectClass=*)", BASE, attributes=["dc"])


# --- Staff accounts (development set-up and tests): bound as the directory's administrator. ---

STAFF_GROUPS = ("support", "sysadmins")


@contextmanager
def admin_connection(d: Directory, admin_dn: str, admin_password: str):
    conn = Connection(d.server(), admin_dn, admin_password, receive_timeout=d.timeout, raise_exceptions=True)
    conn.bind()
    try:
        yield conn
    finally:
        conn.unbind()


def staff_dn(d: Directory, uid: str) -> str:
    return f"uid={escape_rdn(uid)},{d.staff_dn}"


def ensure_staff_account(conn: Connection, d: Directory, uid: str, password: str, groups: tuple[str, ...]) -> str:
    """Create or reset a staff entry and put it in exactly the given staff groups."""
    dn = staff_dn(d, uid)
    attrs = {"objectClass": ["inetOrgPerson"], "uid": uid, "cn": uid, "sn": uid}
    try:
        conn.add(dn, attributes=attrs)
    except LDAPException as exc:
        if "EntryAlreadyExists" not in type(exc).__name__:
            raise
    conn.extend.standard.modify_password(dn, new_password=password)
    for group in STAFF_GROUPS:
        set_group_member(conn, d, uid, group, group in groups)
    return dn


def set_group_member(conn: Connection, d: Directory, uid: str, group: str, present: bool) -> None:
    from ldap3 import MODIFY_ADD, MODIFY_DELETE

    dn = d.group_dn(group)
    conn.search(dn, f"(memberUid={escape_filter_chars(uid)})", BASE, attributes=["memberUid"])
    is_member = bool(conn.entries)
    if present and not is_member:
        conn.modify(dn, {"memberUid": [(MODIFY_ADD, [uid])]})
    elif not present and is_member:
        conn.modify(dn, {"memberUid": [(MODIFY_DELETE, [uid])]})
