"""No link token in any log line: the applicant's journey and an activation over real HTTP (werkzeug's
request log), the worker's mail, an error traceback, and gunicorn's access log, each checked for every
token minted. A control test switches the redaction off and sees the tokens: the capture is real."""

from __future__ import annotations

import logging
import re
import secrets
import subprocess
import sys
import time
import urllib.request

import pytest

from app import logs
from app.devservices import free_port
from tests.members.test_activation import PASSWORD, active_member, send_link
from tests.onboarding.conftest import COMMITMENTS, DOCUMENTS, SERVICES, WHY
from tests.onboarding.httpsession import Session
from tests.support import ROOT, wait_for

ABOUT = {"email": "lena@example.org", "full_name": "Lena Ríos", "kind": "individual", "organisation_name": "",
         "contact_person": "", "organisation_size": "", "country": "MX", "language": "es"}


@pytest.fixture
def captured(caplog):
    """Every record of every logger, from DEBUG up (the root logger and werkzeug's own)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="werkzeug")
    return caplog


def _texts(caplog) -> list[str]:
    """Each record as a handler could write it: its message, its traceback, its stack, and caplog's text."""
    texts = [caplog.text]
    for record in caplog.records:
        texts += [record.getMessage(), record.exc_text or "", record.stack_info or ""]
        if record.exc_info:
            texts.append(logging.Formatter().formatException(record.exc_info))
    return texts


def _hits(caplog, tokens: set[str], *streams: str) -> list[str]:
    return [t for t in tokens for text in [*_texts(caplog), *streams] if t in text]


def _link(mailbox, address: str, path: str) -> str:
    for message in reversed(mailbox.to(address)):
        text = message.get_body(preferencelist=("plain",)).get_content()
        match = re.search(rf"https?://[^/\s]+({re.escape(path)}([A-Za-z0-9_-]+))", text)
        if match:
            return match.group(2)
    raise AssertionError(f"no {path} link in the mail to {address}")


def _journey(base: str, mailbox, drain) -> set[str]:
    """Start → verify → lost link → steps → submit → status page → an activation; returns every token."""
    minted = set()
    s = Session(base)
    assert s.form("/join/", ABOUT).status == 303
    drain()
    verification = _link(mailbox, ABOUT["email"], "/join/verify/")
    minted.add(verification)
    assert Session(base).get(f"/join/verify/{verification}").status == 303
    assert s.get(f"/join/verify/{verification}").status == 303
    # A lost link: fresh tokens for the same draft, followed from another browser.
    assert Session(base).form("/join/link", {"email": ABOUT["email"], "website": ""}).status == 303
    drain()
    fresh = _link(mailbox, ABOUT["email"], "/join/verify/")
    assert fresh != verification
    minted.add(fresh)
    assert s.get(f"/join/verify/{verification}").status == 404  # the old link stopped working, logged too
    assert s.get(f"/join/verify/{fresh}").status == 303
    for kind in DOCUMENTS:
        assert s.accept(kind).status == 303
    assert s.form("/join/why", WHY).status == 303
    assert s.form("/join/commitments", COMMITMENTS).status == 303
    assert s.form("/join/services", SERVICES).status == 303
    assert s.form("/join/submit", {}, page="/join/check").status == 303
    drain()
    status = _link(mailbox, ABOUT["email"], "/status/")
    minted.add(status)
    assert Session(base).get(f"/status/{status}").status == 200
    assert s.get(f"/join/resume/{status}").status == 303
    assert Session(base).get(f"/status/{status}/withdraw").status == 405

    member = active_member(username="rosa")
    activation = send_link(member, drain, mailbox)
    minted.add(activation)
    a = Session(base)
    assert a.get(f"/activate/{activation}").status == 200
    assert a.form(f"/activate/{activation}", {"password": PASSWORD, "confirm": PASSWORD}).status == 303
    assert a.get(f"/activate/{activation}").status == 404
    return minted


def test_no_token_minted_in_the_journey_reaches_any_log_line(mailbox, app, drain, documents, live_server,
                                                            captured, capfd):
    minted = _journey(live_server, mailbox, drain)
    assert len(minted) == 4  # two verification links, the status link, the activation link
    out, err = capfd.readouterr()
    assert _hits(captured, minted, out, err) == []
    # The request log was there, with the marker where each token was.
    requests = [r.getMessage() for r in captured.records if r.name == "werkzeug"]
    for prefix in ("/join/verify/", "/status/", "/join/resume/", "/activate/"):
        assert any(f"{prefix}{logs.MARKER}" in line for line in requests), prefix


def test_with_the_redaction_switched_off_the_same_capture_sees_the_tokens(
        mailbox, app, drain, documents, live_server, captured, monkeypatch):
    """The control: the test above would fail if the filter were not there."""
    monkeypatch.setattr(logs, "redact", lambda text: text)
    minted = _journey(live_server, mailbox, drain)
    assert set(_hits(captured, minted)) == minted


def test_a_traceback_of_a_new_token_route_carries_no_token(app, client, captured):
    """A route added later, whose error message holds the bare token: Flask's error log (in the request)."""
    def explode(token: str):
        raise RuntimeError(f"could not use {token}")

    app.add_url_rule("/test-only/explode/<token>", "explode", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: Flask logs the error itself
    token = secrets.token_urlsafe(12)  # not the shape of our tokens: found only by route and request
    assert client.get(f"/test-only/explode/{token}").status_code == 500
    logging.getLogger("alta.test").warning("retry at /test-only/explode/%s later", token)
    errors = [r for r in captured.records if r.exc_text]
    assert errors and "RuntimeError: could not use [redacted]" in errors[0].exc_text
    assert f"/test-only/explode/{logs.MARKER}" in captured.text
    assert _hits(captured, {token}) == []


def test_a_bare_token_outside_any_request_is_caught_by_its_shape(app, captured):
    from app.onboarding import tokens

    token, _hash = tokens.links.new_token()
    try:
        raise ValueError(token)
    except ValueError:
        logging.getLogger("alta.worker").exception("mail for %s failed", token)
    assert _hits(captured, {token}) == []
    assert captured.text.count(logs.MARKER) >= 2


def test_gunicorn_access_and_error_logs_carry_no_token(clean_state, app_settings, tmp_path):
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "--access-logfile", str(access),
         "--error-logfile", str(errors), "--log-level", "debug", "app:create_app()"],
        env=clean_state.env(**app_settings), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        start_new_session=True)
    minted = {secrets.token_urlsafe(32) for _ in range(3)}
    try:
        def up():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            except urllib.error.HTTPError as error:
                return error
            except OSError:
                return None
        wait_for(up, 30, what="gunicorn")
        for path, token in zip(("/join/verify/", "/status/", "/activate/"), minted, strict=True):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}{token}",  # noqa: S310
                                             headers={"Referer": f"http://127.0.0.1:{port}/status/{token}/x"})
            try:
                urllib.request.urlopen(request, timeout=10)  # noqa: S310
            except urllib.error.HTTPError as error:
                assert error.code == 404
    finally:
        proc.terminate()
        proc.wait(20)
    time.sleep(0.1)
    written = access.read_text() + errors.read_text()
    assert written.count(f"/status/{logs.MARKER}") >= 2  # the request line and the referer
    assert [t for t in minted if t in written] == []
