"""Finding and killing every process a run started, including those that left its process group.

ansible-core's workers call setsid(), so killing ansible-playbook's process group (what ansible-runner
does on cancel and timeout) leaves workers and module children (e.g. `sleep`) running, re-parented to
PID 1 (../shared/NOTES.md). We walk /proc for descendants and kill each one's process group before returning.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import time

PR_SET_CHILD_SUBREAPER = 36
_subreaper = False


def _parents() -> dict[int, int]:
    """pid → parent pid for every process, from /proc/<pid>/stat."""
    parents = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read().decode("utf-8", "replace")
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields start after the last ")".
        fields = stat[stat.rfind(")") + 2:].split()
        parents[int(name)] = int(fields[1])
    return parents


def children(pid: int) -> set[int]:
    return {child for child, parent in _parents().items() if parent == pid}


def descendants(pid: int) -> set[int]:
    parents = _parents()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return ""


def kill_trees(roots: set[int], rounds: int = 20) -> None:
    """SIGKILL every root, every descendant and each one's process group (never our own group)."""
    own_group = os.getpgid(0)
    for _ in range(rounds):
        victims = set()
        for root in roots:
            victims |= descendants(root)
            if os.path.exists(f"/proc/{root}"):
                victims.add(root)
        victims.discard(os.getpid())
        if not victims:
            return
        for pid in victims:
            with contextlib.suppress(OSError):
                group = os.getpgid(pid)
                if group != own_group:
                    os.killpg(group, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if not any(_alive(pid) for pid in victims):
            return
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read().decode("utf-8", "replace")
    except OSError:
        return False
    return stat[stat.rfind(")") + 2:].split()[0] != "Z"


def become_subreaper() -> None:
    """Orphans of our children (setsid'ed Ansible workers) are re-parented to us, not to PID 1, so
    they stay findable as our descendants. Only for a process that owns all its children (the RQ
    work horse), since it must reap them."""
    global _subreaper
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0:
        _subreaper = True


def reap() -> None:
    """Collect exit statuses of dead orphans (only as a subreaper: otherwise they are not ours)."""
    if not _subreaper:
        return
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
