"""The console at scale: job list and detail p95 at 100,000 jobs / 10 million events against the same pages
at 1,000 jobs. Two databases side by side (same engine, same machine), requests to them interleaved so that
both see the same load; every page shows the same rows in both. Goal: within 1.5x.

    python -m tests.bench bench_jobs          (ALTA_TEST_DATABASE=postgresql for PostgreSQL)
    ALTA_BENCH_JOBS=100000 ALTA_BENCH_EVENTS_PER_JOB=100 change the size (events = jobs x events per job);
    seeding 10 million events takes 80-140 s here (2 cores), ALTA_BENCH_EVENTS_PER_JOB=20 about 25 s.

Rows are bulk-inserted through the driver (executemany on SQLite, COPY on PostgreSQL): going through the
ORM would take most of an hour. Pages are fetched through the app (test client, signed-in sysadmin), so
the figure includes the queries, the templates and the role check.
"""

from __future__ import annotations

import gc
import json
import os
import time
from datetime import UTC, datetime, timedelta

from tests.bench import Result, bulk_insert, interleaved_p95, timestamp
from tests.support import DATABASE, start_services

SMALL = 1_000
LARGE = int(os.environ.get("ALTA_BENCH_JOBS", "100000"))
EVENTS_PER_JOB = int(os.environ.get("ALTA_BENCH_EVENTS_PER_JOB", "100"))
MEMBERS = 500
RARE = MEMBERS + 1  # a member covered by the same 5 jobs in both databases: the member filter's needle
DETAIL_EVENTS = 300  # the job whose page is measured has more events than one page holds
REPEAT = 60
GOAL = 1.5
PLAYBOOKS = ("hosting.yml", "email.yml", "drupal.yml")
STATES = ("successful", "successful", "successful", "failed", "canceled", "timeout")
T0 = datetime(2026, 1, 1, tzinfo=UTC)
EVENT_COLUMNS = ("id", "job_id", "counter", "event", "host", "task", "item_label", "status", "changed", "duration",
                 "data", "created_at")




class Seeder:
    def __init__(self, engine):
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"


    def members(self, count: int = RARE) -> list[int]:
        """Applications, members and one hosting request each; returns the service request ids."""
        now = timestamp(T0, self.sqlite)
        bulk_insert(self.engine, "application", ("id", "email", "kind", "full_name", "country", "language", "movements",
                                    "progress", "state", "username", "created_at", "updated_at"),
                    [(n, f"bench{n}@example.org", "individual", f"Bench {n}", "MX", "es", "[]", "{}", "approved",
                      f"bench{n}", now, now) for n in range(1, count + 1)])
        bulk_insert(self.engine, "member", ("id", "application_id", "uid", "uid_number", "ldap_dn", "member_since",
                               "languages", "state", "created_at", "updated_at"),
                    [(n, n, f"bench{n}", 20000 + n, f"uid=bench{n},ou=members", now, "[]", "active", now, now)
                     for n in range(1, count + 1)])
        bulk_insert(self.engine, "service_request", ("id", "application_id", "member_id", "kind", "params", "state",
                                        "created_at", "updated_at"),
                    [(n, n, n, "hosting", "{}", "active", now, now) for n in range(1, count + 1)])
        return list(range(1, count + 1))

    def jobs(self, first: int, last: int, events_per_job: int) -> None:
        false = 0 if self.sqlite else False
        true = 1 if self.sqlite else True

        def job_rows():
            for n in range(first, last + 1):
                queued = T0 + timedelta(seconds=n * 30)
                yield (n, PLAYBOOKS[n % 3], STATES[n % len(STATES)], 1, f"staff{n % 7}", "{}",
                       timestamp(queued, self.sqlite), timestamp(queued + timedelta(seconds=2), self.sqlite),
                       timestamp(queued + timedelta(seconds=2 + n % 90), self.sqlite), 0, false, false)

        bulk_insert(self.engine, "provisioning_job", ("id", "playbook", "state", "attempt", "requested_by", "options",
                                         "queued_at", "started_at", "finished_at", "rc", "cancel_requested",
                                         "stdout_truncated"), job_rows())
        bulk_insert(self.engine, "job_item", ("id", "job_id", "service_request_id", "label", "status"),
                    ((n, n, 1 + n % MEMBERS, f"bench{1 + n % MEMBERS}", "ok") for n in range(first, last + 1)))
        if first == 1:
            bulk_insert(self.engine, "job_item", ("id", "job_id", "service_request_id", "label", "status"),
                        [(10**9 + n, n * 97, RARE, f"bench{RARE}", "ok") for n in range(1, 6)])
        data = json.dumps({"res": {"changed": True, "msg": "done"}})

        def event_rows():
            for job in range(first, last + 1):
                at = timestamp(T0 + timedelta(seconds=job * 30), self.sqlite)
                for c in range(1, events_per_job + 1):
                    yield ((job - 1) * events_per_job + c, job, c, "runner_on_ok", "localhost", f"task {c}",
                           f"bench{1 + job % MEMBERS}", "ok", true if c % 2 else false, 0.25, data, at)

        bulk_insert(self.engine, "job_event", EVENT_COLUMNS, event_rows())

    def detail_job(self, job_id: int, events: int) -> None:
        """A failed job with `events` events, ids after every seeded event (so it is the same in both phases)."""
        bulk_insert(self.engine, "job_event", EVENT_COLUMNS,
                    [(10**9 + job_id * 1000 + c, job_id, EVENTS_PER_JOB + c, "runner_on_ok", "localhost",
                      f"detail task {c}", "bench1", "ok", 0 if self.sqlite else False, 0.1, "{}",
                      timestamp(T0, self.sqlite)) for c in range(1, events + 1)])

    def analyze(self) -> None:
        raw = self.engine.raw_connection()
        try:
            raw.cursor().execute("ANALYZE")
            raw.commit()
            if self.sqlite:
                # Fold the bulk load out of the WAL, as SQLite's auto-checkpoint does over time in a live
                # database: a multi-gigabyte WAL slows every read that has to look pages up in it.
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()


