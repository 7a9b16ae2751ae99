"""A private redis-server: no persistence, one port on 127.0.0.1, stopped with the process that started it.
For fail-over tests, the same server as a replica of another, and the sentinels that watch them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from app.devservices import stop_process, wait_for_port

SERVICE_NAME = "alta"


class RedisServer:
    def __init__(self, root: Path, port: int, replica_of: int | None = None):
        self.root = Path(root)
        self.port = port
        self.replica_of = replica_of
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server is not installed: apt-get install redis-server")
        self.root.mkdir(parents=True, exist_ok=True)
        extra = ["--replicaof", "127.0.0.1", str(self.replica_of)] if self.replica_of else []
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root), "--daemonize", "no", "--loglevel", "warning",
             *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        wait_for_port(self.port, self.process, name="redis-server")

    def kill(self) -> None:
        """What a crashed host does: SIGKILL, no goodbye to the replicas."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None


class RedisSentinel:
    """One redis-sentinel watching SERVICE_NAME; it rewrites its own config file, so each has its folder."""

    def __init__(self, root: Path, port: int, primary_port: int, quorum: int = 2, down_after_ms: int = 1000):
        self.root, self.port, self.primary_port = Path(root), port, primary_port
        self.quorum, self.down_after_ms = quorum, down_after_ms
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if not shutil.which("redis-sentinel"):
            raise RuntimeError("redis-sentinel is not installed: apt-get install redis-sentinel")
        self.root.mkdir(parents=True, exist_ok=True)
        conf = self.root / "sentinel.conf"
        conf.write_text(
            f"port {self.port}\nbind 127.0.0.1\ndir {self.root}\ndaemonize no\nloglevel warning\n"
            f"logfile {self.root / 'sentinel.log'}\n"
            f"sentinel monitor {SERVICE_NAME} 127.0.0.1 {self.primary_port} {self.quorum}\n"
            f"sentinel down-after-milliseconds {SERVICE_NAME} {self.down_after_ms}\n"
            f"sentinel failover-timeout {SERVICE_NAME} 5000\n"
            f"sentinel parallel-syncs {SERVICE_NAME} 1\n"
        )
        self.process = subprocess.Popen(["redis-sentinel", str(conf)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for_port(self.port, self.process, name="redis-sentinel")

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None


class SentinelTopology:
    """A primary, one replica and three sentinels on loopback ports in `root`; `url` is the sentinel form."""

    def __init__(self, root: Path, ports: list[int]):
        primary, replica, *sentinels = ports
        self.root = Path(root)
        self.primary = RedisServer(self.root / "primary", primary)
        self.replica = RedisServer(self.root / "replica", replica, replica_of=primary)
        self.sentinels = [RedisSentinel(self.root / f"sentinel-{i}", port, primary)
                          for i, port in enumerate(sentinels)]

    @property
    def url(self) -> str:
        hosts = ",".join(f"127.0.0.1:{s.port}" for s in self.sentinels)
        return f"redis+sentinel://{hosts}/{SERVICE_NAME}/0"

    def start(self) -> None:
        self.primary.start()
        self.replica.start()
        for sentinel in self.sentinels:
            sentinel.start()

    def stop(self) -> None:
        for server in (*self.sentinels, self.replica, self.primary):
            server.stop()
