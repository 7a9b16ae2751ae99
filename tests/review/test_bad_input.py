"""Out-of-range input on the review pages: ids past the column, cursors past the calendar, NUL and control
characters in the filters: a 404 or a 400 with a message in the person's language, never a 500."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Application, Member, Note
from tests.factories import make_application
from tests.review.conftest import post


@pytest.mark.parametrize("ident", [2**31, 2**63, 2**64, 10**30])
def test_an_application_id_past_the_column_is_a_404_on_pages_and_posts(app, reviewer, form, ident):
    application, _ = make_application()
    db.session.commit()
    assert reviewer.get(f"/review/{ident}").status_code == 404
    assert reviewer.get(f"/review/documents/{ident}").status_code == 404
    token = form.token(reviewer, f"/review/{application.id}")
    for action in ("approve", "reject", "notes", "assign", "member/disable"):
        response = reviewer.post(f"/review/{ident}/{action}", data={"csrf_token": token, "reason": "x", "body": "x"})
        assert response.status_code == 404, action


def test_bulk_approval_of_an_id_past_the_column_approves_nothing_and_says_so(app, reviewer, form):
    application, _ = make_application()
    db.session.commit()
    response = form.post(reviewer, "/review/bulk-approve", {"application_id": [str(application.id), str(2**64)]},
                         get_url="/review/")
    assert response.status_code == 303
    assert db.session.get(Application, application.id).state == "submitted"
    assert db.session.query(Member).count() == 0


@pytest.mark.parametrize("cursor", ["9999-12-31T23:59:59.999999-23:59|1", "0001-01-01T00:00:00+23:59|1",
                                    f"2026-01-01T00:00:00+00:00|{2**64 + 1}", f"2026-01-01T00:00:00+00:00|{2**31}"])
def test_a_keyset_cursor_past_the_calendar_or_the_column_is_a_400_with_a_message(app, reviewer, cursor):
    make_application()
    db.session.commit()
    for sort in ("oldest", "newest"):
        response = reviewer.get("/review/", query_string={"after": cursor, "sort": sort})
        assert response.status_code == 400
        assert "“after” is not a page of this list" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["q", "assignee"])
def test_nul_or_control_characters_in_a_filter_are_a_400_in_the_persons_language(app, reviewer, name):
    for value in ("a\x00b", "\x1b[31m"):
        response = reviewer.get("/review/", query_string={name: value, "lang": "es"})
        assert response.status_code == 400, value
        assert f"“{name}” tiene caracteres de control" in response.get_data(as_text=True)


def test_a_search_longer_than_the_cap_is_refused_not_cut(app, reviewer):
    response = reviewer.get("/review/", query_string={"q": "a" * 101})
    assert response.status_code == 400 and "“q” must be 100 characters or fewer" in response.get_data(as_text=True)


@pytest.mark.parametrize(("action", "field"), [("notes", "body"), ("reject", "reason"), ("ask", "question"),
                                               ("approve", "reason"), ("assign", "assignee")])
def test_nul_in_a_decision_form_is_an_error_at_the_field_and_nothing_changes(app, reviewer, form, action, field):
    application, _ = make_application()
    db.session.commit()
    response = post(form, reviewer, f"/review/{application.id}/{action}", {field: "hola\x00"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error:" in page and "control characters" in page
    assert db.session.query(Note).count() == 0
    assert db.session.get(Application, application.id).state == "submitted"
    assert db.session.get(Application, application.id).assignee is None


def test_a_note_keeps_its_line_breaks(app, reviewer, form):
    application, _ = make_application()
    db.session.commit()
    post(form, reviewer, f"/review/{application.id}/notes", {"body": "una\r\nnota\tcon tab"})
    assert db.session.query(Note).one().body == "una\r\nnota\tcon tab"
