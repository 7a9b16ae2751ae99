"""A private redis-server: no persistence, one port on 127.0.0.1, stopped with the process that started it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from app.devservices import stop_process, wait_for_port


class RedisServer:
    def __init__(self, root: Path, port: int):
        self.root = Path(root)
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server is not installed: apt-get install redis-server")
        self.root.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root), "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        wait_for_port(self.port, self.process, name="redis-server")

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None
