"""The one Redis connection per app (a plain URL or through Sentinel), the RQ queues alta uses (provision,
mail), which Redis role we are talking to, and whether a worker is alive.

ALTA_REDIS_URL is either `redis://[:password@]host:port/db` or
`redis+sentinel://[:password@]host:port,host:port/<service>/<db>`. Everything that talks to Redis (RQ's
queues and workers, the rate limits, /healthz, the console) gets its connection or its settings here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app
from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry
from redis.sentinel import MasterNotFoundError, Sentinel
from rq import Queue, Worker

from app.models import utcnow

QUEUE_NAMES = ("provision", "mail")


SENTINEL_SCHEME = "redis+sentinel"
SOCKET_TIMEOUT, CONNECT_TIMEOUT = 3, 2


@dataclass(frozen=True)
class RedisTarget:
    """ALTA_REDIS_URL, read once: a plain server, or a Sentinel service name and the sentinels to ask."""

    url: str
    sentinels: tuple[tuple[str, int], ...] = ()
    service: str | None = None
    db: int = 0
    password: str | None = None

    @property
    def through_sentinel(self) -> bool:
        return bool(self.sentinels)


def parse_redis_url(url: str) -> RedisTarget:
    """`redis://…` as redis-py reads it, or `redis+sentinel://h:p,h:p/service/db` (db 0 when left out)."""
    parts = urlsplit(url)
    if parts.scheme != SENTINEL_SCHEME:
        if parts.scheme not in ("redis", "rediss", "unix"):
            raise ValueError(f"ALTA_REDIS_URL: unknown scheme {parts.scheme!r} (redis:// or redis+sentinel://)")
        return RedisTarget(url)
    auth, _, hosts = parts.netloc.rpartition("@")
    password = unquote(auth.partition(":")[2]) if auth else None
    sentinels = []
    for item in hosts.split(","):
        host, _, port = item.strip().rpartition(":")
        if not host or not port.isdigit():
            raise ValueError("ALTA_REDIS_URL: each sentinel is host:port, separated by commas")
        sentinels.append((host, int(port)))
    path = [p for p in parts.path.split("/") if p]
    if not path or len(path) > 2 or (len(path) == 2 and not path[1].isdigit()):
        raise ValueError("ALTA_REDIS_URL: redis+sentinel://host:port,host:port/<service name>/<db number>")
    return RedisTarget(url, tuple(sentinels), path[0], int(path[1]) if len(path) == 2 else 0, password or None)


def _retry() -> Retry:
    # A fail-over takes the sentinels' down-after time plus an election (a few seconds): commands are
    # retried for about 10 s, each reconnection asking the sentinels again where the primary now is.
    return Retry(ExponentialBackoff(cap=1.0, base=0.05), retries=12)


RETRY_ON = [RedisConnectionError, RedisTimeoutError, ReadOnlyError, MasterNotFoundError]


def connect(url: str) -> Redis:
    """A client for ALTA_REDIS_URL that follows the primary: through Sentinel, a fail-over needs no restart."""
    target = parse_redis_url(url)
    if not target.through_sentinel:
        # One server: nothing to fail over to, so a down Redis is reported at once, as before.
        return Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=CONNECT_TIMEOUT)
    sentinel = Sentinel(list(target.sentinels), socket_timeout=CONNECT_TIMEOUT,
                        sentinel_kwargs={"socket_timeout": CONNECT_TIMEOUT,
                                         "socket_connect_timeout": CONNECT_TIMEOUT})
    return sentinel.master_for(target.service, db=target.db, password=target.password,
                               socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=CONNECT_TIMEOUT,
                               retry=_retry(), retry_on_error=RETRY_ON)


def limiter_storage(url: str) -> tuple[str, dict]:
    """Flask-Limiter's RATELIMIT_STORAGE_URI and RATELIMIT_STORAGE_OPTIONS for the same Redis: the limits
    library reads `redis+sentinel://hosts/service` (no db in the path) and takes the db as an option; its
    reads go to the primary too, so a counter never lags behind on a replica."""
    target = parse_redis_url(url)
    options = {"socket_timeout": SOCKET_TIMEOUT, "socket_connect_timeout": CONNECT_TIMEOUT}
    if not target.through_sentinel:
        return url, options
    hosts = ",".join(f"{h}:{p}" for h, p in target.sentinels)
    options |= {"db": target.db, "use_replicas": False,
                "sentinel_kwargs": {"socket_timeout": CONNECT_TIMEOUT}}
    if target.password:
        options["password"] = target.password
    return f"{SENTINEL_SCHEME}://{hosts}/{target.service}", options


def redis_for(app: Flask) -> Redis:
    conn = app.extensions.get("alta_redis")
    if conn is None:
        conn = connect(app.config["REDIS_URL"])
        app.extensions["alta_redis"] = conn
    return conn


def role() -> str:
    """The role of the Redis server this app's connection reaches now (master or replica), from INFO."""
    return str(get_redis().info("replication").get("role", "unknown"))


def get_redis() -> Redis:
    return redis_for(current_app)


def get_queue(name: str, connection: Redis | None = None) -> Queue:
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(name, connection=connection or get_redis())


# An idle RQ worker blocks on its queues for worker_ttl - 15 s (405 s by default) between heartbeats, and
# its registration expires after worker_ttl (420 s): a heartbeat older than that plus a margin is a dead
# worker whose key has not expired yet.
HEARTBEAT_STALE = timedelta(seconds=480)


@dataclass
class WorkerInfo:
    name: str
    hostname: str | None
    pid: int | None
    state: str
    queues: list[str]
    current_job: str | None
    last_heartbeat: datetime | None
    alive: bool


def workers() -> list[WorkerInfo]:
    """The RQ workers registered on alta's queues, with whether their heartbeat is recent."""
    now = utcnow()
    found = []
    for w in Worker.all(connection=get_redis()):
        queues = [q for q in w.queue_names() if q in QUEUE_NAMES]
        if not queues:
            continue
        beat = w.last_heartbeat
        if beat is not None and beat.tzinfo is None:
            beat = beat.replace(tzinfo=now.tzinfo)  # RQ stores naive UTC
        alive = beat is not None and now - beat < HEARTBEAT_STALE
        found.append(WorkerInfo(w.name, w.hostname, w.pid, str(w.get_state()), queues, w.get_current_job_id(),
                                beat, alive))
    return sorted(found, key=lambda w: w.name)


def worker_alive() -> bool:
    """The liveness rule (for /healthz, the console and its banner): at least one worker listens on alta's
    queues with a recent heartbeat. Redis down: False."""
    try:
        return any(w.alive for w in workers())
    except Exception:  # noqa: BLE001 - Redis down means no worker can take jobs either
        return False
