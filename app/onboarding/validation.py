"""Rules for what an applicant may ask for: usernames, domains, mailboxes. Messages are translated."""

from __future__ import annotations

import re

import idna
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

USERNAME = re.compile(r"^[a-z][a-z0-9-]{2,31}$")
MAILBOX_LOCAL = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$")
# Names the system, the mail servers or the web servers use; a member holding one could impersonate them.
RESERVED_USERNAMES = frozenset({
    "root", "admin", "administrator", "postmaster", "abuse", "www-data", "www", "hostmaster", "webmaster",
    "mail", "mailer-daemon", "nobody", "support", "daemon", "bin", "sys", "sync", "games", "man", "lp",
    "news", "uucp", "proxy", "backup", "list", "irc", "gnats", "operator", "sshd", "systemd-network",
    "nginx", "postfix", "dovecot", "vmail", "redis", "postgres", "openldap", "ftp", "security", "noc",
    "info", "help", "staff", "sysadmin", "sysadmins", "alta", "drupal", "test", "guest", "ansible",
    "noreply", "no-reply", "billing", "ssl-admin", "ssladmin", "dev", "api", "status", "members",
})


def check_username(value: str) -> None:
    """Raise ValidationError with a translated message unless the username may be requested."""
    if not USERNAME.match(value):
        raise ValidationError(_l("Enter a username of 3 to 32 characters: lower-case letters, numbers and "
                                 "hyphens, starting with a letter"))
    if value in RESERVED_USERNAMES:
        raise ValidationError(_l("That username is reserved for the system. Choose another one"))


def normalise_domain(value: str) -> str:
    """The ASCII (IDNA) form of a domain a person typed, or ValidationError."""
    value = value.strip().rstrip(".").lower()
    if not value:
        raise ValidationError(_l("Enter a domain, like example.org"))
    try:
        ascii_name = idna.encode(value, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise ValidationError(_l("Enter a valid domain, like example.org or méxico.org")) from None
    labels = ascii_name.split(".")
    if len(labels) < 2 or len(ascii_name) > 253 or not labels[-1].isalpha() and not labels[-1].startswith("xn--"):
        raise ValidationError(_l("Enter a valid domain, like example.org or méxico.org"))
    return ascii_name


def display_domain(ascii_name: str) -> str:
    """The Unicode form of a stored domain, for showing to people."""
    try:
        return idna.decode(ascii_name)
    except (idna.IDNAError, UnicodeError):
        return ascii_name


def check_mailbox_local(value: str) -> None:
    if not MAILBOX_LOCAL.match(value) or ".." in value:
        raise ValidationError(_l("Enter the part before the @ with lower-case letters, numbers, dots, hyphens "
                                 "or underscores"))


