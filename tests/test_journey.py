"""The whole journey the way people make it: an applicant fills in the wizard (the emailed link verifies the
address), a reviewer signs in and approves through the real forms, a real RQ worker process runs the three
jobs with ansible-runner and the real playbooks (sandbox inventory; Drupal replaced by the drush stand-in),
a second run of the playbooks changes nothing, the activation email arrives in the applicant's language, the
password is set and an LDAP bind works.

Also: a rejection through the review page leaves nothing behind but the reason on the status page.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import directory
from app.extensions import db
from app.models import Application, JobState, Member, ProvisioningJob, ServiceRequest
from app.provisioning.extravars import item_vars
from tests.auth.conftest import sign_in
from tests.members.playbooks import drush_calls, run_playbook
from tests.onboarding.conftest import DOCUMENTS, Wizard, latest_application
from tests.support import members_in_directory, wait_for

MARKERS = (Path("/tmp/alta-journey-pwned"), Path("/tmp/alta-journey-pwned2"))  # noqa: S108 - what an attack would touch
FULL_NAME = "Zoë Ñúñez *)(uid=*) cn=x,dc=evil {{ lookup('pipe','touch /tmp/alta-journey-pwned') }}"
ORGANISATION = "Cooperativa Ñandú, cn=x,dc=evil $(touch /tmp/alta-journey-pwned2)"
MAILBOX_NAME = "Buzón *)(uid=* {{ lookup('pipe','touch /tmp/alta-journey-pwned') }}$(touch /tmp/alta-journey-pwned2)"
PASSWORD = "una frase larga y fácil de recordar"
ROSA_PASSWORD = "Rosa-journey-password-1"
FINISHED = {JobState.SUCCESSFUL, JobState.FAILED, JobState.TIMEOUT, JobState.LOST, JobState.CANCELED}

# What the applicant reads, per language (the translations are the onboarding and members areas').
WORDS = {
    "en": {"active": "Welcome to the cooperative! Your membership is active and your services are ready.",
           "ready": "Ready", "activation": "Your cooperative accounts are ready: set your password"},
    "es": {"active": "¡Bienvenida, bienvenido a la cooperativa! Tu membresía está activa y tus servicios están "
                     "listos.",
           "ready": "Listo", "activation": "Tus cuentas de la cooperativa están listas: elige tu contraseña"},
}


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _link(mailbox, address: str, path: str, seconds: float = 30) -> str:
    """The path of the first link containing `path` in a message to `address` (waits for the worker)."""
    def find():
        for message in mailbox.to(address):
            match = re.search(rf"https?://[^/\s]+({re.escape(path)}[A-Za-z0-9_.-]+)", _text(message))
            if match:
                return match.group(1)
        return None
    return wait_for(find, seconds, what=f"an email to {address} with a {path} link", fresh_session=True)


def _reviewer(app, staff, form):
    staff.create("rosa", "support", password=ROSA_PASSWORD)
    reviewer = app.test_client()
    sign_in(reviewer, form, "rosa", ROSA_PASSWORD)
    return reviewer


def _apply(wizard: Wizard, language: str, about: dict, services: dict | None = None, mailbox=None) -> str:
    """The wizard from the first page to the submission; returns the status page path from the email."""
    response = wizard.start(language=language, **about)
    assert response.status_code == 303, response.get_data(as_text=True)
    if mailbox is not None:  # the verification link as emailed (the worker sends it)
        verify = _link(mailbox, about["email"], "/join/verify/")
        assert wizard.client.get(verify).status_code == 303
    else:
        assert wizard.verify().status_code == 303
    for kind in DOCUMENTS:
        assert wizard.accept(kind).status_code == 303, kind
    assert wizard.why().status_code == 303
    assert wizard.commitments(dues="USD:50" if about.get("kind") == "organisation" else "USD:10").status_code == 303
    response = wizard.services(**(services or {}))
    assert response.status_code == 303, response.get_data(as_text=True)
    response = wizard.submit()
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/sent")
    from app.onboarding import tokens

    return f"/status/{tokens.token_for(latest_application())}"


@pytest.mark.parametrize("language", ["en", "es"])
def test_applicant_to_member_with_working_accounts_through_the_real_pages(
        mailbox, app, worker_process, client, form, documents, staff, clean_state, language):
    for marker in MARKERS:
        marker.unlink(missing_ok=True)
    email = f"zoe-{language}@example.org"
    status_path = _apply(Wizard(client, form), language, {
        "email": email, "full_name": FULL_NAME, "kind": "organisation", "organisation_name": ORGANISATION,
        "contact_person": "", "organisation_size": ""}, services={
        "username": "zoecoop", "hosting_domain": "zoe-coop.org", "mailboxes-0-local": "zoe",
        "mailboxes-0-display_name": MAILBOX_NAME}, mailbox=mailbox)
    application = latest_application()
    assert application.state == "submitted" and application.language == language

    reviewer = _reviewer(app, staff, form)
    assert ORGANISATION in reviewer.get("/review/").get_data(as_text=True).replace("&#39;", "'")
    detail = f"/review/{application.id}"
    # An organisation: the cooperative's policy asks for a welcome conversation, recorded, before approval.
    response = form.post(reviewer, f"{detail}/conversation/record", {
        "held_on": date.today().isoformat(), "held_with": "revisora", "language": language,
        "notes": "Hablamos de los valores.", "questions": ""}, get_url=detail)
    assert response.status_code == 303
    response = form.post(reviewer, f"{detail}/approve", {"reason": ""}, get_url=detail)
    assert response.status_code == 303 and response.headers["Location"].endswith(detail)

    member = db.session.scalars(select(Member)).one()
    job_ids = list(db.session.scalars(select(ProvisioningJob.id)))
    assert len(job_ids) == 3

    def finished():
        rows = list(db.session.scalars(select(ProvisioningJob).where(ProvisioningJob.id.in_(job_ids))))
        return rows if all(j.state in FINISHED for j in rows) else None

    jobs = wait_for(finished, 50, what="the three provisioning jobs", fresh_session=True)
    assert [j.state for j in jobs] == [JobState.SUCCESSFUL] * 3, [(j.playbook, j.error) for j in jobs]
    assert {r.state for r in db.session.scalars(select(ServiceRequest))} == {"active"}

    # The directory entry: the right attributes, the hostile names as plain text, nothing else created.
    d = directory.Directory.from_config()
    entry = directory.read_member_entry(d, "zoecoop", [
        "uid", "uidNumber", "gidNumber", "homeDirectory", "mail", "cn", "sn", "o"])
    assert entry["uid"] == ["zoecoop"] and entry["homeDirectory"] == ["/home/zoecoop"]
    assert int(entry["uidNumber"][0]) == member.uid_number >= 10000
    assert entry["gidNumber"] == [str(member.uid_number)] and entry["mail"] == [email]
    assert entry["cn"] == [ORGANISATION] and entry["sn"] == [FULL_NAME] and entry["o"] == [ORGANISATION]
    assert members_in_directory(clean_state) == [d.member_dn("zoecoop")]

    # The sandbox: web root and Maildir owned by the member, the display name verbatim, nginx accepts it all.
    sandbox = Path(app.config["SANDBOX"])
    home = sandbox / "home" / "zoecoop"
    assert (home / "web").stat().st_uid == member.uid_number
    assert (home / "Maildir" / "zoe-coop.org" / "zoe" / "new").stat().st_uid == member.uid_number
    assert f"{MAILBOX_NAME} <zoe@zoe-coop.org>" in (home / "Maildir" / "identities").read_text()
    check = subprocess.run(["/usr/sbin/nginx", "-t", "-c", f"{sandbox}/nginx/nginx.conf", "-p", f"{sandbox}/nginx/"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    calls = drush_calls(sandbox)
    assert [(c["args"], c["options"].get("mail")) for c in calls if c["command"] == "user:create"] == [
        (["zoecoop"], email)]
    assert [c["args"] for c in calls if c["command"] == "user:role:add"] == [["member", "zoecoop"]]
    for job in jobs:  # a second run of each playbook with the same items changes nothing
        rerun = run_playbook(job.playbook, [item_vars(i) for i in job.items], sandbox, job_id=job.id)
        assert (rerun.status, rerun.changed) == ("successful", 0), job.playbook

    # The applicant's status page (a fresh browser, by the emailed link) shows every service ready.
    page = app.test_client().get(status_path).get_data(as_text=True)
    assert WORDS[language]["active"] in page
    assert page.count("tag--active") == 3 and page.count(f">{WORDS[language]['ready']}</strong>") == 3

    # The activation email, in the applicant's language; the password page; a bind; the link is spent.
    activate = _link(mailbox, email, "/activate/", seconds=30)
    (letter,) = [m for m in mailbox.to(email) if "/activate/" in _text(m)]
    assert letter["Subject"] == WORDS[language]["activation"]
    browser = app.test_client()
    assert form.post(browser, activate, {"password": PASSWORD, "confirm": PASSWORD}).status_code == 303
    assert directory.member_can_bind(d, "zoecoop", PASSWORD)
    assert not directory.member_can_bind(d, "zoecoop", PASSWORD + "x")
    assert browser.get(activate).status_code == 404
    again = {"password": "another long passphrase", "confirm": "another long passphrase"}
    assert form.post(browser, activate, again, get_url="/join/").status_code == 404  # a valid CSRF token
    assert directory.member_can_bind(d, "zoecoop", PASSWORD)

    # Nothing the applicant typed was ever run: no marker file anywhere it could have been written.
    assert not any(marker.exists() for marker in MARKERS)
    assert not list(sandbox.rglob("alta-journey-pwned*"))


def test_rejection_through_the_review_page_leaves_no_member_job_or_entry(
        app, client, form, documents, staff, clean_state, drain):
    reason = "Tu dominio no parece ser tuyo *)(uid=*) <b>{{ 7*7 }}</b>"
    status_path = _apply(Wizard(client, form), "es", {"email": "luz@example.org", "full_name": "Luz Ángeles"},
                         services={"username": "luzangeles"})
    application = latest_application()
    reviewer = _reviewer(app, staff, form)
    detail = f"/review/{application.id}"
    response = form.post(reviewer, f"{detail}/reject", {"reason": reason}, get_url=detail)
    assert response.status_code == 303
    drain()  # the rejection email and anything else queued: no job may appear

    db.session.expire_all()
    assert db.session.get(Application, application.id).state == "rejected"
    assert db.session.scalar(select(func.count()).select_from(Member)) == 0
    assert db.session.scalar(select(func.count()).select_from(ProvisioningJob)) == 0
    requests = list(db.session.scalars(select(ServiceRequest)))
    assert requests and {r.state for r in requests} == {"requested"} and {r.member_id for r in requests} == {None}
    assert members_in_directory(clean_state) == []
    page = app.test_client().get(status_path).get_data(as_text=True)
    assert 'id="decision-reason"' in page
    assert "Tu dominio no parece ser tuyo *)(uid=*) &lt;b&gt;{{ 7*7 }}&lt;/b&gt;" in page
