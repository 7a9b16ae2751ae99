"""Provisioning engine benchmarks: engine overhead per job, batching, event ingestion.

- single item: approval commit → job end state through the outbox, RQ, a real worker process, the
  directory entry and ansible-runner, against `ansible-playbook` run directly on the same playbook and
  the same kind of extra vars (goal: ≤ 1.5×).
- batch: a 100-item job against a 1-item job, both through the engine (goal: ≤ 3×).
- ingestion: real ansible-runner events (captured from a 100-item run) replayed through the event
  recorder into the database (goal: ≥ 1,000 events/s).
The playbook is tests/provisioning/playbooks/batch.yml, shaped like the service playbooks.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench import Result, median

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / "tests" / "provisioning" / "playbooks"
VENV_BIN = Path(sys.executable).parent
# Shaped like the service playbooks: per-item work on the controller, one module call per batch.
PLAYBOOK = "batch.yml"
REPEAT = 5


def _members(count: int) -> list:
    """Approved members with one hosting request each (not yet planned), flushed."""
    from app.extensions import db
    from app.models import Member, ServiceRequest
    from app.models.members import allocate
    from tests.factories import make_application

    requests = []
    for _ in range(count):
        application, _token = make_application(services=("hosting",))
        application.state = "approved"
        member = Member(application_id=application.id, uid=application.username,
                        uid_number=allocate(db.session, "uid_number"), ldap_dn=f"uid={application.username}")
        db.session.add(member)
        db.session.flush()
        request = db.session.query(ServiceRequest).filter_by(application_id=application.id).one()
        request.member_id = member.id
        requests.append(request)
    db.session.commit()
    return requests


def _engine_seconds(count: int) -> tuple[float, int]:
    """Seconds from the approval commit to the job's end state; and the job id."""
    from app.extensions import db
    from app.models import ProvisioningJob
    from app.provisioning.planning import plan

    requests = _members(count)
    started = time.perf_counter()
    job, = plan(requests, requested_by="bench")
    job.playbook = PLAYBOOK
    db.session.commit()
    job_id = job.id
    while True:
        db.session.rollback()
        state = db.session.get(ProvisioningJob, job_id, populate_existing=True).state
        if state not in ("queued", "running"):
            break
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    if state != "successful":
        raise RuntimeError(f"bench job {job_id} ended {state}")
    return elapsed, job_id


def _direct_seconds(sandbox: str, n: int) -> float:
    """`ansible-playbook` on the same playbook, one item, extra vars from a file as the engine writes."""
    from app.provisioning.extravars import unsafe_yaml

    item = _item(f"direct{n}", n)
    with tempfile.TemporaryDirectory() as tmp:
        extra = Path(tmp) / "extravars"
        extra.write_text(unsafe_yaml({"alta_items": [item], "alta_state": "present", "alta_sandbox": sandbox,
                                      "alta_job_id": n, "alta_options": {}}))
        env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               "ANSIBLE_LOCAL_TEMP": f"{tmp}/local", "ANSIBLE_REMOTE_TEMP": f"{tmp}/remote"}
        started = time.perf_counter()
        subprocess.run([str(VENV_BIN / "ansible-playbook"), "-i", str(PLAYBOOKS / "inventory.yml"),
                        "-e", f"@{extra}", str(PLAYBOOKS / PLAYBOOK)], env=env, check=True,
                       stdout=subprocess.DEVNULL, cwd=PLAYBOOKS)
        return time.perf_counter() - started


def _item(label: str, n: int) -> dict:
    return {"label": label, "uid": label, "uid_number": 20000 + n, "gid_number": 20000 + n,
            "home": f"/home/{label}", "email": f"{label}@example.org", "full_name": f"Persona {n}",
            "domain": f"{label}.example.org"}


def _captured_events(sandbox: str, count: int) -> list[dict]:
    """Raw events of a real `count`-item run of the playbook (through the engine's runner)."""
    from app.provisioning import runner
    from app.provisioning.extravars import unsafe_yaml

    events: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "env").mkdir()
        (Path(tmp) / "env" / "extravars").write_text(unsafe_yaml({
            "alta_items": [_item(f"cap{n}", n) for n in range(count)], "alta_state": "present",
            "alta_sandbox": sandbox, "alta_job_id": 0, "alta_options": {}}))
        runner.run_playbook(Path(tmp), str(PLAYBOOKS), PLAYBOOK, str(PLAYBOOKS / "inventory.yml"),
                            timeout=120, stop_reason=lambda: None, on_event=lambda e: events.append(copy.deepcopy(e)))
    return events


def _ingestion_rate(events: list[dict], job_id: int, total: int = 6000) -> float:
    from app.extensions import db
    from app.provisioning.events import EventRecorder

    recorder = EventRecorder(job_id)
    replay = []
    while len(replay) < total:
        for event in events:
            replay.append({**event, "counter": 1_000_000 + len(replay)})
    started = time.perf_counter()
    for event in replay[:total]:
        recorder(event)
    recorder.flush()
    db.session.commit()
    return total / (time.perf_counter() - started)


def run() -> list[Result]:
    from app import create_app
    from app.extensions import db
    from tests.support import start_services

    with start_services() as services, tempfile.TemporaryDirectory() as workdir:
        settings = {**services.settings, "PLAYBOOK_DIR": str(PLAYBOOKS), "INVENTORY": str(PLAYBOOKS / "inventory.yml"),
                    "JOB_WORK_DIR": workdir}
        Path(settings["SANDBOX"]).mkdir(parents=True, exist_ok=True)
        app = create_app(settings)
        log = open(services.root / "bench-worker.log", "wb")  # noqa: SIM115
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"],
                                  env=services.env(**settings), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                                  start_new_session=True)
        try:
            with app.app_context():
                _engine_seconds(1)  # warm-up: documents, imports, first connections
                _direct_seconds(settings["SANDBOX"], 0)
                engine = [_engine_seconds(1)[0] for _ in range(REPEAT)]
                direct = [_direct_seconds(settings["SANDBOX"], n) for n in range(1, REPEAT + 1)]
                batch, batch_job = _engine_seconds(100)
                events = _captured_events(settings["SANDBOX"], 100)
                rate = _ingestion_rate(events, batch_job)
                db.session.remove()
                db.engine.dispose()
        finally:
            worker.terminate()
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
            log.close()
    single, raw = median(engine), median(direct)
    return [
        Result("provisioning single-item job vs ansible-playbook", single / raw, "<= 1.5x", single / raw <= 1.5,
               f"engine median {single:.2f} s, ansible-playbook median {raw:.2f} s ({REPEAT} runs each)"),
        Result("provisioning 100-item batch vs 1-item job", batch / single, "<= 3x", batch / single <= 3,
               f"100 items {batch:.2f} s, 1 item median {single:.2f} s"),
        Result("provisioning event ingestion", rate, ">= 1000/s", rate >= 1000,
               f"{len(events)} real events of a 100-item run, replayed to 6000 rows: {rate:.0f} events/s"),
    ]
