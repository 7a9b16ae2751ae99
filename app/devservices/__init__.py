"""Local slapd, redis-server and PostgreSQL for development and tests, started the same way in both.

Nothing here is used in production, where alta talks to the cooperative's own LDAP, Redis and database.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(port: int, process=None, seconds: float = 15.0, name: str = "service") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if port_open(port):
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode} before listening on {port}")
        time.sleep(0.02)
    raise RuntimeError(f"{name} did not listen on 127.0.0.1:{port} within {seconds} s")


def traversable(path: Path) -> None:
    """Let other users (postgres, www-data, members' uids) walk down through `path` and every folder above
    it: mktemp makes its folders 0700. Adds only the search bit for group and others, reads nothing open."""
    for folder in (path, *path.parents):
        if folder == Path("/"):
            break
        mode = folder.stat().st_mode
        if mode & 0o011 != 0o011:
            folder.chmod(mode | 0o011)


def stop_process(process: subprocess.Popen | None, seconds: float = 10) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `seconds`."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
