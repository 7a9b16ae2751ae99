"""Opening a re-consent campaign at scale: `documents sync` of a version requiring re-consent for 100,000
members against the same for 1,000, per member (requests, outbox rows, their push to Redis). Goal: within
1.2x per member, and no transaction holding the table for the whole run: the longest single transaction
is reported as a share of the run (goal <= 5%).

    python -m tests.bench bench_consent        (ALTA_BENCH_CONSENT_MEMBERS=100000; ALTA_TEST_DATABASE=postgresql)

Members are bulk-inserted through the driver; the campaign is opened through the real code path
(documents.sync with the consent area's hook), each size in its own database.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.bench import Result, bulk_insert, median, timestamp
from tests.support import DATABASE, start_services

SMALL = 1_000
LARGE = int(os.environ.get("ALTA_BENCH_CONSENT_MEMBERS", "100000"))
GOAL = 1.2
LOCK_GOAL = 0.05
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def seed_members(engine, count: int) -> None:
    sqlite = engine.dialect.name == "sqlite"
    now = timestamp(T0, sqlite)
    bulk_insert(engine, "application", ("id", "email", "kind", "full_name", "country", "language", "movements",
                                        "progress", "state", "username", "created_at", "updated_at"),
                ((n, f"bench{n}@example.org", "individual", f"Bench {n}", "MX", "es" if n % 2 else "en", "[]", "{}",
                  "approved", f"bench{n}", now, now) for n in range(1, count + 1)))
    bulk_insert(engine, "member", ("id", "application_id", "uid", "uid_number", "ldap_dn", "member_since",
                                   "languages", "state", "created_at", "updated_at"),
                ((n, n, f"bench{n}", 20000 + n, f"uid=bench{n},ou=members", now,
                  '["es"]' if n % 2 else '["en"]', "active", now, now) for n in range(1, count + 1)))


def next_version(folder: Path, kind: str, round_: int) -> None:
    for language in ("en", "es"):
        path = folder / f"{kind}.{language}.md"
        raw = path.read_text(encoding="utf-8")
        version = int(re.search(r"^version: (\d+)$", raw, re.M).group(1)) + 1
        raw = re.sub(r"^version: \d+$", f"version: {version}", raw, count=1, flags=re.M)
        raw = re.sub(r"^(reconsent|change_note): .*\n", "", raw, flags=re.M)
        raw = raw.replace("\n---\n", f"\nreconsent: true\nchange_note: Bench change {round_}.\n---\n", 1)
        path.write_text(raw + f"\nBench paragraph {round_}.\n", encoding="utf-8")


def open_campaigns(settings: dict, members: int, rounds: int) -> tuple[list[float], float]:
    """Seconds per campaign opened (one per round), and the longest transaction's seconds."""
    from sqlalchemy import event

    from app import create_app, documents
    from app.extensions import db

    app = create_app(settings)
    folder = Path(tempfile.mkdtemp(prefix="alta-bench-docs-"))
    shutil.rmtree(folder)
    shutil.copytree(documents.DOCUMENTS_DIR, folder)
    times, longest = [], 0.0
    with app.app_context():
        documents.sync(folder)
        seed_members(db.engine, members)
        began = {"t": None}

        def start(_session, _transaction, _connection):
            began["t"] = time.perf_counter()

        def end(_session):
            nonlocal longest
            if began["t"] is not None:
                longest = max(longest, time.perf_counter() - began["t"])
                began["t"] = None

        event.listen(db.session, "after_begin", start)
        event.listen(db.session, "after_commit", end)
        event.listen(db.session, "after_rollback", end)
        for n in range(rounds):
            next_version(folder, "unity", n)
            started = time.perf_counter()
            documents.sync(folder)
            times.append(time.perf_counter() - started)
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return times, longest


def run() -> list[Result]:
    with start_services(DATABASE) as services:
        small_settings = services.second_database("alta_small")
        small, _ = open_campaigns(small_settings, SMALL, rounds=3)
        large, longest = open_campaigns(services.settings, LARGE, rounds=1)
    per_small, per_large = median(small) / SMALL, large[0] / LARGE
    ratio = per_large / per_small
    share = longest / large[0]
    return [
        Result(f"consent campaign per member at {LARGE:,} vs {SMALL:,} members ({DATABASE})", ratio, f"<= {GOAL}x",
               ratio <= GOAL, f"{per_large * 1e3:.2f} ms per member at {LARGE:,} ({large[0]:.1f} s) vs "
               f"{per_small * 1e3:.2f} ms at {SMALL:,}"),
        Result(f"consent campaign longest transaction share at {LARGE:,} members ({DATABASE})", share,
               f"<= {LOCK_GOAL}", share <= LOCK_GOAL,
               f"longest transaction {longest * 1e3:.0f} ms of {large[0]:.1f} s"),
    ]
