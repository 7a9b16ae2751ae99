"""A run stopped in a process that is not a subreaper leaves nothing behind (issue 12, finding 8).

The RQ work horse makes itself a subreaper, so Ansible's setsid'ed workers come back to it when their
parent dies and the final sweep of its children finds them: the worker tests cannot tell whether the
cancel also walks the descendants. Here the run happens in the test process, which is not a subreaper
(as under a plain `SimpleWorker`, or where prctl is refused): only the descendant walk at cancel time
finds the workers and their `sleep` before they are re-parented to PID 1.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal

from app.provisioning import extravars, processes, runner, tasks
from tests.provisioning.conftest import approve, processes_mentioning

PR_GET_CHILD_SUBREAPER = 37


def _is_subreaper() -> bool:
    flag = ctypes.c_int(0)
    assert ctypes.CDLL(None, use_errno=True).prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(flag), 0, 0, 0) == 0
    return bool(flag.value)


def test_a_run_canceled_in_a_process_that_is_not_a_subreaper_leaves_no_process(engine_settings, app, tmp_path):
    assert not _is_subreaper() and not processes._subreaper
    sleep = "36.5"
    job = approve(options={"sleep": sleep})
    workdir = tmp_path / "run"
    workdir.mkdir()
    extravars.write(workdir, job)

    def stop_reason():
        return "canceled" if processes_mentioning(f"sleep {sleep}") else None

    try:
        result = runner.run_playbook(
            workdir, str(app.config["PLAYBOOK_DIR"]), job.playbook, tasks.inventory_path(app.config),
            timeout=60, stop_reason=stop_reason, on_event=lambda _event: None)
        assert result.status == "canceled"
        # Nothing left: not the sleep, not an ansible-playbook worker naming the private data dir.
        assert processes_mentioning(f"sleep {sleep}", str(workdir)) == []
    finally:
        for line in processes_mentioning(f"sleep {sleep}", str(workdir)):  # a failed run's leftovers
            with contextlib.suppress(OSError):
                os.kill(int(line.split(":")[0]), signal.SIGKILL)
