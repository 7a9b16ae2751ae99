"""Out-of-range input on the console: the calendar's last day in the date filters and the export, cursors past
the column; the export checks everything before it records `audit.exported` or sends a byte."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from tests.console.factories import make_audit_events, make_job


def _exports() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.exported")))


def test_date_filters_at_the_calendars_ends_list_everything(sysadmin):
    job = make_job("failed")
    make_audit_events(3, actor="rita")
    db.session.commit()
    jobs = sysadmin.get("/jobs/?date_from=0001-01-01&date_to=9999-12-31")
    assert jobs.status_code == 200 and f"/jobs/{job.id}" in jobs.get_data(as_text=True)
    assert sysadmin.get("/jobs/?date_to=9999-12-31").status_code == 200
    audit = sysadmin.get("/audit/?actor=rita&date_from=0001-01-01&date_to=9999-12-31")
    assert audit.status_code == 200 and audit.get_data(as_text=True).count(">rita<") >= 3


def test_an_export_to_the_calendars_last_day_streams_every_row_and_is_recorded_once(sysadmin, form):
    make_audit_events(5, actor="rita")
    db.session.commit()
    response = form.post(sysadmin, "/audit/export", {"date_from": "0001-01-01", "date_to": "9999-12-31",
                                                     "actor": "rita", "format": "csv"}, get_url="/audit/")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 5 and len(_exports()) == 1


def test_an_export_with_a_bad_parameter_is_a_400_and_records_nothing(sysadmin, form):
    good = {"date_from": "2026-01-01", "date_to": "2026-01-31", "format": "csv"}
    for bad in ({"date_to": "10000-01-01"}, {"date_from": "2026-02-30"}, {"target": "a\x00b"}, {"actor": "\x1b"},
                {"format": "xml"}, {"date_from": "2026-02-01"}):
        response = form.post(sysadmin, "/audit/export", good | bad, get_url="/audit/")
        assert response.status_code == 400, bad
    assert _exports() == []


def test_the_export_builds_its_query_before_it_records_the_export(sysadmin, form, monkeypatch):
    """A filter that cannot become a query (here: one the query refuses) fails before `audit.exported`."""
    from app.console import queries
    from app.params import BadParameter

    def refuse(filters):
        raise BadParameter("bad_date", "date_to")

    monkeypatch.setattr(queries, "audit_query", refuse)
    response = form.post(sysadmin, "/audit/export", {"date_from": "2026-01-01", "date_to": "2026-01-31",
                                                     "format": "jsonl"}, get_url="/audit/")
    assert response.status_code == 400 and "“date_to” must be a date" in response.get_data(as_text=True)
    assert _exports() == []


def test_cursors_past_the_column_are_a_400_with_a_message(sysadmin):
    job = make_job("running", events=2)
    db.session.commit()
    for url in (f"/jobs/?before={2**64}", f"/audit/?before={2**31}", f"/jobs/{job.id}?after={2**63}",
                f"/jobs/{job.id}/live.json?after=-1", "/jobs/?before="):
        response = sysadmin.get(url)
        assert response.status_code == 400, url
        assert "“" in response.get_data(as_text=True), url
    assert sysadmin.get(f"/jobs/{2**64}").status_code == 404
    assert sysadmin.get(f"/jobs/{2**31}/live.json").status_code == 404


def test_a_token_name_with_nul_is_an_error_at_the_field_and_makes_no_token(sysadmin, form):
    from app.models import ApiToken

    response = form.post(sysadmin, "/jobs/tokens", {"name": "ci\x00"})
    assert response.status_code == 400 and "without control characters" in response.get_data(as_text=True)
    assert db.session.query(ApiToken).count() == 0
