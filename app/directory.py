"""The one place that talks to LDAP (ldap3): service binds, staff look-ups, member entries.

Every filter value goes through escape_filter_chars and every RDN value through escape_rdn.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from ldap3 import BASE, SUBTREE, Connection, Server
from ldap3.core.exceptions import (
    LDAPBusyResult,
    LDAPCommunicationError,
    LDAPException,
    LDAPServerPoolExhaustedError,
    LDAPUnavailableResult,
)
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn

__all__ = ["LDAPException", "Directory", "escape_filter_chars", "escape_rdn", "ping", "unreachable"]

# The directory not answering (down, restarting, the network cut, "busy"/"unavailable" while it starts):
# worth waiting for and trying again, unlike a refusal about the data or the credentials.
UNREACHABLE = (LDAPCommunicationError, LDAPServerPoolExhaustedError, LDAPBusyResult, LDAPUnavailableResult)


def unreachable(exc: BaseException) -> bool:
    """Whether exc says the directory could not be reached (rather than that it refused something)."""
    return isinstance(exc, UNREACHABLE)


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

STAFF_GROUPS = ("support", "sysadmins", "leadership")  # the names of app.auth.access.Role


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



# --- Staff sign-in (auth): find the person under ou=staff with the service account, bind as them, read groups.

# Staff uids are plain unix-like names; anything else (wildcards, parentheses, commas) is refused before any
# LDAP operation, and escaped anyway in case this pattern is ever loosened.
STAFF_UID_PATTERN = re.compile(r"[a-z_][a-z0-9._-]{0,63}", re.ASCII)


def valid_staff_uid(uid: object) -> bool:
    return isinstance(uid, str) and STAFF_UID_PATTERN.fullmatch(uid) is not None


def staff_groups(d: Directory, uid: str) -> frozenset[str]:
    """The staff groups (support, sysadmins, leadership) whose memberUid lists uid, read with the service account."""
    if not valid_staff_uid(uid):
        return frozenset()
    with d.service() as conn:
        conn.search(d.groups_dn, f"(&(objectClass=posixGroup)(memberUid={escape_filter_chars(uid)}))",
                    SUBTREE, attributes=["cn"])
        names = {str(value) for entry in conn.entries for value in entry.cn.values}
    return frozenset(names & set(STAFF_GROUPS))


def authenticate_staff(d: Directory, uid: str, password: str) -> tuple[str, frozenset[str]] | None:
    """(dn, staff groups) when uid names exactly one entry under ou=staff and password binds as it; else None.

    An empty or whitespace password never reaches the server: a simple bind with a DN and no password is an
    unauthenticated (anonymous) bind, which a server may accept.
    """
    if not valid_staff_uid(uid) or not isinstance(password, str) or not password.strip():
        return None
    dn = d.find_uid(d.staff_dn, uid)
    if not dn or not _binds(d, dn, password):
        return None
    return dn, staff_groups(d, uid)


def _binds(d: Directory, dn: str, password: str) -> bool:
    """Whether a simple bind as dn with password succeeds (callers have refused empty passwords already)."""
    conn = Connection(d.server(), dn, password, receive_timeout=d.timeout, raise_exceptions=False)
    try:
        return bool(conn.bind()) and conn.result.get("result") == 0
    except LDAPException:
        return False
    finally:
        conn.unbind()

# --- Member entries (member services) ---
# Entries under ou=members: inetOrgPerson + posixAccount + shadowAccount, and altaMailAccount (our tiny
# schema, app/members/ldap/alta.schema) for members with hosted mail. Disabling locks an entry with
# shadowExpire=1 (expired since 2 January 1970): the schemas we load have no pwdAccountLockedTime (that
# needs the ppolicy overlay), and PAM/nss-ldap honour shadowExpire while Postfix and Dovecot filter on it
# (see playbooks/inventories/production.example/group_vars/mail.yml). Entries alta creates never carry
# shadowExpire otherwise, so unlocking (removing it) restores exactly the state before the lock.

MEMBER_OBJECT_CLASSES = ("inetOrgPerson", "posixAccount", "shadowAccount")
MAIL_OBJECT_CLASS = "altaMailAccount"
LOCKED_SHADOW_EXPIRE = "1"


class EntryConflict(Exception):
    """A member entry exists with other data than the one we would write; names the attribute."""

    def __init__(self, dn: str, attribute: str):
        super().__init__(f"{dn} exists with a different {attribute}")
        self.dn, self.attribute = dn, attribute


def _as_strings(value) -> list[str]:
    values = value if isinstance(value, (list, tuple, set)) else [value]
    return [str(v) for v in values if v is not None and str(v) != ""]


def _read_raw(conn: Connection, dn: str, attributes: list[str]) -> dict[str, list[str]] | None:
    """The entry's values as strings (no schema formatting), or None when there is no such entry."""
    try:
        found = conn.search(dn, "(objectClass=*)", BASE, attributes=attributes)
    except LDAPException as exc:
        if "NoSuchObject" in type(exc).__name__:
            return None
        raise
    if not found or not conn.response:
        return None
    raw = conn.response[0].get("raw_attributes", {})
    lowered = {k.lower(): v for k, v in raw.items()}
    return {a: [v.decode("utf-8") for v in lowered.get(a.lower(), [])] for a in attributes}


