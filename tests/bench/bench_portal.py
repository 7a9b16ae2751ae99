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
from datetime import UTC, datetime, timedelta

from tests.bench import Result, analyze, bulk_insert, interleaved_p95, timestamp, two_sizes
from tests.support import DATABASE

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
    analyze(engine)


def run() -> list[Result]:
    from app import documents
    from tests.conftest import FormHelper
    from tests.portal.conftest import PASSWORD, signed_up_member

    def prepare(services, engine, size, total):
        documents.sync()
        signed_up_member("benchflor", language="es", email="flor@example.org", full_name="Flor Benchmark")
        versions = [documents.current(kind, "es").id for kind in ("unity", "agreement", "intentionality")]
        seed(engine, total, versions)

    def sign_in(services, client):
        response = FormHelper().post(client, "/me/sign-in", {"identity": "benchflor", "password": PASSWORD})
        assert response.status_code == 303, "bench member could not sign in"

    with two_sizes("alta_portal", {"small": SMALL, "large": LARGE}, prepare, sign_in) as (clients, seconds):
        figures = interleaved_p95(clients, {name: dict.fromkeys(clients, url) for name, url in PAGES.items()}, REPEAT)
    results = []
    for name, p in figures.items():
        ratio = p["large"] / p["small"]
        results.append(Result(
            f"member {name} p95 at {LARGE:,} members vs {SMALL:,} ({DATABASE})", ratio, f"<= {GOAL}x", ratio <= GOAL,
            f"p95 {p['large'] * 1000:.1f} ms at {LARGE:,} vs {p['small'] * 1000:.1f} ms at {SMALL:,} "
            f"(seeded the large database in {seconds['large']:.1f} s)"))
    return results
