"""The console in a real browser with a real worker: a running job's page turns `successful` without a
reload, another job is canceled, a failed one relaunched; a screenshot at each step (test-artifacts/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.conftest import screenshot
from tests.console.factories import make_job, make_member
from tests.provisioning.conftest import PLAYBOOKS, approve

pytestmark = pytest.mark.browser
PASSWORD = "Sam-browser-password-1"


@pytest.fixture
def console_settings(app_settings, tmp_path):
    """The engine's test playbooks (marker.yml can wait: options.sleep) and fast heartbeats."""
    workdir = tmp_path / "jobs"
    workdir.mkdir()
    app_settings.update(PLAYBOOK_DIR=str(PLAYBOOKS), INVENTORY=str(PLAYBOOKS / "inventory.yml"),
                        JOB_WORK_DIR=str(workdir), JOB_HEARTBEAT_STALE_SECONDS=5, JOB_SWEEP_SECONDS=1,
                        JOB_TIMEOUT_SECONDS=120)
    return app_settings


def _sign_in(page, live_server: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "sam")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def _state(page) -> str:
    return page.locator("#job-state").inner_text().strip()


def test_console_follows_a_job_live_cancels_one_and_relaunches_a_failed_one(
        console_settings, staff, app, live_server, worker_process, page):
    staff.create("sam", "sysadmins", password=PASSWORD)
    _sign_in(page, live_server)
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm prompts

    # 1. A job that runs for a few seconds: its page goes queued/running → successful with no reload.
    live = approve(playbook="marker.yml", options={"sleep": 4})
    page.goto(f"{live_server}/jobs/{live.id}")
    assert _state(page) in ("queued", "running")
    page.evaluate("window.__notReloaded = true")
    screenshot(page, "jobs-01-running")
    expect(page.locator("#job-state")).to_have_text("successful", timeout=90_000)
    assert page.evaluate("window.__notReloaded === true"), "the page reloaded instead of updating"
    assert page.locator("#timeline tbody tr").count() > 3  # events arrived while watching
    assert page.locator("#recap tbody tr").first.inner_text().startswith("localhost")
    assert not page.locator("#cancel-form").is_visible()
    screenshot(page, "jobs-02-successful-live")

    # 2. A long job, canceled from its page (after the confirmation prompt).
    slow = approve(playbook="marker.yml", options={"sleep": 60})
    page.goto(f"{live_server}/jobs/{slow.id}")
    expect(page.locator("#job-state")).to_have_text("running", timeout=60_000)
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel job").click()
    assert "Cancel requested" in page.content()
    expect(page.locator("#job-state")).to_have_text("canceled", timeout=60_000)
    screenshot(page, "jobs-03-canceled")

    # 3. A failed job relaunched: the new attempt opens, runs and succeeds; the chain links both.
    member = make_member("relaunchme")
    failed = make_job("failed", members=[member], playbook="marker.yml", kind="hosting",
                      events=2, failed_hosts=1, rc=2)
    db.session.commit()
    page.goto(f"{live_server}/jobs/{failed.id}")
    screenshot(page, "jobs-04-failed")
    with page.expect_navigation():
        page.get_by_role("button", name="Relaunch failed items").click()
    assert "Relaunched" in page.content(), page.locator("main").inner_text()[:600]
    assert f"/jobs/{failed.id}" not in page.url
    expect(page.locator("#job-state")).to_have_text("successful", timeout=90_000)
    assert page.locator(f".attempts a[href='/jobs/{failed.id}']").count() == 1
    screenshot(page, "jobs-05-relaunched-successful")

    page.goto(f"{live_server}/jobs/?state=successful")
    screenshot(page, "jobs-06-list")
    page.goto(f"{live_server}/jobs/health")
    assert "provision, mail" in page.content()
    screenshot(page, "jobs-07-health")
