"""Fixtures for the production shape on one machine: Redis behind three sentinels (started only for the
tests that ask for it), and real worker processes."""

from __future__ import annotations

import time

import pytest
from redis import Redis
from redis.sentinel import Sentinel

from app.devservices import free_port
from app.devservices.redis import SERVICE_NAME, SentinelTopology
from tests.provisioning.conftest import Workers


class Topology(SentinelTopology):
    def _ready(self) -> bool:
        replication = Redis(port=self.replica.port).info("replication")
        if replication.get("master_link_status") != "up":
            return False
        for sentinel in self.sentinels:
            master = Redis(port=sentinel.port).info("sentinel").get("master0", {})
            if master.get("slaves", 0) < 1 or master.get("sentinels", 0) < len(self.sentinels):
                return False
        return True

    def wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not self._ready():
            if time.monotonic() > deadline:
                raise RuntimeError("the sentinels did not see the replica and each other in time")
            time.sleep(0.1)

    def primary_port(self) -> int:
        """The port the sentinels now name as the primary."""
        sentinels = Sentinel([("127.0.0.1", s.port) for s in self.sentinels], socket_timeout=1)
        return int(sentinels.discover_master(SERVICE_NAME)[1])

    def wait_failover(self, old_port: int, seconds: float = 30) -> int:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            port = self.primary_port()
            if port != old_port and Redis(port=port).info("replication")["role"] == "master":
                return port
            time.sleep(0.1)
        raise AssertionError("the sentinels did not promote the replica")


@pytest.fixture
def sentinel(clean_state, app_settings):
    """A Redis primary, a replica and three sentinels; the test app and its workers use them (before `app`)."""
    topology = Topology(clean_state.root / f"sentinel-{time.time_ns()}", [free_port() for _ in range(5)])
    topology.start()
    try:
        topology.wait_ready()
        app_settings["REDIS_URL"] = topology.url
        yield topology
    finally:
        topology.stop()


@pytest.fixture
def workers(clean_state):
    w = Workers(clean_state, clean_state.root)
    yield w
    w.stop_all()
