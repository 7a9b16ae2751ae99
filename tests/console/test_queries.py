"""Console queries: job filters and keyset pages, attempt chains, the per-host recap, audit filters."""

from __future__ import annotations

from datetime import timedelta

from app.console import queries
from app.extensions import db
from app.models import JobEvent, utcnow
from tests.console.factories import add_events, make_audit_events, make_job, make_member


def _all_pages(filters, limit=2):
    ids, cursor = [], None
    while True:
        page = queries.list_jobs(filters, cursor, limit)
        ids += [j.id for j in page.rows]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


def test_job_filters_combine_and_keyset_pages_cover_every_match_once(app):
    ana, beto = make_member("ana-m"), make_member("beto-m", services=("hosting", "email"))
    wanted = [make_job("failed", members=[ana], requested_by="rita").id for _ in range(3)]
    make_job("successful", members=[ana], requested_by="rita")
    make_job("failed", members=[beto], requested_by="rita")
    make_job("failed", members=[ana], requested_by="sam")
    make_job("failed", members=[beto], playbook="email.yml", requested_by="rita")
    db.session.commit()
    filters = queries.JobFilters(state="failed", member="ana-m", requester="rita", playbook="hosting.yml")
    assert _all_pages(filters) == sorted(wanted, reverse=True)
    beto_jobs = _all_pages(queries.JobFilters(member="beto-m"), limit=1)
    assert len(beto_jobs) == 2 and beto_jobs == sorted(beto_jobs, reverse=True)
    assert len(_all_pages(queries.JobFilters())) == 7
    page = queries.list_jobs(queries.JobFilters(state="failed", member="ana-m"))
    assert all(page.extras["labels"][j.id] == ["ana-m"] for j in page.rows)


def test_date_filters_include_the_whole_last_day(app):
    old = make_job("successful", queued_minutes_ago=60 * 24 * 10)
    new = make_job("successful", queued_minutes_ago=1)
    db.session.commit()
    # The day the new job was queued, not "today": a minute after midnight they differ.
    today = new.queued_at.date()
    assert _all_pages(queries.JobFilters(date_from=today, date_to=today)) == [new.id]
    assert _all_pages(queries.JobFilters(date_to=today - timedelta(days=5))) == [old.id]


def test_attempt_chain_runs_from_first_to_last_attempt_from_any_of_them(app):
    first = make_job("failed")
    second = make_job("failed", parent=first)
    third = make_job("successful", parent=second)
    db.session.commit()
    for job in (first, second, third):
        assert [j.id for j in queries.attempt_chain(job)] == [first.id, second.id, third.id]


def test_recap_counts_results_per_host_like_play_recap(app):
    job = make_job("failed", events=6, failed_hosts=2)  # 2 failed, 4 ok of which 2 changed (even counters)
    add_events(job, 1, start=6, status="skipped")
    # A loop's per-item result repeats its task's result: PLAY RECAP does not count it twice.
    db.session.add(JobEvent(job_id=job.id, counter=8, event="runner_item_on_ok", host="localhost", status="ok",
                            task="task 6", item_label="x"))
    db.session.commit()
    recap = queries.host_recap(job.id)
    assert recap == {"localhost": {"ok": 4, "changed": 2, "failed": 2, "skipped": 1, "unreachable": 0}}
    assert [e.counter for e in queries.events(job.id, after_counter=4, limit=2)] == [5, 6]


def test_audit_filters_by_actor_action_prefix_target_and_date(app):
    make_audit_events(3, actor="rita", action="job.canceled")
    make_audit_events(2, actor="rita", action="job.relaunched")
    make_audit_events(4, actor="sam", action="application.approved", days_ago=30)
    db.session.commit()
    assert len(queries.list_audit(queries.AuditFilters(action="job.")).rows) == 5
    assert len(queries.list_audit(queries.AuditFilters(action="job.canceled")).rows) == 3
    assert len(queries.list_audit(queries.AuditFilters(action="job%")).rows) == 0  # LIKE wildcards are data
    assert len(queries.list_audit(queries.AuditFilters(actor="sam")).rows) == 4
    assert len(queries.list_audit(queries.AuditFilters(target="application:1")).rows) == 3
    recent = queries.AuditFilters(date_from=utcnow().date() - timedelta(days=7))
    assert len(queries.list_audit(recent).rows) == 5
    page = queries.list_audit(queries.AuditFilters(), limit=4)
    rest = queries.list_audit(queries.AuditFilters(), page.next_cursor, limit=100)
    assert len(page.rows) + len(rest.rows) == 9 and rest.next_cursor is None