def _pages(detail_id: int, middle_id: int) -> dict[str, str]:
    return {
        "list": "/jobs/",
        "list filtered": "/jobs/?state=failed&playbook=hosting.yml",
        "list by member": f"/jobs/?member=bench{RARE}",
        "list by requester, deep": f"/jobs/?requester=staff3&before={middle_id}",
        "detail": f"/jobs/{detail_id}",
        "detail live": f"/jobs/{detail_id}/live.json?after={EVENTS_PER_JOB + 100}",
    }




def run() -> list[Result]:
    from app import create_app
    from app.extensions import db
    from tests.conftest import FormHelper, IsolatedClient, StaffHelper

    with start_services(DATABASE) as services:
        password = StaffHelper(services).create("benchsam", "sysadmins")
        small_settings = services.second_database("alta_small")
        clients, seed_seconds = {}, 0.0
        for size, settings, jobs in (("small", small_settings, SMALL), ("large", services.settings, LARGE)):
            app = create_app(settings)
            app.test_client_class = IsolatedClient
            with app.app_context():
                seeder = Seeder(db.engine)
                started = time.perf_counter()
                seeder.members()
                seeder.jobs(1, jobs, EVENTS_PER_JOB)
                seeder.detail_job(SMALL // 2, DETAIL_EVENTS)
                seeder.analyze()
                if size == "large":
                    seed_seconds = time.perf_counter() - started
                db.session.remove()
            client = app.test_client()
            FormHelper().post(client, "/login", {"username": "benchsam", "password": password})
            clients[size] = client
        # The seeding's garbage is not the pages' cost: collect it once so GC passes do not land at random.
        gc.collect()
        gc.freeze()
        small_pages, large_pages = _pages(SMALL // 2, SMALL // 2), _pages(SMALL // 2, LARGE // 2)
        pages = {name: {"small": small_pages[name], "large": large_pages[name]} for name in small_pages}
        figures = interleaved_p95(clients, pages, REPEAT)
        for client in clients.values():
            with client.application.app_context():
                db.engine.dispose()
    events = LARGE * EVENTS_PER_JOB + DETAIL_EVENTS
    results = []
    for name, p in figures.items():
        ratio = p["large"] / p["small"]
        results.append(Result(
            f"jobs {name} p95 at {LARGE:,} jobs vs {SMALL:,} ({DATABASE})", ratio, f"<= {GOAL}x", ratio <= GOAL,
            f"p95 {p['large'] * 1000:.1f} ms at {LARGE:,} jobs / {events:,} events vs {p['small'] * 1000:.1f} ms "
            f"at {SMALL:,} jobs (seeded the large database in {seed_seconds:.0f} s)"))
    return results
