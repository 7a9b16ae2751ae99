"""The ansible-runner driver: the only module that imports ansible_runner.

One call runs one playbook in a private_data_dir that the caller made (with env/extravars written by
app.provisioning.extravars). Cancel and timeout are decided here, in the cancel callback, so that every
process the run started is killed before ansible-runner is told to stop (see processes.py).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ansible_runner

from app.provisioning import processes

# How often ansible-runner asks the cancel callback (its default, 5 s, makes cancel slow: ../shared/NOTES.md).
POLL_SECONDS = 0.5
VENV_BIN = Path(sys.executable).parent


@dataclass
class RunResult:
    status: str  # successful | failed | timeout | canceled | released | lost
    rc: int | None
    stdout: str


def run_playbook(private_data_dir: Path, project_dir: str, playbook: str, inventory: str, *,
                 timeout: float, stop_reason: Callable[[], str | None],
                 on_event: Callable[[dict], None]) -> RunResult:
    """Run `playbook` (relative to project_dir) against `inventory`.

    stop_reason() is polled every POLL_SECONDS and returns None, "canceled", "released" or "lost"; past
    `timeout` seconds the run is stopped as "timeout". on_event gets each event (not written to disk).
    """
    private_data_dir = Path(private_data_dir)
    started = time.monotonic()
    before = processes.children(os.getpid())
    decided: list[str] = []

    def cancel_callback() -> bool:
        reason = "timeout" if time.monotonic() - started >= timeout else stop_reason()
        if reason is None:
            return False
        decided.append(reason)
        # Kill our new children's whole trees before ansible-runner kills only the main group.
        processes.kill_trees(processes.children(os.getpid()) - before)
        return True

    def event_handler(event: dict) -> bool:
        on_event(event)
        return False  # nothing under artifacts/job_events: events live only in the database

    # ansible-runner drops its `settings=` argument when env/settings is missing: write the file.
    (private_data_dir / "env").mkdir(mode=0o700, exist_ok=True)
    (private_data_dir / "env" / "settings").write_text(
        f"pexpect_timeout: {POLL_SECONDS}\nsuppress_ansible_output: true\n", encoding="utf-8")
    tmp = private_data_dir / "tmp"
    tmp.mkdir(mode=0o700, exist_ok=True)
    runner = ansible_runner.run(
        private_data_dir=str(private_data_dir),
        project_dir=project_dir,
        playbook=playbook,
        inventory=inventory,
        # Backstop only: cancel_callback stops the run at `timeout` and kills the whole tree.
        timeout=int(timeout) + 30,
        cancel_callback=cancel_callback,
        event_handler=event_handler,
        envvars={
            # The venv that runs alta runs Ansible too, even when its bin/ is not on PATH.
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            # Everything Ansible writes locally stays inside the private_data_dir we delete.
            "ANSIBLE_LOCAL_TEMP": str(tmp / "local"),
            "ANSIBLE_REMOTE_TEMP": str(tmp / "remote"),
            "ANSIBLE_RETRY_FILES_ENABLED": "False",
            "ANSIBLE_NOCOLOR": "True",
            "ANSIBLE_DEPRECATION_WARNINGS": "False",
            # Over SSH (staging, production): modules piped to the remote python (no temp file round
            # trips) and one connection per host for the whole run, its socket inside the private dir.
            "ANSIBLE_PIPELINING": "True",
            "ANSIBLE_SSH_ARGS": "-o ControlMaster=auto -o ControlPersist=30s",
            "ANSIBLE_SSH_CONTROL_PATH_DIR": str(tmp / "cp"),
        },
        suppress_env_files=True,
        quiet=True,
        ident="run",
    )
    # Anything still alive (a timeout of ansible-runner's own, an orphan) goes too.
    processes.kill_trees(processes.children(os.getpid()) - before)
    processes.reap()
    status = decided[0] if decided else runner.status
    stdout = _read_stdout(private_data_dir)
    rc = runner.rc if status in ("successful", "failed") else None
    known = ("successful", "failed", "timeout", "canceled", "released", "lost")
    return RunResult(status=status if status in known else "failed", rc=rc, stdout=stdout)


def _read_stdout(private_data_dir: Path) -> str:
    path = private_data_dir / "artifacts" / "run" / "stdout"
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
