"""How areas take part in a provisioning run without the engine knowing them.

An area registers, from its init_app:
- `before_run(job)`: called by the worker right before ansible-runner, inside the run's transaction
  (e.g. members write the directory entries the playbooks need). An exception fails the job, its text
  (redacted) becomes the job's error, except `Unavailable`: an outside system the run needs is not
  answering (the directory is down), so the job goes back to the queue and is tried again with backoff
  until it answers (app/provisioning/finish.py `wait`).
- `after_end(job)`: called after the job's end state is committed (e.g. members queue the activation
  email once every service is active). Each hook owns its transaction; an exception is logged and never
  changes the job's stored outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app

from app.extensions import db

log = logging.getLogger(__name__)

EXTENSION = "alta_provisioning_hooks"


@dataclass
class Hooks:
    before_run: list[Callable] = field(default_factory=list)
    after_end: list[Callable] = field(default_factory=list)


class Unavailable(Exception):
    """Raised by a before-run hook when something the run needs does not answer (not the job's fault).

    `what` names it in plain words for the console ("the directory (LDAP at ldap://…)"), `detail` says
    what happened ("connection refused"); neither may hold personal data or secrets.
    """

    def __init__(self, what: str, detail: str):
        super().__init__(f"{what} was unreachable: {detail}")
        self.what, self.detail = what, detail


def _hooks(app: Flask) -> Hooks:
    return app.extensions.setdefault(EXTENSION, Hooks())


def on_before_run(app: Flask, hook: Callable) -> None:
    _hooks(app).before_run.append(hook)


def on_after_end(app: Flask, hook: Callable) -> None:
    _hooks(app).after_end.append(hook)


def run_before(job) -> None:
    for hook in _hooks(current_app).before_run:
        hook(job)


def run_after(job) -> None:
    for hook in _hooks(current_app).after_end:
        try:
            hook(job)
        except Exception:  # noqa: BLE001 - the job's outcome is stored; the hook's work can be retried
            db.session.rollback()
            log.exception("job %s: after-end hook %s failed", job.id, getattr(hook, "__name__", hook))
