"""Development staff accounts `reviewer` (support) and `sysadmin` (sysadmins) in the local directory."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app

from app import directory
from app.auth.access import Role

DEV_ACCOUNTS = {"reviewer": (Role.SUPPORT,), "sysadmin": (Role.SYSADMINS,)}


def ensure(output: str | None = None) -> dict[str, str]:
    """Give each development account a fresh random password; write `uid password` lines to output."""
    instance = Path(current_app.instance_path)
    admin_password = (instance / "ldap" / "admin-password").read_text().strip()
    d = directory.Directory.from_config()
    passwords = {uid: secrets.token_urlsafe(12) for uid in DEV_ACCOUNTS}
    with directory.admin_connection(d, f"cn=admin,{d.base_dn}", admin_password) as conn:
        for uid, groups in DEV_ACCOUNTS.items():
            directory.ensure_staff_account(conn, d, uid, passwords[uid], groups)
    path = Path(output) if output else instance / "dev-credentials"
    path.write_text("".join(f"{uid} {password}\n" for uid, password in passwords.items()))
    path.chmod(0o600)
    return passwords
