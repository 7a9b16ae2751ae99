"""End to end with real slapd, Redis, a real RQ worker process and ansible-runner: approval → three jobs
successful → directory entry, sandbox files, drush stand-in calls → activation email → password → bind.

Approval here is what the review area's approval does (member row + one job per service kind, in one
transaction); the wizard and the review pages have their own tests.
"""

from __future__ import annotations

import re
import subprocess

from sqlalchemy import select

from app import directory
from app.extensions import db
from app.models import JobState, Outbox, ProvisioningJob, ServiceRequest, ServiceState
from app.provisioning.extravars import item_vars
from tests.members.factories import make_member, plan_jobs
from tests.members.playbooks import drush_calls, run_playbook
from tests.support import wait_for

HOSTILE = "Zoë \"{{ lookup('pipe','touch /tmp/alta-e2e-pwned') }}\" $(touch /tmp/alta-e2e-pwned2) ,=+<>;\\ *)(uid=*)"
PASSWORD = "a long and memorable passphrase"




def test_approval_provisions_everything_and_the_member_sets_a_password(mailbox, app, worker_process, sandbox,
                                                                     client, form):
    make_member(username="bystander", full_name="Bystander", state=ServiceState.ACTIVE)
    db.session.commit()
    members = [make_member(username="rosa", full_name="Rosa Luxemburgo", email="rosa@example.net"),
               make_member(username="zoe", full_name=HOSTILE, kind="organisation",
                           organisation_name="Org {{ 7*7 }} $(id)", language="es")]
    jobs = plan_jobs(members, requested_by="reviewer")
    db.session.commit()  # the outbox pushes the three jobs to Redis after this commit

    def finished():
        states = db.session.scalars(select(ProvisioningJob.state).where(
            ProvisioningJob.id.in_([j.id for j in jobs]))).all()
        return states if all(s in {JobState.SUCCESSFUL, JobState.FAILED, JobState.TIMEOUT, JobState.LOST,
                                   JobState.CANCELED} for s in states) else None

    states = wait_for(finished, 240, what="the three jobs", fresh_session=True)
    errors = db.session.scalars(select(ProvisioningJob.error).where(ProvisioningJob.id.in_([j.id for j in jobs])))
    assert states == [JobState.SUCCESSFUL] * 3, list(errors)
    assert set(db.session.scalars(select(ServiceRequest.state).where(
        ServiceRequest.member_id.in_([m.id for m in members])))) == {ServiceState.ACTIVE}

    d = directory.Directory.from_config()
    for m in members:
        entry = directory.read_member_entry(d, m.uid, ["uidNumber", "homeDirectory", "sn", "altaMailAlias"])
        assert entry["uidNumber"] == [str(m.uid_number)] and entry["homeDirectory"] == [f"/home/{m.uid}"]
        assert entry["altaMailAlias"] == [f"{m.uid}@{m.uid}.example.org"]
        web = sandbox / "home" / m.uid / "web"
        maildir = sandbox / "home" / m.uid / "Maildir" / f"{m.uid}.example.org" / m.uid / "new"
        assert web.stat().st_uid == m.uid_number and maildir.stat().st_uid == m.uid_number
    assert directory.read_member_entry(d, "zoe", ["sn"])["sn"] == [HOSTILE]
    assert directory.read_member_entry(d, "bystander", ["sn"]) is None  # never provisioned, never touched
    check = subprocess.run(["/usr/sbin/nginx", "-t", "-c", f"{sandbox}/nginx/nginx.conf", "-p", f"{sandbox}/nginx/"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    created = [(c["args"][0], c["options"]["mail"]) for c in drush_calls(sandbox) if c["command"] == "user:create"]
    assert sorted(created) == [("rosa", "rosa@example.net"), ("zoe", members[1].application.email)]
    roles = [c["args"] for c in drush_calls(sandbox) if c["command"] == "user:role:add"]
    assert roles == [["member", "rosa,zoe"]]
    assert not list(sandbox.rglob("*pwned*"))
    assert not any(p.exists() for p in (sandbox.parent / "alta-e2e-pwned", sandbox.parent / "alta-e2e-pwned2"))

    # A second run of the three playbooks with the same items changes nothing.
    for job in jobs:
        job = db.session.get(ProvisioningJob, job.id)
        rerun = run_playbook(job.playbook, [item_vars(i) for i in job.items], sandbox, job_id=job.id)
        assert (rerun.status, rerun.changed) == ("successful", 0), job.playbook

    # The activation email (one per member), then the password through the page, then an LDAP bind.
    rosa = members[0]

    def activation_row():
        return db.session.scalar(select(Outbox).where(Outbox.kind == "mail", Outbox.payload["member_id"].as_integer()
                                                      == rosa.id))
    wait_for(activation_row, 30, what="the activation email to be queued", fresh_session=True)

    wait_for(lambda: mailbox.to("rosa@example.net"), 30, what="the worker to send the activation email",
             fresh_session=True)
    worker_process.terminate()
    worker_process.wait(30)
    (message,) = mailbox.to("rosa@example.net")
    token = re.search(r"/activate/([A-Za-z0-9_-]+)", message.get_body(("plain",)).get_content()).group(1)
    answer = form.post(client, f"/activate/{token}", {"password": PASSWORD, "confirm": PASSWORD})
    assert answer.status_code == 303
    assert directory.member_can_bind(d, "rosa", PASSWORD)
    assert client.get(f"/activate/{token}").status_code == 404
