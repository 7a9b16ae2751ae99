"""Effects only after the COMMIT (issue 12, finding 8): when the database refuses the commit itself, the
job the transaction planned never reaches Redis, and no outbox row is left behind.

The refusal is the database's own, at COMMIT time: on SQLite a foreign key checked only at commit
(PRAGMA defer_foreign_keys), on PostgreSQL a deferred constraint trigger. Pushing the outbox before the
commit (or at flush) would put `job-<id>` on the queue for a job that does not exist.
"""

from __future__ import annotations

import pytest
from sqlalchemy import exc, func, select, text

from app.extensions import db
from app.models import JobState, Outbox, ProvisioningJob
from app.provisioning import services
from app.queues import QUEUE_NAMES, get_queue
from tests.provisioning.conftest import approve

REFUSE_FUNCTION = """CREATE FUNCTION alta_test_refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'refused at commit (test)'; END $$"""
REFUSE_TRIGGER = """CREATE CONSTRAINT TRIGGER alta_test_refuse_at_commit AFTER INSERT ON audit_event
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION alta_test_refuse_at_commit()"""


@pytest.fixture
def commit_refused(app):
    """Call it inside the transaction under test: that transaction's COMMIT will fail."""
    if db.engine.dialect.name == "sqlite":
        def arm():
            db.session.execute(text("PRAGMA defer_foreign_keys = ON"))  # until this transaction ends
            db.session.execute(text("INSERT INTO job_event (job_id, counter, event, changed, data, created_at) "
                                    "VALUES (2147483647, 1, 'orphan', 0, '{}', CURRENT_TIMESTAMP)"))
        yield arm
        return
    with db.engine.begin() as conn:
        conn.execute(text(REFUSE_FUNCTION))
        conn.execute(text(REFUSE_TRIGGER))
    try:
        yield lambda: None  # every transaction writing an audit event now fails at COMMIT
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TRIGGER alta_test_refuse_at_commit ON audit_event"))
            conn.execute(text("DROP FUNCTION alta_test_refuse_at_commit()"))


def _queued_rq_jobs() -> list[str]:
    return [job_id for name in QUEUE_NAMES for job_id in get_queue(name).job_ids]


def test_a_commit_the_database_refuses_pushes_nothing_to_redis(engine_settings, app, commit_refused):
    job = approve()
    for name in QUEUE_NAMES:
        get_queue(name).empty()  # the approval's own push: not what this test is about
    db.session.execute(text("UPDATE provisioning_job SET state = 'failed' WHERE id = :id"), {"id": job.id})
    db.session.commit()
    outbox_rows = db.session.scalar(select(func.count()).select_from(Outbox))

    commit_refused()
    with pytest.raises(exc.DatabaseError):
        services.relaunch(job.id, "sysadmin")  # plans a new attempt, its outbox row, an audit event; commits
    db.session.rollback()

    assert _queued_rq_jobs() == []
    assert db.session.scalar(select(func.count()).select_from(ProvisioningJob)) == 1
    assert db.session.scalar(select(func.count()).select_from(Outbox)) == outbox_rows
    assert db.session.get(ProvisioningJob, job.id).state == JobState.FAILED


def test_the_same_relaunch_with_a_commit_that_holds_is_pushed(engine_settings, app):
    """The control: without the refusal, the very same call does reach Redis (so the test above can fail)."""
    job = approve()
    for name in QUEUE_NAMES:
        get_queue(name).empty()
    db.session.execute(text("UPDATE provisioning_job SET state = 'failed' WHERE id = :id"), {"id": job.id})
    db.session.commit()
    retry = services.relaunch(job.id, "sysadmin")
    assert _queued_rq_jobs() == [f"job-{retry.id}"]
