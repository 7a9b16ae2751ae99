"""Health: live workers with heartbeats, queues and outbox; with no worker /healthz is 503 and staff see a banner."""

from __future__ import annotations

from app import queues
from app.console import monitor
from app.extensions import db
from app.models import utcnow
from tests.console.factories import make_job
from tests.support import wait_for

BANNER = "No provisioning worker is running"


def test_a_registered_worker_whose_heartbeat_stopped_is_down_for_healthz_and_the_console_alike(sysadmin, client):
    """One liveness rule: /healthz once accepted any registered worker while the console wanted a fresh beat."""
    from datetime import timedelta

    from rq import Worker

    connection = queues.get_redis()
    worker = Worker([queues.get_queue(name) for name in queues.QUEUE_NAMES], connection=connection,
                    name="alta-test-silent-worker")
    worker.register_birth()
    try:
        worker.heartbeat()
        assert client.get("/healthz").status_code == 200
        assert BANNER not in sysadmin.get("/jobs/").get_data(as_text=True)
        # The worker stops beating but its registration has not expired yet (RQ keeps it for worker_ttl).
        stale = utcnow() - queues.HEARTBEAT_STALE - timedelta(seconds=5)
        connection.hset(worker.key, "last_heartbeat", stale.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        assert worker.name in [w.name for w in Worker.all(connection=connection)]
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json["down"] == ["worker"]
        assert BANNER in sysadmin.get("/jobs/").get_data(as_text=True)
        assert "No worker is running" in sysadmin.get("/jobs/health").get_data(as_text=True)
    finally:
        worker.register_death()




def test_with_no_worker_healthz_answers_503_naming_the_worker_and_staff_pages_show_the_banner(sysadmin, client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["down"] == ["worker"] and "worker" in response.json["parts"]["worker"]["error"]
    assert BANNER in sysadmin.get("/jobs/").get_data(as_text=True)
    assert BANNER in sysadmin.get("/audit/").get_data(as_text=True)
    assert BANNER not in client.get("/").get_data(as_text=True)  # the public never sees it
    health = sysadmin.get("/jobs/health").get_data(as_text=True)
    assert "No worker is running" in health


def test_a_running_worker_is_listed_alive_and_the_banner_goes_until_it_stops(sysadmin, client, worker_process):
    assert wait_for(queues.worker_alive), "the worker never registered"
    assert client.get("/healthz").status_code == 200
    page = sysadmin.get("/jobs/health").get_data(as_text=True)
    assert 'id="workers"' in page and "provision, mail" in page and BANNER not in page
    worker_process.terminate()
    worker_process.wait(20)
    assert wait_for(lambda: not queues.worker_alive())
    assert client.get("/healthz").status_code == 503
    assert BANNER in sysadmin.get("/jobs/").get_data(as_text=True)


def test_health_page_shows_queue_depths_oldest_queued_job_failures_and_outbox(sysadmin):
    oldest = make_job("queued", queued_minutes_ago=90)
    make_job("queued", queued_minutes_ago=5)
    make_job("failed")
    make_job("failed", queued_minutes_ago=60 * 30)  # finished more than 24 h ago: not counted
    db.session.commit()
    data = monitor.health()
    assert data.oldest_queued.id == oldest.id and data.oldest_queued_age.total_seconds() >= 90 * 60
    assert data.failed_24h == 1 and data.queue_depths == {"provision": 0, "mail": 0}
    page = sysadmin.get("/jobs/health").get_data(as_text=True)
    assert f'href="/jobs/{oldest.id}"' in page and "1 h 30 min" in page
