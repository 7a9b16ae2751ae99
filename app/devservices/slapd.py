"""A slapd of our own: config, database and pid files in one folder, listening on 127.0.0.1 only."""

from __future__ import annotations

import secrets
import shutil
import subprocess
from pathlib import Path

from app.auth.access import Role
from app.devservices import stop_process, wait_for_port

SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")
SCHEMAS = ("core", "cosine", "nis", "inetorgperson")
# Mail aliases and quota for the mail servers (member services); production directories load it too.
ALTA_SCHEMA = Path(__file__).resolve().parents[1] / "members" / "ldap" / "alta.schema"
# Who may read and write what: the same rules production loads (see the file's header).
ACCESS_RULES = ALTA_SCHEMA.with_name("access.conf")
STAFF_GROUPS = tuple(Role)

CONFIG = """\
# Written by alta's app/devservices/slapd.py: a private directory for development and tests.
{includes}
modulepath {module_dir}
moduleload back_mdb
pidfile {root}/slapd.pid
argsfile {root}/slapd.args
password-hash {{SSHA}}
loglevel none

database mdb
maxsize 268435456
suffix "{base}"
rootdn "{admin_dn}"
rootpw {admin_hash}
directory {root}/data
index objectClass eq
index uid,memberUid,mail eq
index altaMailAlias eq

{access}
"""


def access_rules(base: str, service_dn: str, mail_dn: str) -> list[str]:
    """The rules of app/members/ldap/access.conf, each "to … by …" on one line, for this directory."""
    rules: list[str] = []
    for line in ACCESS_RULES.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        filled = line.strip().format(base=base, service_dn=service_dn, mail_dn=mail_dn)
        if line.startswith("to "):
            rules.append(filled)
        else:
            rules[-1] += " " + filled
    return rules


def access_ldif(base: str, service_dn: str, mail_dn: str, database_dn: str = "olcDatabase={1}mdb,cn=config") -> str:
    """The same rules as an LDIF that replaces olcAccess of a cn=config database (ldapmodify -Y EXTERNAL)."""
    lines = [f"dn: {database_dn}", "changetype: modify", "replace: olcAccess"]
    lines += [f"olcAccess: {{{i}}}{rule}" for i, rule in enumerate(access_rules(base, service_dn, mail_dn))]
    return "\n".join(lines) + "\n"


def _hash(password: str) -> str:
    out = subprocess.run(["slappasswd", "-n", "-s", password], check=True, capture_output=True, text=True)
    return out.stdout.strip()


class Slapd:
    def __init__(self, root: Path, port: int, base_dn: str = "dc=alta,dc=coop"):
        self.root = Path(root)
        self.port = port
        self.base_dn = base_dn
        self.admin_dn = f"cn=admin,{base_dn}"
        self.service_dn = f"cn=alta-service,{base_dn}"
        # The mail servers' read-only account (app/members/ldap/access.conf).
        self.mail_dn = f"cn=alta-mail,{base_dn}"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    def _secret(self, name: str) -> str:
        path = self.root / name
        if not path.exists():
            path.write_text(secrets.token_urlsafe(24) + "\n")
            path.chmod(0o600)
        return path.read_text().strip()

    @property
    def admin_password(self) -> str:
        return self._secret("admin-password")

    @property
    def service_password(self) -> str:
        return self._secret("service-password")

    @property
    def mail_password(self) -> str:
        return self._secret("mail-password")

    def setup(self) -> None:
        """Write the config and load the base tree once; a second call changes nothing."""
        if not shutil.which("slapd"):
            raise RuntimeError("slapd is not installed: apt-get install slapd ldap-utils")
        self.root.mkdir(parents=True, exist_ok=True)
        data = self.root / "data"
        conf = self.root / "slapd.conf"
        conf.write_text(CONFIG.format(
            includes="\n".join([f"include {SCHEMA_DIR / s}.schema" for s in SCHEMAS] + [f"include {ALTA_SCHEMA}"]),
            module_dir=MODULE_DIR, root=self.root, base=self.base_dn, admin_dn=self.admin_dn,
            admin_hash=_hash(self.admin_password), service_dn=self.service_dn,
            access="\n".join("access " + rule for rule in access_rules(self.base_dn, self.service_dn, self.mail_dn)),
        ))
        if (data / "data.mdb").exists():
            # A folder made before the mail reader existed gets it (slapd is not running during setup).
            found = subprocess.run(["slapcat", "-f", str(conf), "-a", f"(cn={self.mail_dn.split(',')[0][3:]})"],
                                   check=True, capture_output=True, text=True).stdout
            if not found.strip():
                subprocess.run(["slapadd", "-f", str(conf), "-b", self.base_dn], input=self.mail_reader_ldif(),
                               check=True, capture_output=True, text=True)
            return
        data.mkdir(exist_ok=True)
        subprocess.run(["slaptest", "-f", str(conf), "-u"], check=True, capture_output=True)
        subprocess.run(["slapadd", "-f", str(conf), "-b", self.base_dn], input=self.base_ldif(),
                       check=True, capture_output=True, text=True)

    def base_ldif(self) -> str:
        dc = self.base_dn.split(",")[0].split("=")[1]
        entries = [
            f"dn: {self.base_dn}\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\n"
            f"dc: {dc}\no: alta\n",
            f"dn: {self.service_dn}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
            f"cn: alta-service\nuserPassword: {_hash(self.service_password)}\n",
            self.mail_reader_ldif(),
        ]
        for ou in ("members", "staff", "groups"):
            entries.append(f"dn: ou={ou},{self.base_dn}\nobjectClass: organizationalUnit\nou: {ou}\n")
        for gid, group in enumerate(STAFF_GROUPS, start=5001):
            entries.append(f"dn: cn={group},ou=groups,{self.base_dn}\nobjectClass: posixGroup\n"
                           f"cn: {group}\ngidNumber: {gid}\n")
        return "\n".join(entries)

    def mail_reader_ldif(self) -> str:
        return (f"dn: {self.mail_dn}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
                f"cn: alta-mail\nuserPassword: {_hash(self.mail_password)}\n")

    def start(self) -> None:
        conf = self.root / "slapd.conf"
        log = open(self.root / "slapd.log", "ab")  # noqa: SIM115 - kept open for the child's lifetime
        self.process = subprocess.Popen(
            ["slapd", "-f", str(conf), "-h", f"ldap://127.0.0.1:{self.port}/", "-d", "0"],
            stdout=log, stderr=log, start_new_session=True,
        )
        wait_for_port(self.port, self.process, name="slapd")

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None
