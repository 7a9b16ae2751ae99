"""The RQ task that runs one provisioning job: claim, the areas' before-run hooks, ansible-runner, end state.

`run_job(job_id)` is what the outbox enqueues (RQ job id `job-<id>`, the id as the only argument). It is
safe to deliver twice: only the delivery whose conditional UPDATE moves the job queued → running runs it.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import tempfile
import threading
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, update

from app.extensions import db
from app.models import JobState, ProvisioningJob, utcnow
from app.models.states import allowed_from
from app.provisioning import extravars, finish, hooks, runner
from app.provisioning.events import EventRecorder
from app.provisioning.redaction import redact_text

log = logging.getLogger(__name__)

# Set by SIGUSR1 (sent by a stopping AltaWorker to its work horse): hand the job back to the queue.
release_requested = threading.Event()


def install_release_handler() -> None:
    """In the work horse: SIGUSR1 (from a stopping AltaWorker) or a SIGTERM sent to the whole group
    (systemd's stop) asks the running job to stop and go back to the queue."""
    for signum in (signal.SIGUSR1, signal.SIGTERM):
        signal.signal(signum, lambda _signum, _frame: release_requested.set())


def inventory_path(config) -> str:
    """ALTA_INVENTORY is a path, or the name of one of playbooks/inventories/ (sandbox, staging)."""
    value = str(config["INVENTORY"])
    named = Path(config["PLAYBOOK_DIR"]) / "inventories" / value
    if "/" not in value and named.is_dir():
        return str(named)
    return value


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


def claim(job_id: int) -> bool:
    """queued → running, once: a second delivery, a canceled job or a retry still in backoff is left alone."""
    now = utcnow()
    claimed = db.session.execute(
        update(ProvisioningJob)
        .where(ProvisioningJob.id == job_id, ProvisioningJob.state.in_(allowed_from(JobState.RUNNING)),
               ProvisioningJob.cancel_requested.is_(False),
               or_(ProvisioningJob.not_before.is_(None), ProvisioningJob.not_before <= now))
        .values(state=JobState.RUNNING, started_at=now, heartbeat_at=now, finished_at=None,
                worker=worker_name())
    ).rowcount
    db.session.commit()
    return bool(claimed)


class Heartbeat(threading.Thread):
    """Marks the job alive every few seconds on its own connection, whatever the run is doing."""

    def __init__(self, job_id: int):
        super().__init__(name=f"alta-heartbeat-{job_id}", daemon=True)
        self.job_id = job_id
        self.engine = db.engine
        stale = float(current_app.config["JOB_HEARTBEAT_STALE_SECONDS"])
        self.every = max(0.2, min(10.0, stale / 4))
        self.stopped = threading.Event()
        self.lost = False

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                with self.engine.begin() as conn:
                    # Conditional: if the sweeper declared us lost meanwhile, a retry owns the work now.
                    alive = conn.execute(
                        update(ProvisioningJob).where(ProvisioningJob.id == self.job_id,
                                                      ProvisioningJob.state == JobState.RUNNING)
                        .values(heartbeat_at=utcnow())
                    ).rowcount
            except Exception:  # noqa: BLE001 - a busy database: the next beat tries again
                log.warning("job %s: heartbeat not written", self.job_id, exc_info=True)
                continue
            if not alive:
                self.lost = True
                return

    def stop(self) -> None:
        self.stopped.set()
        self.join(5)


class Watch:
    """Polled by ansible-runner every 0.5 s: release, lost, cancel flag; writes buffered events."""

    def __init__(self, job_id: int, recorder: EventRecorder, heartbeat: Heartbeat):
        self.job_id = job_id
        self.recorder = recorder
        self.heartbeat = heartbeat

    def stop_reason(self) -> str | None:
        if release_requested.is_set():
            return "released"
        if self.heartbeat.lost:
            return "lost"
        self.recorder.flush()
        cancel = db.session.scalar(select(ProvisioningJob.cancel_requested).where(ProvisioningJob.id == self.job_id))
        db.session.commit()  # ends the read transaction, so the next poll sees new commits (SQLite WAL)
        return "canceled" if cancel else None


def run_job(job_id: int) -> str:
    """RQ task: run provisioning job `job_id` once; returns its end state (no names, no secrets)."""
    if not claim(job_id):
        state = db.session.scalar(select(ProvisioningJob.state).where(ProvisioningJob.id == job_id))
        db.session.rollback()
        log.info("job %s not claimed (state %s): nothing to do", job_id, state)
        return f"not claimed ({state})"
    job = db.session.get(ProvisioningJob, job_id)
    config = current_app.config
    heartbeat = Heartbeat(job_id)
    heartbeat.start()
    recorder = EventRecorder(job_id)
    workdir = Path(tempfile.mkdtemp(prefix=f"alta-job-{job_id}-", dir=config.get("JOB_WORK_DIR") or None))
    try:
        try:
            hooks.run_before(job)
        except hooks.Unavailable as unavailable:  # the directory is down: wait and try again, not a failure
            db.session.rollback()
            return str(finish.wait(job_id, unavailable, recorder))
        except Exception as exc:  # noqa: BLE001 - any failure before the run (e.g. the directory) fails the job
            db.session.rollback()
            log.warning("job %s: before the run: %s", job_id, type(exc).__name__)
            result = runner.RunResult("failed", None, "")
            return str(finish.end(job_id, result, recorder, error=redact_text(str(exc))[:1000]))
        extravars.write(workdir, job)
        playbook = job.playbook
        db.session.commit()  # no transaction stays open while Ansible runs
        watch = Watch(job_id, recorder, heartbeat)
        result = runner.run_playbook(
            workdir, str(config["PLAYBOOK_DIR"]), playbook, inventory_path(config),
            timeout=float(config["JOB_TIMEOUT_SECONDS"]), stop_reason=watch.stop_reason, on_event=recorder,
        )
    except Exception as exc:
        db.session.rollback()
        log.exception("job %s: the run broke", job_id)
        return str(finish.end(job_id, runner.RunResult("failed", None, ""), recorder,
                              error=redact_text(f"{type(exc).__name__}: {exc}")[:1000]))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        heartbeat.stop()
    return str(finish.end(job_id, result, recorder))
