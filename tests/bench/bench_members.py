"""Bulk approval to all-active: approve 1, 10 and 100 applicants in one decision, run the jobs with real
`flask worker` processes (ansible-runner, slapd, Redis), and report the time until every service of
every member is active, per member, as a ratio to running the three playbooks directly for one member
(ansible-runner on hosting.yml, email.yml and drupal.yml, in the same run). Goal: at 100, ≤ 0.1×.

    python -m tests.bench bench_members        (ALTA_BENCH_MEMBER_SIZES=1,10,100; ALTA_BENCH_WORKERS=2)

Drupal is the drush stand-in (tests/standins/drush), as everywhere in development and tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from tests.bench import Result
from tests.support import DATABASE, ROOT, start_services

SIZES = [int(n) for n in os.environ.get("ALTA_BENCH_MEMBER_SIZES", "1,10,100").split(",")]
WORKERS = int(os.environ.get("ALTA_BENCH_WORKERS", "2"))
GOAL = 0.1


def direct_single(sandbox: Path) -> float:
    """The three playbooks for one member, run directly with ansible-runner, one after the other."""
    from tests.members.playbooks import item, run_playbook

    start = time.perf_counter()
    for playbook in ("hosting.yml", "email.yml", "drupal.yml"):
        run = run_playbook(playbook, [item("baseline", 30000)], sandbox)
        if run.status != "successful":
            raise RuntimeError(f"{playbook}: {run.stdout[-2000:]}")
    return time.perf_counter() - start


def start_workers(services, settings: dict, log_dir: Path) -> list[subprocess.Popen]:
    procs = []
    for n in range(WORKERS):
        log = open(log_dir / f"worker-{n}.log", "wb")  # noqa: SIM115 - closed with the process
        procs.append(subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"],
                                      env=services.env(**settings), cwd=ROOT, stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True))
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def approve(n: int, prefix: str) -> list[int]:
    """One bulk decision: n applications approved, members and their jobs planned, one commit."""
    from app.extensions import db
    from tests.members.factories import make_member, plan_jobs

    members = [make_member(username=f"{prefix}{i:03d}") for i in range(n)]
    plan_jobs(members, requested_by="bench")
    db.session.commit()
    return [m.id for m in members]


def wait_all_active(member_ids: list[int], timeout: float) -> None:
    from app.extensions import db
    from app.models import ServiceRequest, ServiceState

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        counts = dict(db.session.execute(
            select(ServiceRequest.state, func.count()).where(ServiceRequest.member_id.in_(member_ids))
            .group_by(ServiceRequest.state)).all())
        if counts.get(ServiceState.FAILED):
            raise RuntimeError(f"failed services: {counts}")
        if set(counts) == {ServiceState.ACTIVE}:
            return
        time.sleep(0.2)
    raise RuntimeError("timed out waiting for all services to be active")


def run() -> list[Result]:
    context = start_services(DATABASE)
    services = context.__enter__()
    work = Path(tempfile.mkdtemp(prefix="alta-bench-members-"))
    try:
        from app import create_app

        single = direct_single(work / "direct")
        results = []
        for size in SIZES:
            settings = dict(services.settings, SANDBOX=str(work / f"sandbox-{size}"),
                            MAIL_DIR=str(work / f"mail-{size}"))
            app = create_app(settings)
            with app.app_context():
                workers = start_workers(services, settings, work)
                try:
                    time.sleep(3)  # workers up and listening before the decision
                    start = time.perf_counter()
                    ids = approve(size, f"b{size}x")
                    wait_all_active(ids, timeout=600)
                    elapsed = time.perf_counter() - start
                finally:
                    stop_workers(workers)
            per_member = elapsed / size
            ratio = per_member / single
            detail = (f"{size} members: all active after {elapsed:.1f} s, {per_member:.2f} s per member; "
                      f"three playbooks directly for one member: {single:.1f} s; {WORKERS} workers")
            results.append(Result(f"members_all_active_per_member_{size}", ratio,
                                  f"<= {GOAL}x" if size >= 100 else "(shown)", ratio <= GOAL or size < 100,
                                  detail))
        return results
    finally:
        context.__exit__(None, None, None)
        shutil.rmtree(work, ignore_errors=True)
