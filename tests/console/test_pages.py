"""Console pages as a signed-in sysadmin: job list and detail, actions, tokens, audit log and export."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken, AuditEvent, JobState, ProvisioningJob
from tests.console.factories import make_audit_events, make_job, make_member


def _audits(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_job_list_shows_jobs_with_their_members_and_filters_from_the_query_string(sysadmin):
    ana = make_member("ana-l")
    failed = make_job("failed", members=[ana], requested_by="rita")
    ok = make_job("successful", members=[ana], requested_by="rita")
    db.session.commit()
    page = sysadmin.get("/jobs/").get_data(as_text=True)
    assert f"#{failed.id}" in page and f"#{ok.id}" in page and "ana-l" in page and "rita" in page
    filtered = sysadmin.get("/jobs/?state=failed&member=ana-l").get_data(as_text=True)
    assert f"#{failed.id}<" in filtered and f"#{ok.id}<" not in filtered


def test_job_list_pages_with_an_older_jobs_link_that_keeps_the_filters(sysadmin):
    ids = [make_job("failed").id for _ in range(55)]
    db.session.commit()
    first = sysadmin.get("/jobs/?state=failed").get_data(as_text=True)
    assert f"#{ids[-1]}<" in first and f"#{ids[0]}<" not in first
    assert f"before={ids[5]}" in first and "state=failed" in first.split("rel=\"next\"")[1][:200]
    second = sysadmin.get(f"/jobs/?state=failed&before={ids[5]}").get_data(as_text=True)
    assert f"#{ids[0]}<" in second and f"#{ids[5]}<" not in second


def test_bad_filters_get_a_clear_error_and_an_error_title(sysadmin):
    response = sysadmin.get("/jobs/?date_from=2026-13-45&date_to=yesterday&state=exploded&member=<script>")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error:" in page and "There is a problem" in page
    assert "<script>" not in page.split("<main")[1]
    reversed_range = sysadmin.get("/jobs/?date_from=2026-05-02&date_to=2026-05-01").get_data(as_text=True)
    assert "The end date must be the same as or after the start date" in reversed_range


def test_job_detail_shows_header_attempts_recap_timeline_and_output_download(sysadmin):
    member = make_member("beto-d")
    first = make_job("failed", members=[member], events=6, failed_hosts=2, stdout="TASK [x] password=********", rc=2)
    second = make_job("running", members=[member], events=2, parent=first)
    db.session.commit()
    page = sysadmin.get(f"/jobs/{first.id}").get_data(as_text=True)
    assert f"Job #{first.id}" in page
    assert f'href="/jobs/{second.id}"' in page  # the attempt chain links the next attempt
    assert "task 6" in page and "beto-d" in page
    assert 'class="is-bad">2<' in page  # recap: 2 failed on localhost
    assert "Relaunch failed items" not in page  # already relaunched: the latest attempt is the one to relaunch
    download = sysadmin.get(f"/jobs/{first.id}/stdout.txt")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert download.get_data(as_text=True) == "TASK [x] password=********"
    running = sysadmin.get(f"/jobs/{second.id}").get_data(as_text=True)
    assert "Cancel job" in running and 'http-equiv="refresh"' in running  # no-JS pages refresh themselves
    assert sysadmin.get("/jobs/99999").status_code == 404


def test_live_endpoint_returns_state_and_only_the_events_after_the_given_counter(sysadmin):
    job = make_job("running", events=5)
    db.session.commit()
    data = sysadmin.get(f"/jobs/{job.id}/live.json?after=3").json
    assert data["state"] == "running" and not data["finished"]
    assert [e["counter"] for e in data["events"]] == [4, 5]
    assert sysadmin.get(f"/jobs/{job.id}/live.json").json["events"][0]["counter"] == 1
    assert sysadmin.get(f"/jobs/{job.id}/live.json?after=-1").status_code == 400


def test_cancelling_a_queued_job_cancels_it_and_is_audited(sysadmin, form):
    job = make_job("queued", members=[make_member("caro-c")])
    db.session.commit()
    response = form.post(sysadmin, f"/jobs/{job.id}/cancel", {}, get_url=f"/jobs/{job.id}")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ProvisioningJob, job.id).state == JobState.CANCELED
    assert [e.actor for e in _audits("job.canceled")] == ["sam"]
    again = form.post(sysadmin, f"/jobs/{job.id}/cancel", {}, get_url=f"/jobs/{job.id}", follow_redirects=True)
    assert "Only a queued or running job can be canceled." in again.get_data(as_text=True)
    assert len(_audits("job.canceled")) == 1


def test_relaunching_a_failed_job_makes_the_next_attempt_and_opens_it(sysadmin, form):
    job = make_job("failed", members=[make_member("dani-r")])
    db.session.commit()
    response = form.post(sysadmin, f"/jobs/{job.id}/relaunch", {}, get_url=f"/jobs/{job.id}")
    assert response.status_code == 303
    retry = db.session.scalars(select(ProvisioningJob).where(ProvisioningJob.parent_id == job.id)).one()
    assert response.headers["Location"].endswith(f"/jobs/{retry.id}")
    assert (retry.attempt, retry.requested_by) == (2, "sam")
    assert [e.details["new_job"] for e in _audits("job.relaunched")] == [retry.id]


def test_actions_without_a_csrf_token_are_refused_and_change_nothing(sysadmin):
    job = make_job("queued")
    db.session.commit()
    assert sysadmin.post(f"/jobs/{job.id}/cancel").status_code == 400
    db.session.expire_all()
    assert db.session.get(ProvisioningJob, job.id).state == JobState.QUEUED


def test_a_new_api_token_is_shown_once_and_can_be_revoked(sysadmin, form, client):
    response = form.post(sysadmin, "/jobs/tokens", {"name": "grafana 名前"})
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    raw = response.get_data(as_text=True).split('id="token-value">')[1].split("<")[0]
    assert raw.startswith("alta_")
    assert raw not in sysadmin.get("/jobs/tokens").get_data(as_text=True)
    assert client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    token = db.session.scalars(select(ApiToken)).one()
    assert token.uid == "sam" and token.name == "grafana 名前"
    form.post(sysadmin, f"/jobs/tokens/{token.id}/revoke", {}, get_url="/jobs/tokens")
    assert client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert len(_audits("api_token.created")) == 1 and len(_audits("api_token.revoked")) == 1


def test_a_token_needs_a_name(sysadmin, form):
    response = form.post(sysadmin, "/jobs/tokens", {"name": "   "})
    assert response.status_code == 400 and "Enter a name" in response.get_data(as_text=True)
    assert db.session.scalars(select(ApiToken)).all() == []


def test_audit_log_filters_and_exports_a_date_range_as_csv_and_the_export_is_audited(sysadmin, form):
    make_audit_events(30, actor="rita", action="application.approved")
    make_audit_events(5, actor="ana", action="job.canceled")
    db.session.commit()
    page = sysadmin.get("/audit/?actor=ana").get_data(as_text=True)
    assert page.count("job.canceled") == 5 and "application.approved</td>" not in page
    from app.models import utcnow

    today = utcnow().date().isoformat()
    response = form.post(sysadmin, "/audit/export", {"actor": "rita", "date_from": "2020-01-01",
                                                     "date_to": today, "format": "csv"}, get_url="/audit/")
    assert response.status_code == 200 and response.is_streamed
    assert "attachment; filename=alta-audit-2020-01-01-" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 30 and {r["actor"] for r in rows} == {"rita"}
    exported = _audits("audit.exported")
    assert [(e.actor, e.details["format"], e.details["actor"]) for e in exported] == [("sam", "csv", "rita")]


def test_an_export_without_dates_is_refused_with_an_error(sysadmin, form):
    response = form.post(sysadmin, "/audit/export", {"format": "jsonl"}, get_url="/audit/")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "<title>Error:" in page and "Enter the first day to export" in page
    assert _audits("audit.exported") == []


def test_hostile_query_strings_get_errors_or_empty_pages_never_a_500(sysadmin):
    for url in ("/audit/?target=%00x&actor=%D8%B9%D8%B1%D8%A8%D9%8A", "/audit/?action=job%25&before=1e9",
                "/jobs/?member=' OR 1=1 --&requester=%F0%9F%98%80", "/jobs/?before=99999999999999999999",
                "/jobs/?state=" + "x" * 5000, "/jobs/1/live.json?after=99999999999999999999"):
        assert sysadmin.get(url).status_code in (200, 400, 404), url
    assert "There is a problem" in sysadmin.get("/audit/?target=%01x").get_data(as_text=True)
    assert sysadmin.get("/jobs/99999999999999").status_code == 404
