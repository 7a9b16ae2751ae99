"""The queue page: filters in the query string, counts, age highlight, keyset pages, search, no N+1."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from tests.factories import make_application
from tests.review.conftest import count_statements


def _ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="application-(\d+)"', page)]


def test_open_applications_are_listed_oldest_first_with_their_details(app, reviewer):
    old, _ = make_application(submitted_days_ago=9, full_name="Ximena Old", country="US", language="es",
                              services=("email",))
    new, _ = make_application(submitted_days_ago=1, kind="organisation", organisation_name="Radio Tierra")
    waiting, _ = make_application(state="needs_info", submitted_days_ago=3)
    make_application(state="approved", submitted_days_ago=20)
    make_application(state="draft")
    db.session.commit()
    page = reviewer.get("/review/").get_data(as_text=True)
    assert _ids(page) == [old.id, waiting.id, new.id]
    row = page.split(f'id="application-{old.id}"')[1].split("</tr>")[0]
    assert "9 days" in row and "Ximena Old" in row and ">US<" in row and ">es<" in row and "Email" in row
    assert "old</span>" in row  # past REVIEW_AGE_WARNING_DAYS (5)
    assert f'class="is-old" id="application-{old.id}"' in page
    assert f'class="" id="application-{new.id}"' in page
    assert 'id="count-submitted">2<' in page and 'id="count-needs-info">1<' in page
    assert 'id="count-old">1<' in page


@pytest.mark.parametrize("query,expected", [
    ("state=submitted", ["a", "b", "c"]),
    ("state=needs_info", ["w"]),
    ("state=approved", ["done"]),
    ("service=drupal", ["a", "w"]),
    ("language=es", ["b"]),
    ("assignee=pablo", ["c"]),
    ("assignee=none", ["w", "b"]),
    ("mine=1", ["a"]),  # rita's, the signed-in reviewer, assigned below
    ("sort=newest", ["c", "b", "w", "a"]),
    ("q=ZAPATA", ["b"]),
    ("q=%C3%81NGELES", ["c"]),  # "ÁNGELES" finds "Ángeles" (accented capitals fold on SQLite too)
    ("q=zapata%40riseup", []),
    ("q=@riseup.net", ["b"]),
    ("q=colectivo-luna.org", ["c"]),
    ("q=%25", []),
    ("q=_", []),
    ("state=bogus&service=nope&sort=sideways", ["a", "w", "b", "c"]),
])
def test_filters_sorting_and_search(app, reviewer, query, expected):
    made = {
        "a": make_application(submitted_days_ago=4, services=("hosting", "drupal"), assignee="rita"),
        "w": make_application(state="needs_info", submitted_days_ago=3, services=("drupal",)),
        "b": make_application(submitted_days_ago=2, language="es", full_name="Emiliano Zapata",
                              email="emiliano@riseup.net", services=("email",)),
        "c": make_application(submitted_days_ago=1, username="luna", services=("hosting",), assignee="pablo",
                              full_name="Luna de los Ángeles", email="luna@example.org"),
        "done": make_application(state="approved", submitted_days_ago=6),
    }
    made["c"][0].service_requests[0].params = {"domain": "colectivo-luna.org"}
    db.session.commit()
    ids = _ids(reviewer.get(f"/review/?{query}").get_data(as_text=True))
    assert ids == [made[k][0].id for k in expected]


@pytest.mark.parametrize("hostile", ["' OR 1=1 --", "%", "\\", "<script>alert(1)</script>", "🌽" * 100,
                                     "\u202eevil", "名前", "a" * 100])
def test_hostile_search_text_is_just_text(app, reviewer, hostile):
    make_application(full_name="Nadie")
    db.session.commit()
    response = reviewer.get("/review/", query_string={"q": hostile})
    assert response.status_code == 200
    assert _ids(response.get_data(as_text=True)) == []
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_keyset_pages_cover_every_open_application_once(app, reviewer):
    made = [make_application(submitted_days_ago=60 - n * 0.5)[0].id for n in range(57)]
    # Same submission time for a few: the id breaks the tie.
    db.session.commit()
    page = reviewer.get("/review/").get_data(as_text=True)
    first = _ids(page)
    assert len(first) == 50
    next_link = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    second_page = reviewer.get(next_link).get_data(as_text=True)
    second = _ids(second_page)
    assert first + second == made
    assert 'rel="next"' not in second_page


def test_the_queue_makes_the_same_number_of_queries_for_5_or_40_rows(app, reviewer):
    for _ in range(5):
        make_application()
    db.session.commit()
    with count_statements() as few:
        reviewer.get("/review/")
    for _ in range(35):
        make_application()
    db.session.commit()
    with count_statements() as many:
        body = reviewer.get("/review/").get_data(as_text=True)
    assert len(_ids(body)) == 40
    assert len(many) == len(few)


def test_the_queue_page_is_bookmarkable_and_keeps_the_filters_in_its_links(app, reviewer):
    for n in range(52):
        make_application(language="es", submitted_days_ago=n)
    db.session.commit()
    page = reviewer.get("/review/?language=es&sort=newest").get_data(as_text=True)
    next_link = re.search(r'href="([^"]+)" rel="next"', page).group(1)
    assert "language=es" in next_link and "sort=newest" in next_link and "after=" in next_link


def test_the_queue_works_in_spanish(app, reviewer):
    make_application()
    db.session.commit()
    page = reviewer.get("/review/?lang=es").get_data(as_text=True)
    assert "Solicitudes por revisar" in page and "Esperando revisión" in page


def test_the_application_page_names_movements_and_working_groups_in_the_readers_language(app, reviewer):
    """Reviewers once read raw slugs ("housing", "support"); the labels come from the one table in app/labels.py."""
    application, _ = make_application(movements=["housing", "climate"])
    db.session.commit()
    english = reviewer.get(f"/review/{application.id}?lang=en").get_data(as_text=True)
    assert "Housing and tenants, Climate justice" in english and "Member support" in english
    spanish = reviewer.get(f"/review/{application.id}?lang=es").get_data(as_text=True)
    assert "Vivienda e inquilinos" in spanish and "Formación política" not in spanish
    assert ">housing, climate<" not in spanish
