"""The leadership's "states and regions" table: counted independently here, small groups suppressed, the
members who gave no region in a row of their own, both languages, the CSV export."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest

from app.extensions import db
from app.models import MemberState
from tests.leadership.test_view import cells, expected
from tests.members.factories import make_member


@pytest.fixture
def leader(app, staff, form):
    password = staff.create("rita", "leadership", password="Rita-test-password-1")
    client = app.test_client()
    assert form.post(client, "/login", {"username": "rita", "password": password}).status_code == 303
    return client

# (country, region or None, how many)
SPEC = [("MX", "MX-OAX", 12), ("MX", "MX-CHP", 7), ("MX", None, 6), ("US", "US-CA", 2)]


def _seed(spec) -> Counter:
    counts: Counter = Counter()
    for country, region, how_many in spec:
        for _ in range(how_many):
            make_member(country=country, region=region, services=())
            counts[region or "none"] += 1
    db.session.commit()
    return counts


def test_regions_match_an_independent_count_and_a_lone_small_row_hides_the_next_smallest(app, leader):
    counts = _seed(SPEC)
    left = make_member(country="US", region="US-CA", services=())
    left.state = MemberState.LEFT
    db.session.commit()
    table = cells(leader.get("/leadership/").get_data(as_text=True), "regions")
    assert table["Mexico — Oaxaca"] == expected(counts["MX-OAX"]) == "10"
    assert table["Mexico — Chiapas"] == expected(counts["MX-CHP"]) == "5"
    assert table["United States — California"] == "fewer than 5"  # 2: the member who left is not counted
    # The regions partition the membership, with the total shown: California alone hidden would follow from
    # it, so the smallest shown row (the six who gave no region) is hidden with it.
    assert table["Region not given"] == "not shown"
    assert len(table) == 4


def test_with_two_small_regions_nothing_else_is_hidden(app, leader):
    _seed([("MX", "MX-OAX", 9), ("MX", "MX-JAL", 3), ("US", "US-TX", 4)])
    table = cells(leader.get("/leadership/").get_data(as_text=True), "regions")
    assert table == {"Mexico — Oaxaca": "10", "United States — Texas": "fewer than 5",
                     "Mexico — Jalisco": "fewer than 5"}


def test_filtering_by_country_cannot_recover_a_small_region(app, leader):
    _seed([("MX", "MX-OAX", 10), ("MX", "MX-CHP", 2), ("US", "US-CA", 8)])
    whole = cells(leader.get("/leadership/").get_data(as_text=True), "regions")
    mexico = cells(leader.get("/leadership/?country=MX").get_data(as_text=True), "regions")
    assert whole["Mexico — Chiapas"] == mexico["Mexico — Chiapas"] == "fewer than 5"
    assert "not shown" in mexico.values()  # Oaxaca hides with Chiapas: 12 (shown as 10) minus 10 says nothing
    assert "United States — California" not in mexico


def test_the_regions_table_reads_in_spanish(app, leader):
    _seed([("US", "US-NY", 6), ("MX", None, 5), ("MX", "MX-CMX", 1)])
    table = cells(leader.get("/leadership/?lang=es").get_data(as_text=True), "regions")
    assert table == {"Estados Unidos — Nueva York": "5", "Región sin indicar": "no se muestra",
                     "México — Ciudad de México": "menos de 5"}


def test_the_regions_csv_export_carries_the_same_protected_figures(app, leader):
    _seed([("MX", "MX-OAX", 7), ("MX", "MX-GRO", 1), ("MX", None, 9)])
    response = leader.get("/leadership/regions.csv?country=MX")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["States and regions", "Members"]
    assert sorted(rows[1:]) == [["Mexico — Guerrero", "fewer than 5"], ["Mexico — Oaxaca", "not shown"],
                                ["Region not given", "10"]]


def test_the_region_filter_counts_only_that_region_and_implies_its_country(app, leader):
    _seed([("MX", "MX-OAX", 11), ("MX", "MX-CHP", 6), ("US", "US-CA", 9)])
    page = leader.get("/leadership/?region=mx-oax").get_data(as_text=True)
    assert cells(page, "regions") == {"Mexico — Oaxaca": expected(11)}
    assert cells(page, "countries") == {"Mexico": expected(11)}
    assert 'id="country" name="country" value="MX"' in page and 'value="MX-OAX"' in page
    assert 'regions.csv?country=MX&amp;region=MX-OAX' in page  # the export carries the filter on
    rows = list(csv.reader(io.StringIO(leader.get("/leadership/regions.csv?region=MX-OAX").get_data(as_text=True)
                                       .lstrip("\ufeff"))))
    assert rows[1:] == [["Mexico — Oaxaca", "10"]]


@pytest.mark.parametrize("query", ["region=MX-XXX", "region=MX", "region=%3Cscript%3E", "region=" + "A" * 10000,
                                   "region=US-CA&country=MX", "region=M%C3%89X-OAX", "region=MX-OAX%27--"])
def test_a_bad_region_filter_is_a_400_that_names_it(app, leader, query):
    response = leader.get(f"/leadership/?{query}")
    assert response.status_code == 400 and "“region” is not valid." in response.get_data(as_text=True)


def test_a_region_filter_with_a_nul_is_refused_at_the_door(app, leader):
    assert leader.get("/leadership/?region=MX-O%00").status_code == 400
