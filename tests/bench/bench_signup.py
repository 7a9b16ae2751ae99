"""Complete sign-ups through the join wizard against gunicorn, per step, compared with a bare one-insert
endpoint measured in the same run. Goal (issues 12 and 19): every step's p95 within 2x the baseline's p95.

    python -m tests.bench bench_signup        (ALTA_BENCH_SIGNUPS=N to change the number of sign-ups)
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from app.devservices import free_port, wait_for_port
from tests.bench import Result, median, p95
from tests.onboarding.conftest import ABOUT, COMMITMENTS, DOCUMENTS, SERVICES, WHY
from tests.onboarding.httpsession import Session
from tests.support import ROOT, start_services

SIGNUPS = int(os.environ.get("ALTA_BENCH_SIGNUPS", "100"))
CLIENTS = 2  # concurrent applicants, one per gunicorn worker
GOAL = 2.0


@contextmanager
def gunicorn(target: str, env: dict, log: Path):
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", target],
                                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_port(port, proc, seconds=30, name=target)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _timed(samples: dict, step: str, call, expect: int = 303):
    start = time.perf_counter()
    reply = call()
    samples[step].append(time.perf_counter() - start)
    if reply.status != expect:
        raise RuntimeError(f"{step}: HTTP {reply.status}: {reply.text[:300]}")
    baseline = samples.get("__baseline__")
    if baseline is not None:
        # Right after each wizard request, one request to the baseline from the same thread: both see the
        # same machine load (other processes, the other client), which a separate phase would not.
        session, times = baseline
        start = time.perf_counter()
        if session.post("/insert", {}).status != 200:
            raise RuntimeError("baseline insert failed")
        times.append(time.perf_counter() - start)
    return reply


def signup(base_url: str, n: int, samples: dict) -> None:
    """One applicant, start to submit; each step's page load (GET) and answer (POST) timed separately."""
    s = Session(base_url)

    def step(name: str, path: str, data: dict, page: str | None = None):
        html = _timed(samples, f"{name} page", lambda: s.get(page or path), expect=200).text
        payload = {**data, "csrf_token": s.hidden(html, "csrf_token")}
        if name in DOCUMENTS:
            payload.update(document_version_id=s.hidden(html, "document_version_id"),
                           language=s.hidden(html, "language"), sha256=s.hidden(html, "sha256"))
        return _timed(samples, name, lambda: s.post(path, payload))

    step("start", "/join/", {**ABOUT, "email": f"bench{n}@example.org"})
    for kind in DOCUMENTS:
        step(kind, f"/join/documents/{kind}", {"accept": "y"})
    step("why", "/join/why", WHY)
    step("commitments", "/join/commitments", COMMITMENTS)
    step("services", "/join/services", {**SERVICES, "username": f"bench{n}"})
    verify, status = _link_tokens(s)
    _timed(samples, "verify link", lambda: s.get(f"/join/verify/{verify}"))
    step("submit", "/join/submit", {}, page="/join/check")
    _timed(samples, "status page", lambda: s.get(f"/status/{status}"), expect=200)


def _link_tokens(s: Session) -> tuple[str, str]:
    """The verification and status links the worker would email (two tokens since issue 12), derived here
    the same way, from the id in the session cookie."""
    from flask.sessions import SecureCookieSessionInterface

    from app.extensions import db
    from app.models import Application
    from app.onboarding import tokens

    cookie = next(c.value for c in s.cookies if c.name == "session")
    application_id = SecureCookieSessionInterface().get_signing_serializer(_APP).loads(cookie)["application_id"]
    with _APP.app_context():
        application = db.session.get(Application, application_id)
        found = tokens.verification_token_for(application), tokens.token_for(application)
        db.session.remove()
    return found


_APP = None  # an in-process app on the same settings, only to derive link tokens


def _run_clients(count: int, work) -> float:
    """Run `work(i)` for i in range(count) on CLIENTS threads; return the wall time."""
    queue = list(range(count))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                i = queue.pop()
            work(i)

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def run() -> list[Result]:
    global _APP
    from app import create_app
    from app import documents as docs
    from app.extensions import db

    with start_services() as services:
        settings = {**services.settings, "RATELIMIT_SIGNUP": "1000000 per hour",
                    "RATELIMIT_SIGNUP_EMAIL": "1000000 per hour", "MIN_FORM_SECONDS": 0}
        _APP = create_app(settings)
        with _APP.app_context():
            docs.sync()
            db.session.remove()
            db.engine.dispose()
        env = services.env(**settings)
        samples: dict = defaultdict(list)
        baseline: list[float] = []
        with gunicorn("tests.bench.baseline_insert_wsgi:app", env, services.root / "baseline.log") as base_url, \
                gunicorn("app:create_app()", env, services.root / "app.log") as app_url:
            def measured(i: int) -> dict:
                mine: dict = defaultdict(list)
                mine["__baseline__"] = (Session(base_url), [])
                signup(app_url, i, mine)
                return mine

            for i in range(4):  # warm up: imports, templates, connection pools
                measured(10_000 + i)
            lock = threading.Lock()

            def one(i: int) -> None:
                mine = measured(i)
                with lock:
                    baseline.extend(mine.pop("__baseline__")[1])
                    for step, times in mine.items():
                        samples[step].extend(times)

            _run_clients(SIGNUPS, one)

    base_p95 = p95(baseline)
    base_rps = CLIENTS * len(baseline) / sum(baseline)
    requests = sum(len(v) for v in samples.values())
    rps = CLIENTS * requests / sum(sum(v) for v in samples.values())
    results = [Result("signup requests/s vs baseline", rps / base_rps, "(reported)", True,
                      f"{rps:.0f} req/s over {requests} requests ({SIGNUPS} sign-ups, {CLIENTS} clients) vs "
                      f"baseline {base_rps:.0f} req/s; baseline p95 {base_p95 * 1000:.1f} ms, "
                      f"median {median(baseline) * 1000:.1f} ms")]
    for step, times in samples.items():
        ratio = p95(times) / base_p95
        results.append(Result(f"signup p95 {step}", ratio, f"<= {GOAL:g}x", ratio <= GOAL,
                              f"p95 {p95(times) * 1000:.1f} ms vs baseline {base_p95 * 1000:.1f} ms"))
    return results
