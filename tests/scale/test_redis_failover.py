"""Redis through Sentinel: the primary dies while twenty approvals are being provisioned; the sentinels
promote the replica and the web tier and the workers carry on without a restart, each job once."""

from __future__ import annotations

import collections

from ldap3 import LEVEL, Connection
from sqlalchemy import func, select

from app.extensions import db
from app.models import JobState, Member, Outbox, ProvisioningJob
from tests.factories import make_application
from tests.support import wait_for

FINISHED = {JobState.SUCCESSFUL, JobState.FAILED, JobState.TIMEOUT, JobState.LOST, JobState.CANCELED}


def _states() -> collections.Counter:
    db.session.rollback()
    return collections.Counter(db.session.scalars(select(ProvisioningJob.state)))


def _directory_uids(services) -> list[str]:
    conn = Connection(services.slapd.url, services.slapd.admin_dn, services.slapd.admin_password, auto_bind=True)
    try:
        conn.search(f"ou=members,{services.slapd.base_dn}", "(objectClass=*)", LEVEL, attributes=["uid"])
        return sorted(str(e.uid) for e in conn.entries)
    finally:
        conn.unbind()


def _bulk(form, reviewer, ids):
    response = form.post(reviewer, "/review/bulk-approve", {"application_id": [str(i) for i in ids]},
                         get_url="/review/")
    assert response.status_code == 303


def test_twenty_approvals_survive_the_redis_primary_dying_mid_run(
        sentinel, mailbox, app, app_settings, workers, staff, form, clean_state):
    from tests.auth.conftest import sign_in

    app.config["RATELIMIT_LOGIN"] = "3 per 15 minutes"
    password = staff.create("rita", "support", password="Rita-test-password-1")
    reviewer = app.test_client()
    sign_in(reviewer, form, "rita", password)
    worker_settings = dict(app_settings, JOB_SWEEP_SECONDS=1, JOB_REDISPATCH_SECONDS=3)
    workers.start(worker_settings)
    workers.start(worker_settings)

    applications = [make_application(services=("hosting",))[0] for _ in range(20)]
    db.session.commit()
    ids = [a.id for a in applications]
    addresses = {a.email for a in applications}
    _bulk(form, reviewer, ids[:15])
    wait_for(lambda: _states()[JobState.SUCCESSFUL] >= 3, 90, what="the first jobs to finish")

    old = sentinel.primary.port
    sentinel.primary.kill()
    _bulk(form, reviewer, ids[15:])  # while the sentinels are still electing: the pushes retry through it
    new = sentinel.wait_failover(old)
    assert new == sentinel.replica.port

    def all_finished():
        states = _states()
        return sum(states.values()) == 20 and set(states) <= FINISHED
    wait_for(all_finished, 180, step=0.5, what=f"all twenty jobs to finish (now {_states()})")

    db.session.rollback()
    jobs = list(db.session.scalars(select(ProvisioningJob)))
    assert [j.state for j in jobs] == [JobState.SUCCESSFUL] * 20, [(j.id, j.state, j.error) for j in jobs]
    assert all(j.attempt == 1 and j.parent_id is None for j in jobs)  # none lost, none retried
    assert db.session.scalar(select(func.count()).select_from(Member)) == 20
    usernames = sorted(a.username for a in applications)
    assert _directory_uids(clean_state) == usernames

    # Every email once: wait for the activation links, then no (address, subject) appears twice.
    wait_for(lambda: sum("/activate/" in m.get_body(preferencelist=("plain",)).get_content()
                         for m in mailbox.messages) >= 20, 90, what="twenty activation emails")
    pairs = collections.Counter((m["To"], m["Subject"]) for m in mailbox.messages)
    assert {to for to, _ in pairs} >= addresses
    assert max(pairs.values()) == 1, [p for p, n in pairs.items() if n > 1]

    # No outbox row lost: every row was pushed, and every mail row was delivered.
    db.session.rollback()
    rows = list(db.session.scalars(select(Outbox)))
    assert rows and all(r.dispatched_at is not None for r in rows)
    assert all(r.done_at is not None for r in rows if r.kind == "mail")

    # The web tier talks to the new primary: /healthz names its role, rate limits still count.
    health = app.test_client().get("/healthz").get_json()
    assert health["parts"]["redis"]["ok"] and health["parts"]["redis"]["role"] == "master"
    stranger = app.test_client()
    codes = [form.post(stranger, "/login", {"username": "rita", "password": "wrong"}).status_code
             for _ in range(4)]
    assert codes[-1] == 429, codes
