"""The member's own pages at scale: the overview, commitments and data download p95 with 100,000 members
against 1,000, in one run on one database engine (two databases side by side, requests interleaved).
Goal (issue 15): within 1.5x.

    python -m tests.bench bench_portal        (ALTA_TEST_DATABASE=postgresql for PostgreSQL)
    ALTA_BENCH_MEMBERS=100000 changes the large size.

Each database holds the signed-in member (a real directory entry, signed in through /me/sign-in) and the
other members seeded in bulk (application, member, three consents, one service, a commitment change for
every other member), as the table grows in real life. Pages go through the app (test client), so the
figure includes the session check, queries and templates.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime, timedelta

from tests.bench import Result, bulk_insert, interleaved_p95, timestamp
from tests.support import DATABASE, start_services

SMALL = 1_000
LARGE = int(os.environ.get("ALTA_BENCH_MEMBERS", "100000"))
REPEAT = 40
GOAL = 1.5
NOW = datetime.now(UTC)
FIRST = 1_000_000  # seeded ids start here, after the rows the app itself made

PAGES = {"overview": "/me/", "commitments": "/me/commitments", "data download": "/me/data.json"}


def seed(engine, total: int, versions: list[int]) -> None:
    sqlite = engine.dialect.name == "sqlite"
    at = timestamp(NOW - timedelta(days=400), sqlite)

    def applications():
        for n in range(FIRST, FIRST + total):
            yield (n, f"socia{n}@example.org", "individual", f"Persona Número {n}", "MX", "es", '["housing"]', "{}",
                   "approved", f"m{n}", at, at, at)

    bulk_insert(engine, "application", ("id", "email", "kind", "full_name", "country", "language", "movements",
                                        "progress", "state", "username", "submitted_at", "created_at",
                                        "updated_at"), applications())

    def members():
        for n in range(FIRST, FIRST + total):
            yield (n, n, f"m{n}", n, f"uid=m{n},ou=members,dc=alta,dc=coop", at, '["es"]', "active", at, at)

    bulk_insert(engine, "member", ("id", "application_id", "uid", "uid_number", "ldap_dn", "member_since",
                                   "languages", "state", "created_at", "updated_at"), members())

    def consents():
        ident = FIRST * 3
        for n in range(FIRST, FIRST + total):
            for version in versions:
                ident += 1
                yield (ident, n, version, "es", "0" * 64, at, "203.0.113.7", "bench")

    bulk_insert(engine, "consent", ("id", "application_id", "document_version_id", "language", "sha256_shown",
                                    "accepted_at", "ip", "user_agent"), consents())

    def services():
        for n in range(FIRST, FIRST + total):
            yield (n, n, n, "hosting", json.dumps({"domain": f"sitio{n}.example.org"}), "active", at, at)

    bulk_insert(engine, "service_request", ("id", "application_id", "member_id", "kind", "params", "state",
                                            "created_at", "updated_at"), services())

    def commitments():
        for n in range(FIRST, FIRST + total, 2):
            yield (n, n, 3, '["support"]', "[]", '["housing"]', at)

    bulk_insert(engine, "member_commitment", ("id", "member_id", "hours_per_month", "working_groups", "projects",
                                              "movements", "created_at"), commitments())
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def run() -> list[Result]:
    from app import create_app, documents
    from app.extensions import db
    from tests.conftest import FormHelper, IsolatedClient
    from tests.portal.conftest import PASSWORD, signed_up_member

    with start_services(DATABASE) as services:
        small_settings = services.second_database("alta_portal_small")
        clients, seed_seconds = {}, 0.0
        for size, settings, total in (("small", small_settings, SMALL), ("large", services.settings, LARGE)):
            app = create_app(dict(settings, RATELIMIT_ENABLED=False))
            app.test_client_class = IsolatedClient
            with app.app_context():
                documents.sync()
                signed_up_member("benchflor", language="es", email="flor@example.org", full_name="Flor Benchmark")
                versions = [documents.current(kind, "es").id for kind in ("unity", "agreement", "intentionality")]
                started = time.perf_counter()
                seed(db.engine, total, versions)
                if size == "large":
                    seed_seconds = time.perf_counter() - started
                db.session.remove()
            client = app.test_client()
            response = FormHelper().post(client, "/me/sign-in", {"identity": "benchflor", "password": PASSWORD})
            assert response.status_code == 303, "bench member could not sign in"
            clients[size] = client
        figures = interleaved_p95(clients, {name: dict.fromkeys(clients, url) for name, url in PAGES.items()}, REPEAT)
        for client in clients.values():
            with client.application.app_context():
                db.engine.dispose()
    results = []
    for name, p in figures.items():
        ratio = p["large"] / p["small"]
        results.append(Result(
            f"member {name} p95 at {LARGE:,} members vs {SMALL:,} ({DATABASE})", ratio, f"<= {GOAL}x", ratio <= GOAL,
            f"p95 {p['large'] * 1000:.1f} ms at {LARGE:,} vs {p['small'] * 1000:.1f} ms at {SMALL:,} "
            f"(seeded the large database in {seed_seconds:.1f} s)"))
    return results
