"""Dues followed with care, with a controlled clock: notice, due, grace, at risk, a recorded conversation,
suspension through the real switch-off jobs, a payment, restoration; each reminder once, in the member's
language; the daily run twice changes nothing; hostile input on every form; roles."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.dues import accounts, followup
from app.extensions import db
from app.models import (
    AuditEvent,
    DuesAccount,
    Member,
    Outbox,
    Payment,
    PaymentImport,
    ProvisioningJob,
    ServiceState,
    utcnow,
)
from tests.members.factories import make_member
from tests.portal.conftest import sign_in, signed_up_member

PASSWORD = "Sue-dues-password-1"


def reminders() -> list[tuple[int, str]]:
    db.session.expire_all()
    return [(r.payload["member_id"], r.payload["reminder"]) for r in db.session.scalars(
        select(Outbox).where(Outbox.kind == "mail").order_by(Outbox.id)) if r.payload["message"] == "dues.reminder"]


@pytest.fixture
def support(app, staff, form):
    password = staff.create("sue", "support", password=PASSWORD)
    client = app.test_client()
    assert form.post(client, "/login", {"username": "sue", "password": password}).status_code == 303
    return client


def joined(days_ago: int, **fields) -> Member:
    member = make_member(state=ServiceState.ACTIVE, services=("hosting",), **fields)
    member.member_since = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return member


def test_a_year_of_dues_from_notice_to_restoration(mailbox, app, support, form, drain):
    member = joined(130, language="es", email="lola@example.org", username="lola")
    report = accounts.run(member.member_since.date())  # the account opened the day they joined
    assert report.opened == 1
    account = db.session.get(DuesAccount, member.id)
    paid_until = account.paid_until
    assert paid_until == accounts.add_months(member.member_since.date(), 1)
    start = len(reminders())
    for day, standing in [(paid_until - timedelta(days=20), "current"), (paid_until - timedelta(days=13), "due_soon"),
                          (paid_until, "grace"), (paid_until + timedelta(days=60), "at_risk")]:
        accounts.run(day)
        accounts.run(day)  # twice in a row: nothing more
        db.session.expire_all()
        assert db.session.get(DuesAccount, member.id).standing == standing, day
    assert [kind for _m, kind in reminders()[start:]] == ["notice", "due", "at_risk"]
    drain()
    subjects = [m["Subject"] for m in mailbox.to("lola@example.org")]
    assert "Tu cuota a la cooperativa: platiquemos" in subjects and len([s for s in subjects if "cuota" in s]) == 3

    page = support.get("/dues/").get_data(as_text=True)
    assert "lola" in page
    refused = form.post(support, f"/dues/members/{member.id}", {"action": "suspend", "suspend-confirm": "y"})
    assert refused.status_code == 303
    assert "Record your conversation" in support.get(f"/dues/members/{member.id}").get_data(as_text=True)
    assert _member(member.id).state == "active"
    form.post(support, f"/dues/members/{member.id}", {"action": "contact", "contact-channel": "call",
                                                      "contact-summary": "Perdió su trabajo; pagará en dos meses",
                                                      "contact-agreed": "will_pay"})
    form.post(support, f"/dues/members/{member.id}", {"action": "suspend", "suspend-confirm": "y"})
    assert _member(member.id).state == "suspended"
    (off,) = db.session.scalars(select(ProvisioningJob)).all()
    assert off.options == {"state": "disabled"}
    accounts.run()  # the run never touches a suspended member
    assert db.session.get(DuesAccount, member.id).standing == "suspended"

    for request in _member(member.id).service_requests:  # the switch-off job ran
        request.state = ServiceState.DISABLED
    db.session.commit()
    paid = form.post(support, f"/dues/members/{member.id}", {
        "action": "payment", "payment-amount": "125.00", "payment-currency": "USD", "payment-method": "transfer",
        "payment-reference": "SPEI-0001", "payment-paid_on": utcnow().date().isoformat()})
    assert paid.status_code == 303
    db.session.expire_all()
    account = db.session.get(DuesAccount, member.id)
    assert account.paid_until == accounts.add_months(paid_until, 5) and account.standing in ("current", "due_soon")
    assert _member(member.id).state == "active"
    on = db.session.scalars(select(ProvisioningJob).order_by(ProvisioningJob.id.desc())).first()
    assert on.options == {"state": "present"}
    again = form.post(support, f"/dues/members/{member.id}", {
        "action": "payment", "payment-amount": "125.00", "payment-currency": "USD", "payment-method": "transfer",
        "payment-reference": "SPEI-0001", "payment-paid_on": utcnow().date().isoformat()})
    assert again.status_code == 303 and db.session.scalar(select(func.count()).select_from(Payment)) == 1
    actions = {e.action for e in db.session.scalars(select(AuditEvent))}
    assert {"dues.standing_changed", "dues.contact_recorded", "dues.suspended", "dues.payment_recorded",
            "member.suspend", "member.restore"} <= actions


def _member(member_id: int) -> Member:
    db.session.expire_all()
    return db.session.get(Member, member_id)


def test_a_payment_does_not_switch_on_a_member_support_disabled_for_another_reason(app):
    from app.members import services

    member = joined(10)
    accounts.run(member.member_since.date())
    services.disable_member(member.id, "sue", "abuse report")
    followup.record_payment(_member(member.id), "sue", amount_minor=2500, currency="USD", method="cash",
                            reference=None, paid_on=utcnow().date())
    assert _member(member.id).state == "disabled"


@pytest.mark.parametrize("data", [
    {"payment-amount": "-5", "payment-currency": "USD", "payment-method": "cash", "payment-paid_on": "2026-12-01"},
    {"payment-amount": "1e9", "payment-currency": "USD", "payment-method": "cash", "payment-paid_on": "2026-12-01"},
    {"payment-amount": "=1+1", "payment-currency": "USD", "payment-method": "cash", "payment-paid_on": "2026-12-01"},
    {"payment-amount": "10", "payment-currency": "EUR", "payment-method": "cash", "payment-paid_on": "2026-12-01"},
    {"payment-amount": "10", "payment-currency": "USD", "payment-method": "gold", "payment-paid_on": "2026-12-01"},
    {"payment-amount": "10", "payment-currency": "USD", "payment-method": "cash", "payment-paid_on": "9999-99-99"},
    {"payment-amount": "10", "payment-currency": "USD", "payment-method": "cash", "payment-paid_on": "2026-12-01",
     "payment-reference": "x" * 101},
])
def test_a_bad_payment_gets_a_clear_error_and_records_nothing(app, support, form, data):
    member = joined(10)
    response = form.post(support, f"/dues/members/{member.id}", {"action": "payment", **data})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0


def test_dues_pages_are_for_support_only_and_ids_are_checked(app, support, staff, form, client):
    member = joined(10)
    assert client.get("/dues/").status_code in (302, 303)
    password = staff.create("sam", "sysadmins", password="Sam-dues-password-1")
    sysadmin = app.test_client()
    form.post(sysadmin, "/login", {"username": "sam", "password": password})
    assert sysadmin.get(f"/dues/members/{member.id}").status_code == 403
    for bad in ("0", "99999999", str(2**31), str(2**64)):
        assert support.get(f"/dues/members/{bad}").status_code == 404


def test_the_member_sees_their_dues_and_changes_the_amount_within_the_scale(app, form):
    member = signed_up_member("mila", language="es")
    client = app.test_client()
    sign_in(client, form, "mila")
    page = client.get("/me/dues").get_data(as_text=True)
    assert "Tu cuota" in page and "Por transferencia" not in page and "Con tarjeta o PayPal" in page
    low = form.post(client, "/me/dues", {"amount": "1.00", "currency": "USD"})
    assert low.status_code == 400 and "La cuota mínima es de 5 USD" in low.get_data(as_text=True)
    assert form.post(client, "/me/dues", {"amount": "abc", "currency": "USD"}).status_code == 400
    assert form.post(client, "/me/dues", {"amount": "150.00", "currency": "MXN"}).status_code == 303
    plan = accounts.current_plan(_member(member.id))
    assert (plan.amount_minor, plan.currency, plan.created_by) == (15000, "MXN", "member:mila")
    assert "Por transferencia" in client.get("/me/dues").get_data(as_text=True)


def test_opening_accounts_for_an_existing_membership_puts_nobody_at_risk(app):
    old = joined(900)
    accounts.run()
    account = db.session.get(DuesAccount, old.id)
    assert account.standing == "current" and account.paid_until > utcnow().date()
    assert reminders() == []


def _upload(support, form, text: str, name: str = "pagos.csv"):
    import io

    token = form.token(support, "/dues/import")
    return support.post("/dues/import", data={"csrf_token": token, "file": (io.BytesIO(text.encode()), name)},
                        content_type="multipart/form-data")


HEADER = "member,amount,currency,method,reference,paid_on,note\n"


def test_an_import_is_previewed_then_committed_once_and_again_adds_nothing(app, support, form):
    import re

    joined(40, username="rafa", email="rafa@example.org")
    joined(40, username="tere")
    today = utcnow().date().isoformat()
    text = HEADER + f"rafa,25.00,USD,card,ch_1,{today},\nRAFA@example.org,25.00,USD,card,ch_2,{today},n\n" \
                    f"tere,500.00,MXN,transfer,SPEI-9,{today},\n"
    page = _upload(support, form, text).get_data(as_text=True)
    assert "3 to add, 0 already recorded, 0 unmatched, 0 wrong." in page
    import_id = re.search(r"/dues/import/(\d+)/commit", page).group(1)
    assert form.post(support, f"/dues/import/{import_id}/commit", {}, get_url="/dues/import").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 3
    assert form.post(support, f"/dues/import/{import_id}/commit", {}, get_url="/dues/import").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 3  # a committed import is gone
    again = _upload(support, form, text).get_data(as_text=True)
    assert "0 to add, 3 already recorded" in again and "/commit" not in again


def test_a_bad_file_gets_a_row_by_row_report_and_nothing_is_committed(app, support, form):
    joined(40, username="rafa")
    today = utcnow().date().isoformat()
    rows = [f"rafa,25.00,USD,card,ok-1,{today}", f"rafa,-5,USD,card,neg,{today}", f"rafa,1e9,USD,card,huge,{today}",
            f"rafa,10,EUR,card,eur,{today}", f"rafa,10,USD,gold,gold,{today}", "rafa,10,USD,card,date,2026-13-01",
            f"=HYPERLINK(\"x\"),10,USD,card,f1,{today}", f"rafa,10,USD,card,@SUM(A1),{today}",
            f"nadie,10,USD,card,nobody,{today}", f"rafa,10.005,USD,card,cents,{today}", f"rafa,10,USD,card,,{today}"]
    response = _upload(support, form, "member,amount,currency,method,reference,paid_on\n" + "\n".join(rows) + "\n")
    page = response.get_data(as_text=True)
    assert "1 to add, 0 already recorded, 1 unmatched, 9 wrong." in page
    for message in ("The amount is not a positive number", "The currency is not USD or MXN",
                    "The method is not one we know", "The date is not YYYY-MM-DD", "spreadsheet formula",
                    "No member has this username", "The reference is missing"):
        assert message in page, message
    assert "/commit" not in page
    import_id = db.session.scalars(select(PaymentImport)).one().id
    assert form.post(support, f"/dues/import/{import_id}/commit", {}, get_url="/dues/import").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0  # nothing partial
    assert "<td>=HYPERLINK(&#34;x&#34;)</td>" in page  # shown as text


@pytest.mark.parametrize(("text", "message"), [
    ("not,a,payments,file\n1,2,3,4\n", "The file has no column member, amount, currency, method, reference"),
    (HEADER, "The file has no rows."),
    ("", "Choose a CSV file in UTF-8."),
])
def test_files_that_are_not_payment_exports_are_refused_clearly(app, support, form, text, message):
    response = _upload(support, form, text)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_ten_megabytes_of_junk_is_refused_before_it_is_read(app, support, form):
    response = _upload(support, form, "x" * (10 * 1024 * 1024))
    assert response.status_code == 413


def test_support_sees_exact_dues_received_per_month_and_currency(app, support):
    import re

    today = utcnow().date()
    members = [joined(400) for _ in range(3)]
    for n, member in enumerate(members):  # 3 × 450.00 MXN this month; one also paid USD; two transfers by one
        db.session.add(Payment(member_id=member.id, amount_minor=45000, currency="MXN", method="transfer",
                               reference=f"T{n}", paid_on=today, recorded_by="sue"))
    db.session.add(Payment(member_id=members[0].id, amount_minor=45000, currency="MXN", method="transfer",
                           reference="T9", paid_on=today, recorded_by="sue"))
    db.session.add(Payment(member_id=members[1].id, amount_minor=1250, currency="USD", method="card",
                           reference="C1", paid_on=today, recorded_by="sue"))
    db.session.add(Payment(member_id=members[2].id, amount_minor=1, currency="USD", method="cash",
                           reference="old", paid_on=today - timedelta(days=400), recorded_by="sue"))
    db.session.commit()
    for language in ("en", "es"):
        page = support.get(f"/dues/?lang={language}").get_data(as_text=True)
        body = re.search(r'id="table-received">(.*?)</table>', page, re.S).group(1)
        rows = re.findall(r'<tr><td>(.*?)</td><td class="num">(.*?)</td><td class="num">(.*?)</td></tr>', body)
        month = today.strftime("%Y-%m")
        # Exact for support: two payers of dollars would be "fewer than 5" for the leadership, not here.
        assert rows == [(month, "3", "1,800.00\u00a0MXN"), (month, "1", "12.50\u00a0USD")]
        assert "0.01" not in body  # older than 12 months


def test_reading_a_dues_page_writes_nothing(app, support, form):
    member = signed_up_member("rocio", language="es", email="rocio@example.org")
    client = app.test_client()
    sign_in(client, form, "rocio")
    page = client.get("/me/dues").get_data(as_text=True)
    assert "Al corriente" in page or "Up to date" in page  # the standing the account would open with
    assert support.get(f"/dues/members/{member.id}").status_code == 200
    db.session.expire_all()
    assert db.session.get(DuesAccount, member.id) is None
    assert db.session.scalar(select(func.count()).select_from(accounts.DuesPlan)) == 0


# The preview's fast path (imports._file_is_plain) skips the per-cell length and formula checks when a scan
# of the whole file finds neither; these files must get the same row reports either way.
SAME_EITHER_WAY = {
    "plain, with rows wrong in other ways": "rafa,10,EUR,card,eur,{d}\nrafa,10,USD,gold,gold,{d}\n"
                                            "rafa,10,USD,card,date,2026-13-01\nrafa,10,USD,card,,{d}\n"
                                            "nadie,10,USD,card,nobody,{d}\nrafa,10.005,USD,card,cents,{d}\n",
    "a formula after spaces and a quote": 'rafa,10,USD,card,ok-1,{d}\n  " =cmd|calc",10,USD,card,q,{d}\n',
    "a formula after a tab": "rafa,10,USD,card,\t=1+1,{d}\n",
    "a formula in the last column": "rafa,10,USD,card,x,+{d}\n",
    "a formula at the start of a line": "rafa,10,USD,card,x,{d}\r\n@rafa,10,USD,card,y,{d}\r\n",
    "a cell too long": "rafa,10,USD,card," + "r" * 201 + ",{d}\n",
    # Each of these once passed the raw-text scan while csv.reader and strip() made a formula or a long cell.
    "a formula after a quote and a space": 'rafa,10,USD,card," =cmd",{d}\n',
    "a formula after a no-break space": "rafa,10,USD,card,\u00a0=cmd,{d}\n",
    "a formula after a space": "rafa,10,USD,card, =cmd,{d}\n",
    "a long cell a line separator splits": "rafa,10,USD,card," + "r" * 150 + "\x1c" + "r" * 150 + ",{d}\n",
    "a long quoted cell over two lines": 'rafa,10,USD,card,"' + "r" * 150 + "\n" + "r" * 150 + '",{d}\n',
}


@pytest.mark.parametrize("body", SAME_EITHER_WAY.values(), ids=SAME_EITHER_WAY.keys())
def test_the_fast_preview_reports_every_row_as_the_cell_by_cell_checks_do(app, monkeypatch, body):
    from app.dues import imports

    joined(40, username="rafa")
    text = "member,amount,currency,method,reference,paid_on\n" + body.format(d=utcnow().date().isoformat())
    fast = [(row.number, row.status, row.problem) for row in imports.preview(text)]
    monkeypatch.setattr(imports, "_file_is_plain", lambda content, lines: False)
    slow = [(row.number, row.status, row.problem) for row in imports.preview(text)]
    assert fast == slow
    assert any(status != "matched" for _number, status, _problem in fast)


def test_a_file_with_a_formula_or_a_long_cell_is_not_plain():
    from app.dues.imports import _file_is_plain, _simple_lines

    def plain(text):
        return _file_is_plain(text, _simple_lines(text))

    assert plain("member,amount\nrafa,10\n") and plain("member,amount,note\r\nrafa,10,paid in cash\r\n")
    for text in ("member,amount\n=rafa,10\n", 'member,amount\n"@x",10\n', "member,amount\nrafa,-10\n",
                 "=member,amount\n", "member,amount\r\n+rafa,10\r\n", "member\n" + "x" * 201 + "\n",
                 "member,amount\nrafa, -10\n", "member,amount\nrafa,10\n\u00a0=x,1\n"):
        assert not plain(text), text


# A simple file (imports._simple_lines) is read with str.split instead of csv.reader and strip(): the same
# rows, numbered the same, must come out.
READ_EITHER_WAY = {
    "line feeds": "Member,Amount,Currency,Method,Reference,Paid_on\nrafa,10,USD,card,a,2026-01-02\n",
    "CRLF, blank lines, no final break": "member,amount,currency,method,reference,paid_on,note\r\n\r\n"
                                         "rafa,10,USD,card,a,2026-01-02,\r\n\ntere,5,MXN,cash,b,2026-01-03,x y",
    "short, long and empty rows": "member,amount,currency,method,reference,paid_on\nrafa,10\n,,,,,\n"
                                  "rafa,1,USD,card,c,2026-01-01,extra,cells\n",
    "an unnamed column": "member,,amount,currency,method,reference,paid_on\nrafa,skip,10,USD,card,d,2026-01-01\n",
    "spaces inside cells": "member,amount,currency,method,reference,paid_on,note\nrafa,10,USD,card,e f,2026-01-01,"
                           "paid in cash\n",
}


@pytest.mark.parametrize("text", READ_EITHER_WAY.values(), ids=READ_EITHER_WAY.keys())
def test_a_simple_file_is_read_into_the_same_rows_as_csv_reader_reads_it(text):
    from app.dues.imports import _parse, _simple_lines

    lines = _simple_lines(text)
    assert lines is not None
    assert [(r.number, r.cells) for r in _parse(text, lines)] == [(r.number, r.cells) for r in _parse(text)]


NOT_SIMPLE = {
    "a quote": 'member,amount\n"rafa",10\n', "a tab": "member,amount\nrafa\t,10\n",
    "a NUL": "member,amount\nra\0fa,10\n", "a form feed": "member,amount\nrafa\f,10\n",
    "a lone carriage return": "member,amount\nrafa\r,10\n", "a space before a comma": "member,amount\nrafa ,10\n",
    "a space after a comma": "member,amount\nrafa, 10\n", "a space at a line's start": "member,amount\n rafa,10\n",
    "a space at the file's end": "member,amount\nrafa,10 ", "a space at the file's start": " member,amount\n",
    "a space before a line break": "member,amount \nrafa,10\n", "not ASCII": "member,amount\nrafa\u00a0,10\n",
    "a line over csv's field limit": "member\n" + "x" * (csv.field_size_limit() + 1) + "\n",
}


@pytest.mark.parametrize("text", NOT_SIMPLE.values(), ids=NOT_SIMPLE.keys())
def test_a_file_csv_reader_could_read_differently_is_not_simple(text):
    from app.dues.imports import _simple_lines

    assert _simple_lines(text) is None


def test_the_preview_finds_members_and_earlier_payments_by_their_exact_keys(app):
    from app.dues import imports

    rafa, tere = joined(40, username="rafa", email="Rafa@Example.org"), joined(40, username="tere")
    today = utcnow().date()
    db.session.add(Payment(member_id=rafa.id, amount_minor=100, currency="USD", method="card", reference="R-1",
                           paid_on=today, recorded_by="sue"))
    db.session.commit()
    rows = imports.preview("member,amount,currency,method,reference,paid_on\n" + "".join(
        f"{member},1,USD,{method},{reference},{today}\n" for member, method, reference in [
            ("rafa", "card", "R-1"),  # recorded already
            ("RAFA@EXAMPLE.ORG", "transfer", "R-1"),  # the same reference by another method is another payment
            ("tere", "cash", "T-1"), ("tere", "CASH", "T-1"),  # twice in the file
            ("tere@example.org", "cash", "T-2"),  # not tere's address
            ("Tere", "check", "T-3")]))
    assert [(row.status, row.member_id) for row in rows] == [
        ("duplicate", rafa.id), ("matched", rafa.id), ("matched", tere.id), ("duplicate", tere.id),
        ("unmatched", None), ("matched", tere.id)]


def test_a_file_with_a_nul_is_refused_as_unreadable(app, support, form):
    joined(40, username="rafa")
    response = _upload(support, form, HEADER + f"ra\x00fa,25.00,USD,card,n-1,{utcnow().date()},\n")
    assert response.status_code == 400 and "The file is not a CSV file we can read." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PaymentImport)) == 0


def test_a_reference_longer_than_payments_keep_is_a_row_error_not_a_failed_commit(app):
    from app.dues import imports

    joined(40, username="rafa")
    today = utcnow().date()
    rows = imports.preview(HEADER + f"rafa,1,USD,card,{'r' * 101},{today},\nrafa,1,USD,card,{'r' * 100},{today},\n")
    assert [(row.status, row.problem) for row in rows] == [("error", "too_long"), ("matched", None)]


@pytest.mark.parametrize("simple", [True, False], ids=["split", "csv.reader"])
def test_either_reading_refuses_a_row_over_the_limit_blank_lines_counted(simple):
    from app.dues.imports import MAX_ROWS, ImportError_, _parse, _simple_lines

    def parse(text):
        return _parse(text, _simple_lines(text) if simple else None)

    header = "member,amount,currency,method,reference,paid_on\n"
    assert len(parse(header + "\n" * (MAX_ROWS - 1) + "rafa,1,USD,card,a,2026-01-01\n")) == 1
    with pytest.raises(ImportError_) as refused:
        parse(header + "\n" * MAX_ROWS + "rafa,1,USD,card,a,2026-01-01\n")
    assert refused.value.code == "too_many_rows"
