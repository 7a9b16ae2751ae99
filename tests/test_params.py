"""app/params.py: the one parsing layer for ids, cursors, dates, limits and text filters, the bounded <int:>
converter and the NUL refusal at the door, each in the person's language (JSON under /api/)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app import params
from app.params import BadParameter


def test_numbers_ids_and_cursors_are_range_checked_and_an_empty_value_is_refused():
    assert params.number(None, "limit", 1, 500, 100) == 100
    assert params.number("500", "limit", 1, 500) == 500
    assert params.ident(str(params.MAX_ID), "id") == 2**31 - 1
    assert params.cursor(None, "after") == 0 and params.cursor("0", "after") == 0
    for raw, code in (("", "empty"), ("0", "not_a_number"), ("-1", "not_a_number"), (str(2**31), "not_a_number"),
                      (str(2**64 + 1), "not_a_number"), ("1e9", "not_a_number"), ("１", "not_a_number")):
        with pytest.raises(BadParameter) as refused:
            params.ident(raw, "id")
        assert refused.value.code == code and refused.value.info["name"] == "id"


def test_a_days_end_at_the_calendars_last_day_is_open_ended_instead_of_overflowing():
    assert params.day_end(date(2026, 3, 31)) == datetime(2026, 4, 1, tzinfo=UTC)
    assert params.day_end(date.max) is None
    assert params.day_start(date.min) == datetime(1, 1, 1, tzinfo=UTC)
    assert params.day("9999-12-31", "until") == date.max
    for raw in ("10000-01-01", "2026-02-30", "2026-1-1", "20260101", "２０２６-01-01"):
        with pytest.raises(BadParameter, match="bad_date"):
            params.day(raw, "until")


def test_keyset_cursors_past_the_calendars_ends_or_the_columns_are_refused():
    assert params.keyset("2026-03-01T10:00:00-06:00|7", "after") == (datetime(2026, 3, 1, 16, tzinfo=UTC), 7)
    assert params.keyset("", "after") is None
    for raw in ("9999-12-31T23:59:59-23:59|1", "0001-01-01T00:00:00+23:59|1", f"2026-01-01T00:00:00|{2**64}",
                "2026-01-01T00:00:00", "x|1", "2026-01-01T00:00:00|0"):
        with pytest.raises(BadParameter, match="bad_cursor"):
            params.keyset(raw, "after")


def test_text_filters_refuse_control_characters_and_length_past_the_cap():
    assert params.text("  Ñandú 名前  ", "q") == "Ñandú 名前"
    for raw, code in (("a\x00b", "control_characters"), ("\x1b[31m", "control_characters"),
                      ("a" * 201, "too_long")):
        with pytest.raises(BadParameter, match=code):
            params.text(raw, "q")


def test_every_refusal_is_worded_in_both_languages(app):
    from flask_babel import force_locale

    codes = {"empty": {}, "not_a_number": {"low": 1, "high": 5}, "bad_date": {}, "bad_cursor": {},
             "too_long": {"max": 9}, "control_characters": {}, "not_a_choice": {"choices": ("a", "b")}}
    with app.test_request_context():
        for code, info in codes.items():
            error = BadParameter(code, "q", **info)
            with force_locale("en"):
                english = params.message(error)
            with force_locale("es"):
                spanish = params.message(error)
            assert "“q”" in english and "“q”" in spanish and english != spanish, code


@pytest.fixture
def probe(app):
    """A route of no area with a word in its path and a query parameter, to test what happens at the door."""
    from flask import request

    app.add_url_rule("/_probe/<word>", "probe", lambda word: f"{len(word)} {request.args.get('q', '')!r}",
                     methods=["GET", "POST"])
    app.add_url_rule("/_probe/n/<int:number>", "probe_number", lambda number: str(number))
    return app.test_client()


def test_nul_is_refused_at_the_door_404_in_the_path_400_in_the_query_string(probe, form):
    assert probe.get("/_probe/ab?q=x").status_code == 200
    assert probe.get("/_probe/a%00b").status_code == 404
    refused = probe.get("/_probe/ab?q=a%00b&lang=es")
    assert refused.status_code == 400
    assert "“q” tiene caracteres de control" in refused.get_data(as_text=True)
    # A form's fields are the form's to check, with the error at the field (app/fields.py).
    posted = probe.post("/_probe/ab", data={"note": "a\x00b", "csrf_token": form.token(probe, "/login")})
    assert posted.status_code == 200


def test_the_int_converter_takes_ids_from_1_to_2_31_minus_1_only(probe):
    assert probe.get(f"/_probe/n/{2**31 - 1}").get_data(as_text=True) == str(2**31 - 1)
    for raw in ("0", str(2**31), str(2**64 + 1), str(10**30)):
        assert probe.get(f"/_probe/n/{raw}").status_code == 404, raw
