"""The leadership view of why members joined: values and how they came, counted independently, suppressed."""

from __future__ import annotations

from app.extensions import db
from app.models import Motivation
from tests.leadership.test_view import cells, expected
from tests.members.factories import make_member


def _members(values: list[str], came_from: str | None, count: int) -> list:
    out = []
    for _ in range(count):
        member = make_member(services=())
        motivation = member.application.motivation
        if came_from is None:  # joined before the question was asked: no row at all
            db.session.delete(motivation)
        else:
            motivation.values, motivation.came_from = values, came_from
        out.append(member)
    db.session.commit()
    return out


def test_values_and_how_they_came_are_counted_with_small_groups_suppressed(app, leader):
    _members(["companerismo", "privacy"], "member", 12)
    _members(["privacy"], "services", 8)
    _members(["buen-vivir"], "other", 2)
    _members([], None, 6)
    assert db.session.query(Motivation).count() == 22
    page = leader.get("/leadership/").get_data(as_text=True)
    assert cells(page, "values") == {"Privacy": expected(20), "Compañerismo": expected(12),
                                     "Buen vivir": "fewer than 5"}
    # A partition: "Another way" (2) hidden alone would follow from the total, so the next smallest goes too.
    assert cells(page, "came-from") == {"A member told me about it": "10",
                                        "I was looking for web hosting or email": "10",
                                        "Not asked: joined before the question": "not shown",
                                        "Another way": "fewer than 5"}
    # No free text reaches the leadership: "other" shows as its label only.
    spanish = leader.get("/leadership/?lang=es").get_data(as_text=True)
    assert "Los valores que les movieron a sumarse" in spanish and "Compañerismo" in spanish


def test_the_new_tables_have_their_csv_exports(app, leader):
    _members(["privacy"], "member", 6)
    for table in ("values", "came-from"):
        response = leader.get(f"/leadership/{table}.csv")
        assert response.status_code == 200, table
        assert "5" in response.get_data(as_text=True)  # six members: shown rounded to the nearest 5
