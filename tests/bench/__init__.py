"""Benchmarks (not run by `make test`): `make bench` runs every tests/bench/bench_*.py module.

Each module defines `run() -> list[Result]`. Every figure is a ratio to a baseline measured in the
same run (these machines are noisy), and the harness ends with one line per result:

    bench <name>: <figure> (goal <goal>) ok|short
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Result:
    name: str
    figure: float
    goal: str  # e.g. "<= 1.5x" or ">= 1000/s"
    ok: bool
    detail: str = ""

    def line(self) -> str:
        return f"bench {self.name}: {self.figure:.3g} (goal {self.goal}) {'ok' if self.ok else 'short'}"


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def timestamp(value, sqlite: bool) -> str:
    """A datetime as seeding writes it: SQLite keeps naive UTC (as app/models/base.py's UTCDateTime
    writes it); PostgreSQL takes the offset."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else value.isoformat()


def bulk_insert(engine, table: str, columns: tuple[str, ...], rows) -> None:
    """Seed rows fast: executemany on SQLite, COPY on PostgreSQL. Our own table and column names only."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            marks = ",".join("?" * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", rows)  # noqa: S608
        else:
            with cursor.copy(f"COPY {table} ({','.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def interleaved_p95(clients: dict, pages: dict[str, dict[str, str]], repeat: int,
                    warmup: int = 3) -> dict[str, dict[str, float]]:
    """p95 per page and database size: each request to one database is followed by the same page on the
    other, so both see the same machine load. `pages` maps page name → size → URL; the first `warmup`
    rounds warm the caches and are not counted. A non-200 answer stops the benchmark."""
    samples = {name: {size: [] for size in clients} for name in pages}
    for name, urls in pages.items():
        for n in range(repeat + warmup):
            for size, client in clients.items():
                start = time.perf_counter()
                response = client.get(urls[size])
                response.get_data()
                elapsed = time.perf_counter() - start
                if response.status_code != 200:
                    raise RuntimeError(f"{urls[size]}: HTTP {response.status_code}")
                if n >= warmup:
                    samples[name][size].append(elapsed)
    return {name: {size: p95(times) for size, times in by_size.items()} for name, by_size in samples.items()}


def analyze(engine) -> None:
    """Fresh planner statistics after bulk seeding, as a production database has them."""
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


@contextmanager
def two_sizes(database_name: str, sizes: dict[str, int], prepare: Callable, sign_in: Callable,
              settings: dict | None = None):
    """Two databases side by side, one per size (the small one a second database of the same engine), each
    prepared by `prepare(engine, size_name, total)` inside its app context and a client signed in by
    `sign_in(client)`. Yields ({size name: client}, {size name: seconds prepare took})."""
    from app import create_app
    from app.extensions import db
    from tests.conftest import IsolatedClient
    from tests.support import DATABASE, start_services

    with start_services(DATABASE) as services:
        clients, seconds = {}, {}
        for n, (size, total) in enumerate(sizes.items()):
            base = services.settings if n == len(sizes) - 1 else services.second_database(f"{database_name}_{size}")
            app = create_app(dict(base, RATELIMIT_ENABLED=False, **(settings or {})))
            app.test_client_class = IsolatedClient
            with app.app_context():
                started = time.perf_counter()
                prepare(services, db.engine, size, total)
                seconds[size] = time.perf_counter() - started
                db.session.remove()
            client = app.test_client()
            sign_in(services, client)
            clients[size] = client
        try:
            yield clients, seconds
        finally:
            for client in clients.values():
                with client.application.app_context():
                    db.engine.dispose()