def ensure_member_entry(conn: Connection, d: Directory, uid: str, attributes: dict) -> str:
    """Create the member's entry; "created", or "unchanged" when it exists with the same data.

    Raises EntryConflict naming the first attribute whose existing value differs.
    """
    dn = d.member_dn(uid)
    wanted = {name: _as_strings(value) for name, value in attributes.items()}
    wanted["objectClass"] = list(MEMBER_OBJECT_CLASSES)
    wanted["uid"] = [uid]
    try:
        conn.add(dn, attributes={k: v for k, v in wanted.items() if v})
        return "created"
    except LDAPException as exc:
        if "EntryAlreadyExists" not in type(exc).__name__:
            raise
    existing = _read_raw(conn, dn, sorted(wanted))
    if existing is None:
        raise EntryConflict(dn, "dn")
    for name in sorted(wanted):
        if name == "objectClass":
            have = {v.lower() for v in existing[name]}
            if not {v.lower() for v in wanted[name]} <= have:
                raise EntryConflict(dn, name)
        elif sorted(existing[name]) != sorted(wanted[name]):
            raise EntryConflict(dn, name)
    return "unchanged"


def ensure_mail_account(conn: Connection, d: Directory, uid: str, addresses: list[str], quota_mb: int) -> str:
    """Give the member's entry exactly these mail addresses and this quota; "changed" or "unchanged"."""
    from ldap3 import MODIFY_ADD, MODIFY_REPLACE

    dn = d.member_dn(uid)
    existing = _read_raw(conn, dn, ["objectClass", "altaMailAlias", "altaMailQuota"])
    if existing is None:
        raise EntryConflict(dn, "dn")
    changes = {}
    if MAIL_OBJECT_CLASS.lower() not in {v.lower() for v in existing["objectClass"]}:
        changes["objectClass"] = [(MODIFY_ADD, [MAIL_OBJECT_CLASS])]
    if sorted(v.lower() for v in existing["altaMailAlias"]) != sorted(a.lower() for a in addresses):
        changes["altaMailAlias"] = [(MODIFY_REPLACE, list(addresses))]
    if existing["altaMailQuota"] != [str(int(quota_mb))]:
        changes["altaMailQuota"] = [(MODIFY_REPLACE, [str(int(quota_mb))])]
    if not changes:
        return "unchanged"
    conn.modify(dn, changes)
    return "changed"


def set_member_locked(conn: Connection, d: Directory, uid: str, locked: bool) -> str:
    """Lock (shadowExpire=1) or unlock the entry; "changed" or "unchanged"."""
    from ldap3 import MODIFY_DELETE, MODIFY_REPLACE

    dn = d.member_dn(uid)
    existing = _read_raw(conn, dn, ["shadowExpire"])
    if existing is None:
        raise EntryConflict(dn, "dn")
    is_locked = existing["shadowExpire"] == [LOCKED_SHADOW_EXPIRE]
    if locked and not is_locked:
        conn.modify(dn, {"shadowExpire": [(MODIFY_REPLACE, [LOCKED_SHADOW_EXPIRE])]})
        return "changed"
    if not locked and existing["shadowExpire"]:
        conn.modify(dn, {"shadowExpire": [(MODIFY_DELETE, [])]})
        return "changed"
    return "unchanged"


def read_member_entry(d: Directory, uid: str, attributes: list[str]) -> dict[str, list[str]] | None:
    with d.service() as conn:
        return _read_raw(conn, d.member_dn(uid), attributes)


def set_member_password(d: Directory, uid: str, password: str) -> None:
    """Password Modify extended operation as the service account; slapd stores only the {SSHA} hash."""
    if not password or not password.strip():
        raise ValueError("refusing to set an empty password")
    with d.service() as conn:
        if not conn.extend.standard.modify_password(d.member_dn(uid), new_password=password):
            raise LDAPException(f"password modify refused: {conn.result.get('description')}")


def member_can_bind(d: Directory, uid: str, password: str) -> bool:
    """Whether the member can sign in to the directory with this password (never anonymously)."""
    if not password or not password.strip():
        return False
    conn = Connection(d.server(), d.member_dn(uid), password, receive_timeout=d.timeout, raise_exceptions=False)
    try:
        return bool(conn.bind())
    except LDAPException:
        return False
    finally:
        conn.unbind()


@dataclass(frozen=True)
class MemberSignIn:
    dn: str
    locked: bool  # support switched the member off (shadowExpire=1): the pages say so instead of opening


def authenticate_member(d: Directory, uid: str, password: str) -> MemberSignIn | None:
    """The member's entry when uid names exactly one entry under ou=members and password binds as it.

    Same refusals as staff sign-in: a malformed uid (a wildcard, a filter) or an empty or whitespace
    password never reaches the server. slapd itself does not refuse a locked entry's bind, so we read
    shadowExpire afterwards and say so.
    """
    if not valid_staff_uid(uid) or not isinstance(password, str) or not password.strip():
        return None
    dn = d.find_uid(d.members_dn, uid)
    if not dn or not _binds(d, dn, password):
        return None
    with d.service() as conn:
        entry = _read_raw(conn, dn, ["shadowExpire"])
    return MemberSignIn(dn, entry is not None and entry["shadowExpire"] == [LOCKED_SHADOW_EXPIRE])
