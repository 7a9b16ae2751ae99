"""A mail host of our own: Postfix (postfix-ldap) and Dovecot (imapd, lmtpd, ldap) from the templates the
production mail hosts use (playbooks/templates/mail/), every file under one folder, on loopback ports.

Postfix accepts mail for members' addresses from the directory and hands it to Dovecot over LMTP;
Dovecot signs members in by binding as them. Runs as root (Postfix's master and Dovecot need it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import jinja2

from app.devservices import free_port, stop_process, traversable, wait_for_port

TEMPLATES = Path(__file__).resolve().parents[3] / "playbooks" / "templates" / "mail"


class MailHost:
    def __init__(self, root: Path, slapd, home_prefix: Path, hostname: str = "mail.test"):
        self.root = Path(root)
        self.slapd = slapd
        self.home_prefix = Path(home_prefix)
        self.hostname = hostname
        self.smtp_port, self.imap_port, self.lmtp_port = free_port(), free_port(), free_port()
        self.dovecot: subprocess.Popen | None = None
        self.postfix: subprocess.Popen | None = None

    @property
    def dovecot_conf(self) -> Path:
        return self.root / "dovecot" / "dovecot.conf"

    def variables(self) -> dict:
        return {
            "mail_ldap_uri": self.slapd.url, "mail_ldap_base_dn": self.slapd.base_dn,
            "mail_ldap_bind_dn": self.slapd.mail_dn, "mail_ldap_bind_password": self.slapd.mail_password,
            "mail_home_prefix": str(self.home_prefix), "mail_hostname": self.hostname,
            "mail_listen": "127.0.0.1", "mail_imap_address": "127.0.0.1", "mail_imap_port": self.imap_port,
            "mail_lmtp_address": "127.0.0.1", "mail_lmtp_port": self.lmtp_port,
            "mail_dovecot_base_dir": str(self.root / "dovecot" / "run"),
            "mail_dovecot_state_dir": str(self.root / "dovecot" / "state"),
            "mail_dovecot_log_path": str(self.root / "dovecot" / "dovecot.log"),
            "mail_dovecot_instance_name": f"alta-{self.root.name}",
            "mail_dovecot_ldap_conf": str(self.root / "dovecot" / "dovecot-ldap.conf.ext"),
            "mail_postfix_config_dir": str(self.root / "postfix"),
            "mail_postfix_queue_dir": str(self.root / "postfix-queue"),
            "mail_postfix_data_dir": str(self.root / "postfix-data"),
            "mail_postfix_log": "/dev/stdout",
            "mail_smtp_listen": f"127.0.0.1:{self.smtp_port}",
            "mail_auth_failure_delay": "0",  # tests try many wrong sign-ins
        }

    def setup(self) -> None:
        for binary in ("postfix", "dovecot"):
            if not shutil.which(binary, path=os.environ.get("PATH", "") + ":/usr/sbin"):
                raise RuntimeError(f"{binary} is not installed: apt-get install postfix postfix-ldap dovecot-imapd "
                                   "dovecot-lmtpd dovecot-ldap")
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), keep_trailing_newline=True,  # noqa: S701 - config files, not HTML
                                 undefined=jinja2.StrictUndefined)
        v = self.variables()
        files = {
            "dovecot/dovecot.conf": "dovecot.conf.j2", "dovecot/dovecot-ldap.conf.ext": "dovecot-ldap.conf.ext.j2",
            "postfix/main.cf": "postfix-main.cf.j2", "postfix/master.cf": "postfix-master.cf.j2",
            "postfix/ldap-domains.cf": "ldap-domains.cf.j2", "postfix/ldap-mailboxes.cf": "ldap-mailboxes.cf.j2",
        }
        for sub in ("dovecot/run", "dovecot/state", "postfix", "postfix-queue"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        for target, template in files.items():
            path = self.root / target
            path.write_text(env.get_template(template).render(**v))
            path.chmod(0o640)
        shutil.chown(self.root / "dovecot" / "dovecot-ldap.conf.ext", "root", "dovecot")
        for name in ("ldap-domains.cf", "ldap-mailboxes.cf"):
            shutil.chown(self.root / "postfix" / name, "root", "postfix")
        (self.root / "postfix-data").mkdir(exist_ok=True)
        shutil.chown(self.root / "postfix-data", "postfix", "postfix")
        self.home_prefix.mkdir(parents=True, exist_ok=True)
        # The member's uid (Dovecot's mail processes) walks down to the sandbox's homes.
        traversable(self.home_prefix)
        traversable(self.root / "dovecot")
        subprocess.run(["/usr/sbin/postfix", "-c", str(self.root / "postfix"), "post-install", "create-missing"],
                       check=True, capture_output=True, text=True)

    def start(self) -> None:
        dlog = open(self.root / "dovecot-stdout.log", "ab")  # noqa: SIM115 - kept open for the child
        self.dovecot = subprocess.Popen(["/usr/sbin/dovecot", "-F", "-c", str(self.dovecot_conf)],
                                        stdout=dlog, stderr=dlog, start_new_session=True)
        wait_for_port(self.imap_port, self.dovecot, name="dovecot")
        wait_for_port(self.lmtp_port, self.dovecot, name="dovecot lmtp")
        plog = open(self.root / "postfix.log", "ab")  # noqa: SIM115 - kept open for the child
        self.postfix = subprocess.Popen(["/usr/sbin/postfix", "-c", str(self.root / "postfix"), "start-fg"],
                                        stdout=plog, stderr=plog, start_new_session=True)
        wait_for_port(self.smtp_port, self.postfix, name="postfix")

    def doveadm(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["/usr/bin/doveadm", "-c", str(self.dovecot_conf), *args],
                              capture_output=True, text=True, timeout=30)

    def postmap(self, table: str, key: str) -> subprocess.CompletedProcess:
        """Look key up in one of the LDAP maps, as Postfix does (rc 0 found, 1 not found)."""
        return subprocess.run(["/usr/sbin/postmap", "-c", str(self.root / "postfix"), "-q", key,
                               f"ldap:{self.root}/postfix/ldap-{table}.cf"], capture_output=True, text=True, timeout=30)

    def stop(self) -> None:
        if self.postfix is not None and self.postfix.poll() is None:
            subprocess.run(["/usr/sbin/postfix", "-c", str(self.root / "postfix"), "stop"], capture_output=True)
        stop_process(self.postfix)
        stop_process(self.dovecot)
        self.postfix = self.dovecot = None
