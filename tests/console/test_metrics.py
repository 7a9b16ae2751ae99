"""/metrics: Prometheus text with applications, jobs, durations, queues, outbox lag and sign-in failures."""

from __future__ import annotations

import re
from datetime import timedelta

from app import audit
from app.extensions import db
from app.models import Outbox, utcnow
from tests.console.factories import make_job
from tests.factories import make_application


def _sample(text: str, name: str, **labels) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = "^" + re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)$"
    match = re.search(pattern, text, re.MULTILINE)
    assert match, f"{name} {labels} missing from:\n{text}"
    return float(match.group(1))


def test_metrics_count_applications_jobs_durations_outbox_and_signin_failures(client):
    make_application("submitted")
    make_application("submitted")
    make_application("approved")
    make_job("successful", duration=3)
    make_job("successful", duration=45)
    make_job("failed", playbook="email.yml", duration=700)
    make_job("queued")
    db.session.add(Outbox(kind="job", payload={"job_id": 1}))  # handed to RQ after the commit
    # A row whose push to Redis failed (dispatched_at cleared), written without the ORM so the
    # after-commit dispatcher does not see it: stays undispatched.
    db.session.execute(Outbox.__table__.insert().values(kind="mail", payload={}, attempts=1, dispatched_at=None,
                                                        created_at=utcnow() - timedelta(minutes=2)))
    for _ in range(3):
        audit.record("system", "auth.failed", "login:mallory", {})
    audit.record("system", "auth.signed_in", "login:sam", {})
    db.session.commit()

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert _sample(text, "alta_applications", state="submitted") == 2
    assert _sample(text, "alta_applications", state="approved") == 1
    assert _sample(text, "alta_jobs", state="successful", playbook="hosting.yml") == 2
    assert _sample(text, "alta_jobs", state="failed", playbook="email.yml") == 1
    assert _sample(text, "alta_job_duration_seconds_bucket", playbook="hosting.yml", le="5") == 1
    assert _sample(text, "alta_job_duration_seconds_bucket", playbook="hosting.yml", le="60") == 2
    assert _sample(text, "alta_job_duration_seconds_bucket", playbook="email.yml", le="600") == 0
    assert _sample(text, "alta_job_duration_seconds_bucket", playbook="email.yml", le="+Inf") == 1
    assert abs(_sample(text, "alta_job_duration_seconds_sum", playbook="hosting.yml") - 48) < 0.01
    assert _sample(text, "alta_queue_depth", queue="provision") == 1
    assert _sample(text, "alta_queue_depth", queue="mail") == 0
    assert _sample(text, "alta_outbox_pending") == 1
    assert 110 <= _sample(text, "alta_outbox_lag_seconds") < 300
    assert _sample(text, "alta_signin_failures_total") == 3
    assert _sample(text, "alta_workers_alive") == 0
    assert "# TYPE alta_job_duration_seconds histogram" in text


def test_metrics_need_the_bearer_token_when_one_is_configured(app_settings):
    from app import create_app

    app_settings["METRICS_TOKEN"] = "s3cret-scrape-token"
    application = create_app(app_settings)
    with application.app_context():
        client = application.test_client()
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"})
        assert ok.status_code == 200 and "alta_jobs" in ok.get_data(as_text=True)
        from app.extensions import db

        db.session.remove()


def test_metrics_write_every_state_with_zero_when_it_has_no_rows(client):
    from app.models.states import ApplicationState, JobState

    text = client.get("/metrics").get_data(as_text=True)
    for state in ApplicationState:
        assert _sample(text, "alta_applications", state=state) == 0
    for state in JobState:
        assert _sample(text, "alta_jobs", state=state, playbook="hosting.yml") == 0


def test_metrics_report_redis_down_as_its_own_gauge_without_a_sentinel_depth(app_settings):
    import socket

    from app import create_app

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app_settings["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    application = create_app(app_settings)
    with application.app_context():
        text = application.test_client().get("/metrics").get_data(as_text=True)
        from app.extensions import db

        db.session.remove()
    assert _sample(text, "alta_redis_up") == 0
    assert not re.search(r"^alta_queue_depth\{", text, re.MULTILINE)
    assert " -1\n" not in text


def test_metrics_report_redis_up_when_it_answers(client):
    assert _sample(client.get("/metrics").get_data(as_text=True), "alta_redis_up") == 1


def test_metrics_count_members_by_state_and_dues_accounts_by_standing(client):
    from app.dues import accounts
    from app.models.states import DuesStanding, MemberState
    from tests.members.factories import make_member

    text = client.get("/metrics").get_data(as_text=True)
    for state in MemberState:
        assert _sample(text, "alta_members", state=state) == 0
    for standing in DuesStanding:
        assert _sample(text, "alta_dues_accounts", standing=standing) == 0
    make_member()
    make_member()
    db.session.commit()
    accounts.run()
    text = client.get("/metrics").get_data(as_text=True)
    assert _sample(text, "alta_members", state="active") == 2
    assert _sample(text, "alta_dues_accounts", standing="current") == 2
