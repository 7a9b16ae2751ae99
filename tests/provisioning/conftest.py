"""Fixtures of the provisioning engine's tests: settings pointing at the test playbooks, members with
service requests planned into jobs (as an approval does), worker processes, and process checks."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import ROOT

PLAYBOOKS = Path(__file__).parent / "playbooks"


@pytest.fixture
def engine_settings(app_settings, tmp_path):
    """Test playbooks and inventory, fast heartbeats and sweeps, private_data_dirs under tmp_path."""
    workdir = tmp_path / "jobs"
    workdir.mkdir()
    app_settings.update(
        PLAYBOOK_DIR=str(PLAYBOOKS), INVENTORY=str(PLAYBOOKS / "inventory.yml"), JOB_WORK_DIR=str(workdir),
        JOB_HEARTBEAT_STALE_SECONDS=3, JOB_SWEEP_SECONDS=1, JOB_RETRY_BACKOFF_SECONDS=0, JOB_TIMEOUT_SECONDS=60,
    )
    return app_settings


def approve(*, count: int = 1, playbook: str = "marker.yml", options: dict | None = None,
            full_name: str | None = None, params: dict | None = None, service: str = "hosting"):
    """What an approval does for the engine: members, service requests, one job planned, committed."""
    from app.extensions import db
    from app.models import Member, ServiceRequest
    from app.models.members import allocate
    from app.provisioning.planning import plan
    from tests.factories import make_application

    requests = []
    for _ in range(count):
        application, _token = make_application(services=(service,), full_name=full_name)
        application.state = "approved"
        member = Member(application_id=application.id, uid=application.username,
                        uid_number=allocate(db.session, "uid_number"),
                        ldap_dn=f"uid={application.username},ou=members,dc=alta,dc=coop")
        db.session.add(member)
        db.session.flush()
        request = db.session.query(ServiceRequest).filter_by(application_id=application.id).one()
        request.member_id = member.id
        if params is not None:
            request.params = {**request.params, **params}
        requests.append(request)
    db.session.flush()
    job, = plan(requests, requested_by="reviewer", options=options)
    job.playbook = playbook
    db.session.commit()
    return job


class Workers:
    """Real `flask --app app worker` processes on the test services; all stopped at the end."""

    def __init__(self, services, root: Path):
        self.services, self.root, self.procs = services, root, []

    def start(self, settings: dict) -> subprocess.Popen:
        log = open(self.root / f"worker-{time.time_ns()}.log", "wb")  # noqa: SIM115
        env = self.services.env(**settings)
        proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"], env=env, stdout=log,
                                stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
        proc.log_path = log.name
        proc.log_file = log
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    crash(proc)
            proc.log_file.close()
            if os.environ.get("ALTA_SHOW_WORKER_LOGS"):
                print(Path(proc.log_path).read_text(errors="replace"))


@pytest.fixture
def workers(clean_state):
    w = Workers(clean_state, clean_state.root)
    yield w
    w.stop_all()


def process_tree(pid: int) -> set[int]:
    from app.provisioning.processes import descendants

    return descendants(pid) | {pid}


def crash(proc: subprocess.Popen) -> None:
    """What a machine crash does to a worker: it and everything it started stop at once."""
    victims: set[int] = set()
    # Stop first, so nothing forks or reacts while we kill; a process may fork between the tree's snapshot
    # and its own SIGSTOP (seen under a busy full suite), so look again until the stopped tree has no new child.
    while new := process_tree(proc.pid) - victims:
        for pid in new:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGSTOP)
        victims |= new
    for pid in victims:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    proc.wait(10)


def processes_mentioning(*needles: str) -> list[str]:
    """Command lines of live processes (not zombies) that contain any of the needles."""
    from app.provisioning.processes import _alive, command_line

    found = []
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != os.getpid():
            line = command_line(int(name))
            if any(n in line for n in needles) and _alive(int(name)):
                found.append(f"{name}: {line}")
    return found




def job_state(job_id: int) -> str:
    from app.extensions import db
    from app.models import ProvisioningJob

    db.session.rollback()
    db.session.expire_all()
    return db.session.get(ProvisioningJob, job_id).state
