"""Redaction, output capping and event ingestion, without a worker."""

from __future__ import annotations

import time

from sqlalchemy import select

from app.extensions import db
from app.models import JobEvent
from app.provisioning.events import EventRecorder
from app.provisioning.redaction import CUT_MARKER, cap, redact, redact_text
from tests.provisioning.conftest import approve


def test_values_under_secret_looking_keys_are_redacted_in_structures_and_text():
    data = {"user": "ana", "password": "p1", "nested": [{"api_token": "t1", "db_pass": "p2", "note": "password=p3"}]}
    assert redact(data) == {"user": "ana", "password": "********",
                            "nested": [{"api_token": "********", "db_pass": "********", "note": "password=********"}]}
    line = '{"password": "s\\"1", "client_secret": 42} token: abc ansible_password: \'q r\' name=ok'
    assert redact_text(line) == ('{"password": "********", "client_secret": ********} token: ******** '
                                 "ansible_password: '********' name=ok")


def test_long_output_is_cut_with_a_marker_saying_how_much():
    text, cut = cap("x" * 150, 100)
    assert cut and text.startswith("x" * 100) and CUT_MARKER.format(dropped=50) in text
    assert cap("short", 100) == ("short", False)


def _event(counter: int, label: str | None = None, name: str = "runner_item_on_ok") -> dict:
    res = {"changed": True, "msg": "ok", "password": "hunter2"}
    if label:
        res.update(_ansible_item_label=label, item={"label": label, "password": "hunter2"})
    return {"event": name, "counter": counter, "stdout": f"changed: [localhost] => (item={label})",
            "created": "2026-11-25T10:00:00.000000+00:00",
            "event_data": {"host": "localhost", "task": "Write", "res": res, "duration": 0.1}}


def test_events_are_stored_in_batches_redacted_and_items_tracked(engine_settings, app):
    job = approve(count=1)
    recorder = EventRecorder(job.id, batch_size=50, flush_seconds=3600)
    statements = []

    from sqlalchemy import event

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for n in range(1, 121):
            recorder(_event(n, label=f"m{n % 3}", name="runner_item_on_failed" if n == 7 else "runner_item_on_ok"))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    # 120 events, batches of 50: two inserts (and their commits) so far, not 120.
    assert len(statements) <= 4
    recorder.flush()
    db.session.commit()
    rows = db.session.scalars(select(JobEvent).where(JobEvent.job_id == job.id)).all()
    assert len(rows) == 120
    assert all("hunter2" not in str(r.data) for r in rows)
    assert recorder.item_failures == {"m1": "Write: ok"}
    assert {r.item_label for r in rows} == {"m0", "m1", "m2"}


def test_event_ingestion_keeps_up_with_a_thousand_events_a_second(engine_settings, app):
    job = approve(count=1)
    recorder = EventRecorder(job.id)
    started = time.perf_counter()
    for n in range(1, 3001):
        recorder(_event(n, label=f"m{n % 100}"))
    recorder.flush()
    db.session.commit()
    rate = 3000 / (time.perf_counter() - started)
    assert rate >= 1000, f"{rate:.0f} events/s"


def _running_since(job, seconds: float, attempt: int = 1) -> None:
    from datetime import timedelta

    from app.models import utcnow

    job.state, job.attempt = "running", attempt
    job.started_at = job.heartbeat_at = utcnow() - timedelta(seconds=seconds)
    db.session.commit()


def test_the_sweeper_retries_a_lost_job_after_its_backoff_and_stops_at_the_budget(engine_settings, app):
    from datetime import timedelta

    from app.models import Outbox, ProvisioningJob, utcnow
    from app.provisioning.sweeper import sweep

    app.config.update(JOB_RETRY_BACKOFF_SECONDS=30, JOB_RETRY_BUDGET=2, OUTBOX_AUTODISPATCH=False)
    fresh, silent, spent, canceling = approve(count=1), approve(count=1), approve(count=1), approve(count=1)
    _running_since(fresh, 1)
    _running_since(silent, 60)
    _running_since(spent, 60, attempt=3)
    canceling.cancel_requested = True
    _running_since(canceling, 60)
    report = sweep()
    assert sorted(report.lost) == [silent.id, spent.id, canceling.id]
    assert report.retries != [] and all(
        db.session.get(ProvisioningJob, r).parent_id == silent.id for r in report.retries)
    assert canceling.items[0].service_request.state == "failed"
    assert db.session.get(ProvisioningJob, fresh.id).state == "running"
    retry = db.session.scalars(select(ProvisioningJob).where(ProvisioningJob.parent_id == silent.id)).one()
    assert retry.attempt == 2 and 25 < (retry.not_before - utcnow()).total_seconds() <= 30
    assert db.session.scalars(select(ProvisioningJob).where(ProvisioningJob.parent_id == spent.id)).all() == []
    assert spent.items[0].status == "failed" and spent.items[0].service_request.state == "failed"

    def job_rows() -> list[int]:
        return [r.payload["job_id"] for r in db.session.scalars(select(Outbox).where(Outbox.kind == "job"))]

    assert retry.id not in job_rows()  # still in its backoff
    assert sweep().released == []
    retry.not_before = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert sweep().released == [retry.id]
    assert retry.id in job_rows()
    assert sweep().lost == [] and sweep().released == []  # a second pass changes nothing


def test_an_item_is_settled_once_per_run_and_pending_again_only_when_the_job_is_handed_back(engine_settings, app):
    import pytest

    from app.models import ItemStatus
    from app.models.states import InvalidTransition
    from app.provisioning.finish import fail_item

    job = approve(count=1)
    (item,) = job.items
    fail_item(item, "the host did not answer")
    assert item.status == ItemStatus.FAILED and item.service_request.state == "failed"
    with pytest.raises(InvalidTransition):  # a second finisher must not settle it again
        fail_item(item, "again")
    assert item.service_request.last_error == "the host did not answer"
