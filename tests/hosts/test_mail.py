"""The mail test host (app/devservices/hosts/mail.py): real Postfix and Dovecot from the production templates,
reading alta's real directory through the mail reader account, delivering into the Maildirs email.yml made."""

from __future__ import annotations

import imaplib
import smtplib
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from app import directory
from app.devservices.hosts.mail import MailHost
from app.extensions import db
from app.members.entries import ensure_entries
from app.provisioning.extravars import item_vars
from tests.members.factories import make_member, plan_jobs
from tests.members.playbooks import run_playbook

pytestmark = [pytest.mark.hosts, pytest.mark.slow]

PASSWORD = "Una-frase-larga-del-correo-1"


@pytest.fixture(scope="module")
def mail_host(services):
    host = MailHost(services.root / "mailhost", services.slapd, Path(services.settings["SANDBOX"]))
    host.setup()
    host.start()
    yield host
    host.stop()


@pytest.fixture
def maria(app, mail_host):
    """A member with two addresses on her own domain, provisioned the way a job does it."""
    member = make_member(username="mariac", services=("email",), email="maria@example.net")
    request = member.service_requests[0]
    request.params = {"domain": "maria-coop.org",
                      "mailboxes": [{"local": "maria", "display_name": ""}, {"local": "contacto", "display_name": ""}]}
    jobs = plan_jobs([member])
    db.session.commit()
    (job,) = jobs
    ensure_entries(job)
    result = run_playbook(job.playbook, [item_vars(i) for i in job.items], Path(app.config["SANDBOX"]), job_id=job.id)
    assert result.status == "successful"
    directory.set_member_password(directory.Directory.from_config(), "mariac", PASSWORD)
    return member


def send(host, to):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "ana@example.org", to, f"para {to}"
    message.set_content("hola")
    with smtplib.SMTP("127.0.0.1", host.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)


def subjects(host, login, password, seconds=15.0) -> set[str]:
    deadline = time.monotonic() + seconds
    while True:
        found = set()
        with imaplib.IMAP4("127.0.0.1", host.imap_port) as imap:
            imap.login(login, password)
            _, boxes = imap.list()
            for line in boxes:
                name = line.decode().rsplit(' "/" ', 1)[-1].strip('"')
                if "\\Noselect" in line.decode():
                    continue
                imap.select(f'"{name}"', readonly=True)
                _, data = imap.search(None, "ALL")
                for num in data[0].split():
                    _, msg = imap.fetch(num, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                    found.add(msg[0][1].decode().split(":", 1)[1].strip())
        if len(found) >= 2 or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_mail_to_each_address_arrives_and_the_member_reads_it_by_username_or_address(mail_host, maria):
    send(mail_host, "maria@maria-coop.org")
    send(mail_host, "contacto@maria-coop.org")
    expected = {"para maria@maria-coop.org", "para contacto@maria-coop.org"}
    assert subjects(mail_host, "mariac", PASSWORD) == expected
    assert subjects(mail_host, "contacto@maria-coop.org", PASSWORD) == expected
    # Where email.yml made them, owned by the member.
    for local in ("maria", "contacto"):
        (delivered,) = (mail_host.home_prefix / "home/mariac/Maildir/maria-coop.org" / local / "new").iterdir()
        assert delivered.stat().st_uid == maria.uid_number
    # The quota from the directory.
    user = mail_host.doveadm("user", "mariac")
    assert user.returncode == 0 and "quota_rule\t*:storage=" in user.stdout, user.stdout + user.stderr


def refused_login(host, login, password) -> bool:
    try:
        with imaplib.IMAP4("127.0.0.1", host.imap_port) as imap:
            imap.login(login, password)
    except imaplib.IMAP4.error:
        return True
    return False


def refused_rcpt(host, to) -> bool:
    with smtplib.SMTP("127.0.0.1", host.smtp_port, timeout=10) as smtp:
        smtp.mail("ana@example.org")
        code, reply = smtp.rcpt(to)
    assert code >= 500 or code == 250, (to, code, reply)  # never a temporary failure (a broken lookup)
    return code >= 500


def test_a_locked_member_is_refused_and_unlocked_works_again(mail_host, maria):
    d = directory.Directory.from_config()
    with d.service() as conn:
        directory.set_member_locked(conn, d, "mariac", True)
    assert refused_login(mail_host, "mariac", PASSWORD)
    assert refused_login(mail_host, "maria@maria-coop.org", PASSWORD)
    assert refused_rcpt(mail_host, "maria@maria-coop.org")
    with d.service() as conn:
        directory.set_member_locked(conn, d, "mariac", False)
    assert not refused_login(mail_host, "mariac", PASSWORD)
    assert not refused_rcpt(mail_host, "contacto@maria-coop.org")


def test_wrong_passwords_and_ldap_metacharacters_match_no_entry(mail_host, maria):
    assert refused_login(mail_host, "mariac", PASSWORD + "x")
    for login in ("*", "mariac)(uid=*", "*)(|(uid=*", "*@maria-coop.org", "maria*"):
        assert refused_login(mail_host, login, PASSWORD), login
    for to in ("*@maria-coop.org", "maria*@maria-coop.org"):
        assert refused_rcpt(mail_host, to), to
    # Keys SMTP would not even parse as one address (parentheses are comments there) go to the maps directly.
    assert mail_host.postmap("mailboxes", "contacto@maria-coop.org").stdout.strip() == "mariac/"
    for key in ("contacto)(uid=*@maria-coop.org", "*)(altaMailAlias=*", "*", "*@*", "\\2a@maria-coop.org"):
        assert mail_host.postmap("mailboxes", key).returncode == 1, key
    for key in ("*", "maria-coop.org)(uid=*", "*coop.org"):
        assert mail_host.postmap("domains", key).returncode == 1, key
    # A domain given as a wildcard is not one of ours.
    assert refused_rcpt(mail_host, "maria@*")
