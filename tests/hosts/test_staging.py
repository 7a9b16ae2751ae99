"""The production path for real: a member approved through the real pages with ALTA_INVENTORY=staging gets
their site from the staging hosts (the worker runs the playbooks over SSH to a real sshd): HTTPS for their
own domain with a certificate from Pebble, PHP running as their uidNumber; switched off, the site is no
longer served, switched on it is again; second runs change nothing; with the SSH host down the job fails
naming the host in the console, and a relaunch once it is back succeeds.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import JobState, Member, ProvisioningJob
from app.provisioning.extravars import item_vars
from tests.auth.conftest import sign_in
from tests.members.playbooks import PLAYBOOKS, run_playbook
from tests.onboarding.conftest import SERVICES, Wizard, latest_application
from tests.support import wait_for
from tests.test_journey import FINISHED, _apply, _reviewer

pytestmark = [pytest.mark.hosts, pytest.mark.slow]

STAGING = PLAYBOOKS / "inventories" / "staging"
DOMAIN = "rio-coop.org"
WHOAMI = "<?php echo 'uid=' . posix_getuid() . ' site=rio';\n"


def _jobs_after(job_id: int, count: int) -> list[ProvisioningJob]:
    """Waits for `count` jobs newer than job_id to finish; returns them."""
    def finished():
        rows = list(db.session.scalars(select(ProvisioningJob).where(ProvisioningJob.id > job_id)
                                       .order_by(ProvisioningJob.id)))
        return rows if len(rows) == count and all(j.state in FINISHED for j in rows) else None
    return wait_for(finished, 120, step=0.3, what=f"{count} job(s) after job {job_id}", fresh_session=True)


def _last_job_id() -> int:
    return db.session.scalar(select(func.max(ProvisioningJob.id))) or 0


def _switch(reviewer, form, application_id: int, how: str) -> int:
    detail = f"/review/{application_id}"
    before = _last_job_id()
    response = form.post(reviewer, f"{detail}/member/{how}", {"reason": f"staging test: {how}"}, get_url=detail)
    assert response.status_code == 303, response.get_data(as_text=True)
    return before


def test_a_member_approved_through_the_pages_gets_https_php_as_their_uid_and_switches_off_and_on(
        staging, site, mailbox, app, worker_process, client, form, documents, staff):
    status_path = _apply(Wizard(client, form), "es", {"email": "rio@example.org", "full_name": "Río Pérez"},
                         services={**SERVICES, "username": "riocoop", "hosting_domain": DOMAIN,
                                   "mailboxes-0-local": "rio"})
    application = latest_application()
    reviewer = _reviewer(app, staff, form)
    detail = f"/review/{application.id}"
    assert form.post(reviewer, f"{detail}/approve", {"reason": ""}, get_url=detail).status_code == 303
    jobs = _jobs_after(0, 3)
    assert [j.state for j in jobs] == [JobState.SUCCESSFUL] * 3, [(j.playbook, j.error) for j in jobs]
    member = db.session.scalars(select(Member)).one()
    assert "tag--active" in app.test_client().get(status_path).get_data(as_text=True)

    # The member's web root on the web host, owned by them; a PHP file there runs as their uidNumber.
    web_root = staging.fs / "home" / "riocoop" / "web"
    assert web_root.stat().st_uid == member.uid_number
    (web_root / "whoami.php").write_text(WHOAMI)
    for name in (DOMAIN, f"www.{DOMAIN}"):
        answer = site.fetch(name, "/whoami.php")
        assert (answer.status, answer.body) == (200, f"uid={member.uid_number} site=rio"), answer
        plain = site.fetch(name, "/whoami.php", https=False)
        assert plain.status == 301 and plain.location == \
            f"https://{name}:{staging.web.https_port}/whoami.php", plain
    assert site.fetch("not-a-member.org").status is None  # no certificate for a name nobody claims

    # The same playbooks, run again over SSH with the same items, change nothing.
    for job in jobs:
        rerun = run_playbook(job.playbook, [item_vars(i) for i in job.items], staging.root, job_id=job.id,
                             inventory=STAGING)
        assert (rerun.status, rerun.changed) == ("successful", 0), (job.playbook, rerun.stdout[-2000:])

    # Switched off by support: the site is no longer served (HTTPS or HTTP); switched on: it is again.
    off = _jobs_after(_switch(reviewer, form, application.id, "disable"), 3)
    assert [j.state for j in off] == [JobState.SUCCESSFUL] * 3, [(j.playbook, j.error) for j in off]
    assert site.fetch(DOMAIN, "/whoami.php").status is None
    assert site.fetch(DOMAIN, "/whoami.php", https=False).status == 404
    on = _jobs_after(_switch(reviewer, form, application.id, "enable"), 3)
    assert [j.state for j in on] == [JobState.SUCCESSFUL] * 3, [(j.playbook, j.error) for j in on]
    answer = site.fetch(DOMAIN, "/whoami.php")
    assert (answer.status, answer.body) == (200, f"uid={member.uid_number} site=rio"), answer

    # The SSH host goes down: switching off fails, and the console names the host that could not be reached.
    staging.ssh.stop()
    try:
        failed = _jobs_after(_switch(reviewer, form, application.id, "disable"), 3)
        assert {j.state for j in failed} == {JobState.FAILED}, [(j.playbook, j.state) for j in failed]
        hosting = next(j for j in failed if j.playbook == "hosting.yml")
        sysadmin = app.test_client()
        sign_in(sysadmin, form, "sam", staff.create("sam", "sysadmins"))
        page = sysadmin.get(f"/jobs/{hosting.id}").get_data(as_text=True)
        assert "web1.staging.alta.coop" in page and "unreachable" in page.lower(), page
        assert site.fetch(DOMAIN, "/whoami.php").status == 200  # nothing changed on the web host
    finally:
        staging.ssh.start()
    # Back up: a relaunch from the console succeeds, and the site is switched off.
    before = _last_job_id()
    response = form.post(sysadmin, f"/jobs/{hosting.id}/relaunch", {}, get_url=f"/jobs/{hosting.id}")
    assert response.status_code == 303
    (retry,) = _jobs_after(before, 1)
    assert (retry.state, retry.parent_id) == (JobState.SUCCESSFUL, hosting.id), retry.error
    assert site.fetch(DOMAIN, "/whoami.php").status is None
