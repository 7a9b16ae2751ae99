"""Every route in app.url_map, hostile values in every path parameter and every known query or form parameter,
as a staff member with every role (and an API token): not one response may be a 500.

The values are the ones that once reached the databases or the calendar unchecked: ids of 0, -1, past 2**31,
2**63 and 2**64; dates at the calendar's ends and offsets that push them past it; NUL; 10,000 characters.
Under TESTING an unhandled exception propagates out of the test client, so it is caught and counted as a 500.
"""

from __future__ import annotations

import re
import time
from urllib.parse import quote

import pytest

from app.directory import STAFF_GROUPS
from app.extensions import db
from tests.console.conftest import sign_in
from tests.console.factories import make_job, make_member
from tests.factories import make_application

IDS = ["0", "-1", str(2**31), str(2**63), str(2**64 + 1), str(10**30)]
DATES = ["0001-01-01", "9999-12-31", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "+23:59"]
CURSORS = ["9999-12-31T23:59:59.999999-23:59|1", "0001-01-01T00:00:00+23:59|1", f"2026-01-01T00:00:00|{2**64 + 1}",
           f"{'9' * 30}|{'9' * 30}"]
TEXT = ["\x00", "a\x00b", "%00", "x" * 10_000, "\x1b[31m", "' OR 1=1 --", ""]
HOSTILE = IDS + DATES + CURSORS + TEXT

# Query-string parameters the pages and the API read, by endpoint (the filters' names and the cursors).
QUERY = {
    "review.queue": ["state", "service", "language", "assignee", "q", "sort", "after", "mine"],
    "console.list_jobs": ["state", "playbook", "member", "requester", "date_from", "date_to", "before"],
    "console.audit_log": ["actor", "action", "target", "date_from", "date_to", "before"],
    "console.job_detail": ["after"],
    "console.job_live": ["after"],
    "api.applications": ["after", "limit", "state"],
    "api.members": ["after", "limit"],
    "api.jobs": ["before", "limit", "state", "playbook"],
    "api.job_events": ["after", "limit"],
    "auth.login": ["next"],
    "leadership.overview": ["country", "language", "kind"],
    "leadership.export": ["country", "language", "kind"],
}
# Fields every POST gets besides those read from the page itself (the review actions' forms live on the
# detail page, not on their own URL).
FIELDS = ["reason", "question", "body", "assignee", "to", "application_id", "name", "actor", "action", "target",
          "date_from", "date_to", "format"]
# Posting these would end the session the rest of the walk needs; sign-in has its own tests.
SKIP_POST = {"auth.logout", "auth.login", "portal.sign_out", "portal.sign_in"}
# /healthz answers 503 when a part is down (here: no worker runs), by contract.
MAY_BE_503 = {"/healthz"}
PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
INPUT = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"')


def _url(rule: str, values: dict[str, str]) -> str:
    return PARAM.sub(lambda m: quote(values[m.group(2)], safe=""), rule)


def _path_values(rule) -> list[dict[str, str]]:
    """The rule's parameters at a valid value (1, or a word), then each one at every hostile value."""
    names = {name: converter for converter, name in PARAM.findall(rule.rule)}
    valid = {name: "1" if converter == "int" else "valid" for name, converter in names.items()}
    combos = [valid]
    for name in names:
        combos += [valid | {name: value} for value in HOSTILE]
    return combos


@pytest.fixture
def staff_client(app, staff, form):
    """Signed in as staff in every group, with an API token: every staff page and API endpoint is in reach."""
    from app.console import services

    password = staff.create("hana", *STAFF_GROUPS, password="Hana-test-password-1")
    client = sign_in(app.test_client(), form, "hana", password)
    _, raw = services.create_api_token("hana", "hostile")
    member = make_member("hostile")
    make_job("failed", members=[member], events=3, stdout="TASK [x]")
    make_application()
    db.session.commit()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


@pytest.fixture
def member_client(app, form):
    """Signed in as a member: the /me/ pages."""
    from tests.portal.conftest import sign_in as member_sign_in
    from tests.portal.conftest import signed_up_member

    signed_up_member("rosa", email="rosa@example.org")
    client = app.test_client()
    member_sign_in(client, form, "rosa")
    return client


def _walk(app, client, csrf: str, prefix: str = "/") -> tuple[int, list[str]]:
    """Every rule under `prefix`: hostile path values (GET and POST), query values, form values."""
    failures: list[str] = []
    sent = 0

    def send(method: str, url: str, **kwargs):
        nonlocal sent
        sent += 1
        try:
            response = client.open(url, method=method, **kwargs)
            body = response.get_data(as_text=True)  # a streamed body (the export) fails while it is read
        except Exception as exc:  # noqa: BLE001 - any exception is the 500 under test
            sent_values = kwargs.get("query_string") or {k: v for k, v in kwargs.get("data", {}).items()
                                                          if k != "csrf_token"}
            failures.append(f"{method} {url[:120]} {sent_values!r:.120}: {exc!r:.200}")
            return ""
        if response.status_code >= 500 and not (response.status_code == 503 and url in MAY_BE_503):
            failures.append(f"{method} {url[:120]}: {response.status_code}")
        return body

    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static" and r.rule.startswith(prefix)]
    for rule in rules:
        methods = rule.methods & {"GET", "POST"}
        post = "POST" in methods and rule.endpoint not in SKIP_POST
        for values in _path_values(rule):
            url = _url(rule.rule, values)
            if "GET" in methods:
                send("GET", url)
            if post:
                send("POST", url, data={"csrf_token": csrf})
        url = _url(rule.rule, _path_values(rule)[0])
        fields = set(FIELDS)
        if "GET" in methods:
            fields |= set(INPUT.findall(send("GET", url))) - {"csrf_token"}
        for value in HOSTILE:
            if "GET" in methods:
                for name in QUERY.get(rule.endpoint, []):
                    send("GET", url, query_string={name: value})
                send("GET", url, query_string=dict.fromkeys(QUERY.get(rule.endpoint, ["q"]), value))
            if post:
                send("POST", url, data={"csrf_token": csrf, **dict.fromkeys(sorted(fields), value)})
    return sent, failures


def test_no_hostile_path_query_or_form_value_gets_a_500(app, form, staff_client, member_client):
    started = time.monotonic()
    sent, failures = _walk(app, staff_client, form.token(staff_client, "/review/"))
    more, member_failures = _walk(app, member_client, form.token(member_client, "/me/password"), prefix="/me/")
    sent, failures = sent + more, failures + member_failures
    # The export, with valid dates at the calendar's ends and every hostile value in each field.
    csrf = form.token(staff_client, "/audit/")
    for name in FIELDS:
        for value in HOSTILE:
            data = {"csrf_token": csrf, "date_from": "0001-01-01", "date_to": "9999-12-31", "format": "csv"}
            try:
                response = staff_client.post("/audit/export", data=data | {name: value})
                response.get_data()  # the stream is where the export used to fail
                status = response.status_code
            except Exception as exc:  # noqa: BLE001
                status = repr(exc)
            sent += 1
            if status != 200 and status != 400:
                failures.append(f"POST /audit/export {name}={value!r:.40}: {status}")

    # Both sessions lasted the whole walk, so every page was reached as its people see it.
    assert staff_client.get("/review/").status_code == 200 and member_client.get("/me/").status_code == 200
    assert failures == [], f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures[:40])
    assert sent > 2000 and time.monotonic() - started < 120
