"""The leadership view: every figure against a count made independently here, small groups suppressed
(also when two filtered views could be subtracted), roles, hostile filters, CSV exports audited."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, MemberState
from tests.members.factories import make_member


def seed(spec: list[tuple[str, str, str, list[str], int]]) -> list:
    """(country, language, kind, movements, how many) → members."""
    members = []
    for country, language, kind, movements, count in spec:
        for _ in range(count):
            members.append(make_member(country=country, language=language, kind=kind, movements=movements,
                                       services=()))
    db.session.commit()
    return members


def cells(page: str, table: str) -> dict[str, str]:
    body = re.search(rf'<table class="data" id="table-{table}">(.*?)</table>', page, re.S).group(1)
    return dict(re.findall(r"<tr><td>(.*?)</td><td class=\"num\">(.*?)</td></tr>", body))


def expected(count: int) -> str:
    return "fewer than 5" if 0 < count < 5 else str(5 * round(count / 5))


SPEC = [("MX", "es", "individual", ["housing", "labour"], 12), ("US", "en", "individual", ["housing"], 7),
        ("CO", "es", "organisation", ["climate"], 2)]


def test_every_figure_matches_an_independent_count_with_small_groups_suppressed(app, leader):
    members = seed(SPEC)
    left = make_member(country="MX", language="es", services=())
    left.state = MemberState.LEFT
    db.session.commit()
    page = leader.get("/leadership/").get_data(as_text=True)
    assert re.search(r"<dt>Members</dt><dd>(.*?)</dd>", page).group(1) == expected(len(members))  # not the left one
    movements = {}
    for m in members:
        for slug in m.application.movements:
            movements[slug] = movements.get(slug, 0) + 1
    assert cells(page, "movements") == {"Housing and tenants": expected(movements["housing"]),
                                        "Labour": expected(movements["labour"]),
                                        "Climate justice": "fewer than 5"}
    # Countries partition the membership: Colombia (2) alone hidden would follow from the total, so the
    # smallest shown row (US, 7) is hidden with it.
    assert cells(page, "countries") == {"Mexico": "10", "United States": "not shown", "Colombia": "fewer than 5"}
    assert cells(page, "kinds") == {"Individuals": "not shown", "Organisations": "fewer than 5"}
    assert cells(page, "hours") == {"None for now": "0", "1 to 4 hours": "20", "5 to 10 hours": "0",
                                    "11 hours or more": "0"}
    months = re.search(r'id="table-months">(.*?)</table>', page, re.S).group(1)
    this_month = re.findall(r'<tr><td>(.*?)</td><td class="num">(.*?)</td><td class="num">(.*?)</td></tr>', months)[-1]
    assert this_month[1:] == (expected(len(members) + 1), "0")  # the member who left joined this month too


def test_two_overlapping_filters_cannot_be_subtracted_to_recover_a_small_group(app, leader):
    seed([("MX", "es", "individual", ["housing"], 47), ("MX", "en", "individual", ["housing"], 3)])
    whole = cells(leader.get("/leadership/?country=MX").get_data(as_text=True), "languages")
    spanish = cells(leader.get("/leadership/?country=MX&language=es").get_data(as_text=True), "languages")
    english = cells(leader.get("/leadership/?country=mx&language=en").get_data(as_text=True), "languages")
    assert whole == {"Spanish": "not shown", "English": "fewer than 5"}
    assert spanish == {"Spanish": "45"} and english == {"English": "fewer than 5"}
    total_mx = re.search(r"<dt>Members</dt><dd>(.*?)</dd>",
                         leader.get("/leadership/?country=MX").get_data(as_text=True)).group(1)
    assert int(total_mx) - int(spanish["Spanish"]) != 3  # 50 - 45: the three are not recovered


def test_the_view_is_for_the_leadership_group_only(app, staff, form, client):
    assert client.get("/leadership/").status_code in (302, 303)
    password = staff.create("sue", "support", password="Sue-test-password-1")
    support = app.test_client()
    form.post(support, "/login", {"username": "sue", "password": password})
    assert support.get("/leadership/").status_code == 403
    assert support.get("/leadership/countries.csv").status_code == 403


@pytest.mark.parametrize("query", ["country=MEX", "country=%3Cscript%3E", "country=M%00", "language=fr",
                                   "kind=persona", "country=" + "A" * 10000])
def test_hostile_filters_are_refused_with_a_400(app, leader, query):
    assert leader.get(f"/leadership/?{query}").status_code == 400


def test_a_refused_filter_says_which_and_what_it_can_be_in_the_persons_language(app, leader):
    page = leader.get("/leadership/?kind=persona&lang=es").get_data(as_text=True)
    assert "“kind” debe ser uno de estos valores: individual, organisation." in page
    assert "“country” is not valid." in leader.get("/leadership/?country=MEX&lang=en").get_data(as_text=True)


def test_a_csv_export_is_audited_and_defuses_formula_cells(app, leader):
    seed([("MX", "es", "individual", ["=HYPERLINK(\"http://x\")"], 6)])
    response = leader.get("/leadership/movements.csv?country=MX")
    assert response.status_code == 200 and response.headers["Content-Disposition"].endswith('movements.csv"')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "5"]
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "leadership.exported")).all()
    assert event.actor == "lea" and event.details == {"filters": {"country": "MX"}}
    assert leader.get("/leadership/nothing.csv").status_code == 404


def test_the_view_reads_in_spanish(app, leader):
    seed([("MX", "es", "individual", ["housing"], 5)])
    page = leader.get("/leadership/?lang=es").get_data(as_text=True)
    assert "Quiénes somos como membresía" in page and "México" in page and "Vivienda e inquilinos" in page


def test_the_threshold_is_never_below_three(app):
    from app.leadership.suppression import protect

    app.config["SUPPRESSION_THRESHOLD"] = 1
    assert protect(2).suppressed and protect(2).small and protect(3).shown == 5
    app.config["SUPPRESSION_THRESHOLD"] = 10
    assert protect(9).suppressed and protect(10).shown == 10 and protect(0).shown == 0


def test_the_made_up_members_for_development_fill_the_view(app, leader):
    from app.devservices import sample

    assert sample.load(60) == 60 and sample.load(60) == 0  # loading again adds nothing
    page = leader.get("/leadership/").get_data(as_text=True)
    members = re.search(r"<dt>Members</dt><dd>(.*?)</dd>", page).group(1)
    assert members.isdigit() and 40 <= int(members) <= 60


def _figure(page: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">(.*?)</span>', page).group(1)


def test_the_joining_funnel_dues_and_waivers_match_independent_counts(app, leader):
    from datetime import timedelta

    from app.models import utcnow
    from tests.factories import make_application

    members = seed([("MX", "es", "individual", ["housing"], 8)])
    for member in members:  # decided two days after sending
        member.application.decided_at = member.application.submitted_at + timedelta(days=2)
    drafts = [make_application(state="draft")[0] for _ in range(6)]
    for n, draft in enumerate(drafts):
        draft.progress = {"about": True, "unity": n < 3}
        draft.email_verified_at = utcnow() if n < 5 else None
    waived = [make_member(services=()) for _ in range(2)]
    for member in waived:
        member.application.commitment.waiver_requested = True
    db.session.commit()
    page = leader.get("/leadership/").get_data(as_text=True)
    funnel = dict(re.findall(r"<tr><td>(.*?)</td><td class=\"num\">(.*?)</td></tr>",
                             re.search(r'id="table-funnel">(.*?)</table>', page, re.S).group(1)))
    applications = 8 + 6 + 2
    assert funnel["Started an application"] == expected(applications)
    assert funnel["Confirmed their email address"] == expected(10 + 5)
    assert funnel["Accepted the Statement of Unity"] == expected(10 + 3)
    assert funnel["Chose their services"] == expected(10)
    assert funnel["Sent the application"] == expected(10) and funnel["Approved"] == expected(10)
    assert _figure(page, "decision-days") == "2"
    dues = dict((c, (m, a)) for c, m, a in re.findall(
        r'<tr><td>(\w{3})</td><td class="num">(.*?)</td><td class="num">(.*?)</td></tr>', page))
    assert dues == {"USD": (expected(8), expected(8 * 25))}
    assert _figure(page, "waivers") == "fewer than 5"


def _members_figure(page: str) -> str:
    return re.search(r"<dt>Members</dt><dd>(.*?)</dd>", page).group(1)


def test_the_months_joined_filter_counts_only_members_who_joined_in_them(app, leader):
    from datetime import datetime

    members = seed([("MX", "es", "individual", ["housing"], 17)])
    for n, member in enumerate(members):  # 6 in January, 6 in February, 5 in March 2026
        member.member_since = datetime(2026, 1 + n // 6, 1 + n % 6 * 5, 12)
    db.session.commit()
    assert _members_figure(leader.get("/leadership/?from=2026-02").get_data(as_text=True)) == expected(11)
    page = leader.get("/leadership/?from=2026-01&until=2026-02").get_data(as_text=True)
    assert _members_figure(page) == expected(12) and "in the months chosen" in page
    assert 'value="2026-01"' in page and 'value="2026-02"' in page  # the form keeps what was asked
    assert _members_figure(leader.get("/leadership/?until=2026-01").get_data(as_text=True)) == expected(6)
    assert _members_figure(leader.get("/leadership/?from=2026-03&until=2026-03").get_data(as_text=True)) == "5"
    assert _members_figure(leader.get("/leadership/?from=2026-04").get_data(as_text=True)) == "0"
    assert _members_figure(leader.get("/leadership/?from=0001-01&until=9999-12").get_data(as_text=True)) == \
        expected(17)  # the calendar's ends are ranges like any other
    export = leader.get("/leadership/countries.csv?from=2026-02").get_data(as_text=True)
    assert "Mexico," + expected(11) in export
    assert 'from=2026-02' in leader.get("/leadership/?from=2026-02").get_data(as_text=True)  # CSV links carry it


@pytest.mark.parametrize("query", ["from=2026-13", "from=2026-1", "from=0000-01", "until=2026-02-01",
                                   "from=2026-03&until=2026-02", "from=%00", "until=" + "9" * 10000])
def test_a_bad_month_range_is_a_400_that_says_what_a_month_is(app, leader, query):
    response = leader.get(f"/leadership/?{query}&lang=es")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert any(words in page for words in ("AAAA-MM", "queda antes del inicio del rango", "caracteres de control"))


def test_dues_standing_and_dues_received_match_independent_counts(app, leader):
    from datetime import date, timedelta

    from app.models import DuesAccount, Payment, utcnow

    members = seed([("MX", "es", "individual", ["housing"], 9), ("US", "en", "individual", ["labour"], 6)])
    standings = ["current"] * 7 + ["at_risk"] * 6 + ["grace"] * 2
    for member, standing in zip(members, standings, strict=True):
        db.session.add(DuesAccount(member_id=member.id, standing=standing, paid_until=date(2026, 1, 1)))
    this_month = utcnow().date().replace(day=1)
    for n, member in enumerate(members[:9]):  # nine paid 150.00 MXN this month; one of them has left since
        db.session.add(Payment(member_id=member.id, amount_minor=15000, currency="MXN", method="transfer",
                               reference=f"R{n}", paid_on=this_month, recorded_by="sue"))
    for n, member in enumerate(members[9:11]):  # two paid dollars last month: too few to show the sum
        db.session.add(Payment(member_id=member.id, amount_minor=2500, currency="USD", method="card",
                               reference=f"C{n}", paid_on=this_month - timedelta(days=1), recorded_by="sue"))
    db.session.add(Payment(member_id=members[0].id, amount_minor=999, currency="MXN", method="cash",
                           reference="old", paid_on=this_month - timedelta(days=400), recorded_by="sue"))
    members[8].state = MemberState.LEFT
    db.session.commit()
    page = leader.get("/leadership/").get_data(as_text=True)
    # 14 who have not left: 7 current, 5 at risk (the sixth left), 2 in grace; no one without an account.
    assert cells(page, "dues-standing") == {
        "Up to date": "5", "Waived": "0", "Due soon": "0", "In the grace period": "fewer than 5",
        "At risk": "not shown", "Suspended": "0", "No dues account yet": "0"}
    body = re.search(r'id="table-received">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r'<tr><td>(.*?)</td><td>(\w{3})</td><td class="num">(.*?)</td><td class="num">(.*?)</td></tr>',
                      body)
    from app.leadership.tables import month_name

    with app.test_request_context():
        now, before = month_name(this_month.strftime("%Y-%m")), month_name(
            (this_month - timedelta(days=1)).strftime("%Y-%m"))
    assert rows == [(now, "MXN", expected(9), str(5 * round(9 * 150 / 5))),  # the member who left still counts
                    (before, "USD", "fewer than 5", "fewer than 5")]
    assert "999" not in body and "9.99" not in body  # more than 12 months ago
    mx_only = leader.get("/leadership/?country=US").get_data(as_text=True)
    assert "MXN" not in re.search(r'id="table-received">(.*?)</table>', mx_only, re.S).group(1)


def test_reconsent_progress_per_campaign_is_protected_and_follows_the_filters(app, leader):
    from app.models import ConsentCampaign, ConsentRequest

    members = seed([("MX", "es", "individual", ["housing"], 12), ("US", "en", "individual", ["labour"], 3)])
    campaign = ConsentCampaign(kind="unity", version=2)
    db.session.add(campaign)
    db.session.flush()
    answers = ["accepted"] * 9 + ["concerns"] * 1 + ["open"] * 2 + ["accepted"] * 3
    for member, state in zip(members, answers, strict=True):
        db.session.add(ConsentRequest(campaign_id=campaign.id, member_id=member.id, language="es", state=state))
    db.session.commit()
    page = leader.get("/leadership/").get_data(as_text=True)
    row = re.search(r'id="table-consent">.*?<tbody><tr><td>(.*?)</td><td>.*?</td><td class="num">(.*?)</td>'
                    r'<td class="num">(.*?)</td><td class="num">(.*?)</td>', page, re.S).groups()
    assert row == ("Statement of Unity, version 2", expected(12), "fewer than 5", "fewer than 5")
    mexico = leader.get("/leadership/?country=MX").get_data(as_text=True)
    row = re.search(r'id="table-consent">.*?<tbody><tr><td>.*?</td><td>.*?</td><td class="num">(.*?)</td>', mexico,
                    re.S).group(1)
    assert row == expected(9)


def test_the_counts_are_kept_a_few_minutes_and_counted_again_without_redis(app, leader):
    from redis import Redis

    from app.leadership import queries

    app.config["LEADERSHIP_CACHE_SECONDS"] = 600
    seed([("MX", "es", "individual", ["housing"], 10)])
    page = leader.get("/leadership/").get_data(as_text=True)
    assert _members_figure(page) == "10" and "counted again every 10 minutes" in page
    seed([("MX", "es", "individual", ["housing"], 10)])
    assert _members_figure(leader.get("/leadership/").get_data(as_text=True)) == "10"  # kept
    assert _members_figure(leader.get("/leadership/?kind=individual").get_data(as_text=True)) == "20"  # its own key
    with app.app_context():
        assert queries.total.fresh(queries.Filters()) == 20
    app.config["LEADERSHIP_CACHE_SECONDS"] = 0
    assert _members_figure(leader.get("/leadership/").get_data(as_text=True)) == "20"
    app.config["LEADERSHIP_CACHE_SECONDS"] = 600
    kept = app.extensions["alta_redis"]
    app.extensions["alta_redis"] = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)  # nothing listens
    try:
        response = leader.get("/leadership/?country=MX")
        assert response.status_code == 200 and _members_figure(response.get_data(as_text=True)) == "20"
    finally:
        app.extensions["alta_redis"] = kept
