"""The review queue at scale: queue page and search p95 with 100,000 applications against 1,000, measured in
one run on one database engine (two databases side by side, requests interleaved). Goal: within 1.5x.

    python -m tests.bench bench_review        (ALTA_TEST_DATABASE=postgresql for PostgreSQL)
    ALTA_BENCH_APPLICATIONS=100000 changes the large size.

What grows is the table's history: both databases hold the same open queue (OPEN applications waiting,
about what a few volunteers have in front of them), and the large one 99,000 more decided applications
(approved, rejected, withdrawn) with their service requests. That is how the table grows in real life, and
the pages must not slow down with it. Search is over the open queue (the page's default filter); a search
over every state (`state=all`) scans the table and is not part of this goal.

Rows are bulk-inserted through the driver (executemany on SQLite, COPY on PostgreSQL). Pages are fetched
through the app (test client, signed-in reviewer), so the figure includes queries, templates and role check.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime, timedelta

from tests.bench import Result, bulk_insert, interleaved_p95, timestamp
from tests.support import DATABASE, start_services

SMALL = 1_000
LARGE = int(os.environ.get("ALTA_BENCH_APPLICATIONS", "100000"))
OPEN = 300
REPEAT = 40
GOAL = 1.5
NOW = datetime.now(UTC)
DECIDED = ("approved", "approved", "approved", "rejected", "withdrawn")
SERVICES = ("hosting", "email", "drupal")




class Seeder:
    def __init__(self, engine):
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"


    def applications(self, total: int) -> None:
        """OPEN open applications (ids 1..OPEN, the newest) and total - OPEN decided ones before them."""
        def state(n: int) -> str:
            if n <= OPEN:
                return "needs_info" if n % 5 == 0 else "submitted"
            return DECIDED[n % len(DECIDED)]

        def submitted(n: int) -> datetime:
            # Open ones over the last 20 days; decided ones further back, one every 10 minutes.
            return NOW - (timedelta(hours=n * 1.5) if n <= OPEN else timedelta(days=20, minutes=10 * n))

        def app_rows():
            for n in range(1, total + 1):
                at = timestamp(submitted(n), self.sqlite)
                yield (n, f"persona{n}@example.org", "individual", f"Persona Número {n}", "MX",
                       "es" if n % 3 else "en", "[]", "{}", state(n), f"socia{n}", at,
                       f"staff{n % 4}" if n % 2 else None, at, at)

        bulk_insert(self.engine, "application", ("id", "email", "kind", "full_name", "country", "language", "movements",
                                    "progress", "state", "username", "submitted_at", "assignee", "created_at",
                                    "updated_at"), app_rows())

        def request_rows():
            ident = 0
            for n in range(1, total + 1):
                at = timestamp(submitted(n), self.sqlite)
                for kind in SERVICES[: 1 + n % 3]:
                    ident += 1
                    yield (ident, n, kind, json.dumps({"domain": f"sitio{n}.example.org"}),
                           "requested" if n <= OPEN else "active", at, at)

        bulk_insert(self.engine, "service_request", ("id", "application_id", "kind", "params", "state", "created_at",
                                        "updated_at"), request_rows())

    def analyze(self) -> None:
        raw = self.engine.raw_connection()
        try:
            raw.cursor().execute("ANALYZE")
            raw.commit()
        finally:
            raw.close()


PAGES = {
    "queue": "/review/",
    "queue filtered": "/review/?service=email&language=es",
    "queue mine": "/review/?assignee=staff1",
    "search name": "/review/?q=n%C3%BAmero%2012",
    "search domain": "/review/?q=sitio250.example",
}




def run() -> list[Result]:
    from app import create_app
    from app.extensions import db
    from tests.conftest import FormHelper, IsolatedClient, StaffHelper

    with start_services(DATABASE) as services:
        password = StaffHelper(services).create("benchrita", "support")
        small_settings = services.second_database("alta_small")
        clients, seed_seconds = {}, 0.0
        for size, settings, total in (("small", small_settings, SMALL), ("large", services.settings, LARGE)):
            app = create_app(settings)
            app.test_client_class = IsolatedClient
            with app.app_context():
                seeder = Seeder(db.engine)
                started = time.perf_counter()
                seeder.applications(total)
                seeder.analyze()
                if size == "large":
                    seed_seconds = time.perf_counter() - started
                db.session.remove()
            client = app.test_client()
            response = FormHelper().post(client, "/login", {"username": "benchrita", "password": password})
            assert response.status_code == 303, "bench reviewer could not sign in"
            clients[size] = client
        figures = interleaved_p95(clients, {name: dict.fromkeys(clients, url) for name, url in PAGES.items()}, REPEAT)
        for client in clients.values():
            with client.application.app_context():
                db.engine.dispose()
    results = []
    for name, p in figures.items():
        ratio = p["large"] / p["small"]
        results.append(Result(
            f"review {name} p95 at {LARGE:,} applications vs {SMALL:,} ({DATABASE})", ratio, f"<= {GOAL}x",
            ratio <= GOAL,
            f"p95 {p['large'] * 1000:.1f} ms at {LARGE:,} vs {p['small'] * 1000:.1f} ms at {SMALL:,} "
            f"({OPEN} open in both; seeded the large database in {seed_seconds:.1f} s)"))
    return results
