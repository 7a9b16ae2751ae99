"""alta's RQ worker: the provision and mail queues, inside the app context."""

from __future__ import annotations

from flask import Flask
from rq import Worker

from app.extensions import db
from app.queues import QUEUE_NAMES, get_queue, redis_for


class AltaWorker(Worker):
    def main_work_horse(self, job, queue):
        # The forked work horse must not share the parent's database connections.
        db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)


def run_worker(app: Flask, burst: bool = False) -> None:
    with app.app_context():
        connection = redis_for(app)
        queues = [get_queue(name, connection) for name in QUEUE_NAMES]
        AltaWorker(queues, connection=connection).work(burst=burst, with_scheduler=False)
