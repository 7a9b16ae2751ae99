"""Staging hosts benchmark: one member's hosting (with its certificate from Pebble) over SSH.

alta's runner (app/provisioning/runner.py: ansible-runner, the engine's private data dir, SSH pipelining
and ControlPersist) against `ansible-playbook` run directly on the same playbook, inventory, SSH settings
and kind of extra vars (goal: ≤ 1.5×). Each run is a new member, so both include a certificate request.
It measures the runner, not the outbox/RQ/worker path (bench_provisioning measures that on the sandbox).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench import Result, median

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / "playbooks"
STAGING = PLAYBOOKS / "inventories" / "staging"
VENV_BIN = Path(sys.executable).parent
REPEAT = 3


def _item(label: str, n: int) -> dict:
    return {"label": label, "uid": label, "uid_number": 30000 + n, "gid_number": 30000 + n,
            "home": f"/home/{label}", "email": f"{label}@example.org", "full_name": f"Persona {n}",
            "domain": f"{label}.example.org"}


def _extravars(root: Path, label: str, n: int) -> str:
    from app.provisioning.extravars import unsafe_yaml

    return unsafe_yaml({"alta_items": [_item(label, n)], "alta_state": "present", "alta_sandbox": str(root),
                        "alta_job_id": n, "alta_options": {}})


def _alta_seconds(root: Path, n: int) -> float:
    from app.provisioning import runner

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "env").mkdir()
        (Path(tmp) / "env" / "extravars").write_text(_extravars(root, f"alta{n}", n))
        started = time.perf_counter()
        result = runner.run_playbook(Path(tmp), str(PLAYBOOKS), "hosting.yml", str(STAGING), timeout=300,
                                     stop_reason=lambda: None, on_event=lambda _e: None)
        elapsed = time.perf_counter() - started
    if result.status != "successful":
        raise RuntimeError(f"alta run {n} ended {result.status}: {result.stdout[-2000:]}")
    return elapsed


def _direct_seconds(root: Path, n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        extra = Path(tmp) / "extravars"
        extra.write_text(_extravars(root, f"direct{n}", n))
        env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               "ANSIBLE_LOCAL_TEMP": f"{tmp}/local", "ANSIBLE_REMOTE_TEMP": f"{tmp}/remote",
               "ANSIBLE_PIPELINING": "True", "ANSIBLE_SSH_ARGS": "-o ControlMaster=auto -o ControlPersist=30s",
               "ANSIBLE_SSH_CONTROL_PATH_DIR": f"{tmp}/cp"}
        started = time.perf_counter()
        subprocess.run([str(VENV_BIN / "ansible-playbook"), "-i", str(STAGING), "-e", f"@{extra}",
                        str(PLAYBOOKS / "hosting.yml")], env=env, check=True, stdout=subprocess.DEVNULL,
                       cwd=PLAYBOOKS)
        return time.perf_counter() - started


def run() -> list[Result]:
    from app.devservices.hosts import StagingHosts

    with tempfile.TemporaryDirectory(prefix="alta-bench-hosts-") as tmp:
        hosts = StagingHosts(Path(tmp) / "hosts")
        hosts.start()
        try:
            _direct_seconds(hosts.root, 0)  # warm-up: Python's and Ansible's caches, certbot's account
            direct, alta = [], []
            for n in range(1, REPEAT + 1):
                direct.append(_direct_seconds(hosts.root, n))
                alta.append(_alta_seconds(hosts.root, n))
        finally:
            hosts.stop()
    ratio = median(alta) / median(direct)
    return [Result("hosts_one_member_over_ssh", ratio, "<= 1.5x", ratio <= 1.5,
                   f"alta {median(alta):.2f} s vs ansible-playbook {median(direct):.2f} s (median of {REPEAT})")]
