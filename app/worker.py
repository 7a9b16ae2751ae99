"""alta's RQ worker: the provision and mail queues inside the app context, plus the periodic sweeper.

A SIGTERM (or Ctrl+C) is a warm stop: RQ waits for the current job, and we ask the work horse to hand a
provisioning job back to the queue (SIGUSR1 → the run stops, the job goes back to `queued` and is pushed
again), so a stop never waits for a long playbook nor leaves a job half-owned.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading

from flask import Flask
from rq import Worker

from app.extensions import db
from app.queues import QUEUE_NAMES, get_queue, redis_for

log = logging.getLogger(__name__)


# Held by the sweeper thread while it works, and by the main thread while it forks a work horse:
# forking while another thread is inside SQLite or the connection pool copies their held locks into
# the horse, which then hangs on its first query.
_fork_lock = threading.Lock()


class AltaWorker(Worker):
    def fork_work_horse(self, job, queue):
        with _fork_lock:
            return super().fork_work_horse(job, queue)

    def main_work_horse(self, job, queue):
        # The forked work horse must not share the parent's database connections.
        db.engine.dispose(close=False)
        from app.provisioning import processes, tasks

        tasks.install_release_handler()
        # Orphans of Ansible's setsid'ed workers come back to the horse, which can then kill them.
        processes.become_subreaper()
        return super().main_work_horse(job, queue)

    def handle_warm_shutdown_request(self):
        super().handle_warm_shutdown_request()
        horse = self.horse_pid
        if horse:
            with contextlib.suppress(OSError):
                os.kill(horse, signal.SIGUSR1)


def _sweep_forever(app: Flask, stop: threading.Event) -> None:
    from app.provisioning.sweeper import sweep

    every = float(app.config["JOB_SWEEP_SECONDS"])
    while not stop.wait(every):
        with _fork_lock, app.app_context():
            try:
                report = sweep()
                if report.lost or report.released or report.redispatched or report.dispatched:
                    log.info("sweeper: %s", report)
            except Exception:  # noqa: BLE001 - a database or Redis hiccup: try again next time
                log.exception("sweeper failed")
                db.session.rollback()
            finally:
                db.session.remove()


def run_worker(app: Flask, burst: bool = False) -> None:
    stop = threading.Event()
    sweeper = None
    if not burst and float(app.config["JOB_SWEEP_SECONDS"]) > 0:
        sweeper = threading.Thread(target=_sweep_forever, args=(app, stop), name="alta-sweeper", daemon=True)
        sweeper.start()
    try:
        with app.app_context():
            connection = redis_for(app)
            queues = [get_queue(name, connection) for name in QUEUE_NAMES]
            AltaWorker(queues, connection=connection).work(burst=burst, with_scheduler=False)
    finally:
        stop.set()
        if sweeper is not None:
            sweeper.join(10)
