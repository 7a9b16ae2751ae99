"""Leaving the cooperative: asked on the member's pages, a notice period to change one's mind, then the
daily command switches services off through the normal jobs and locks the entry; support hears of each step."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import directory
from app.extensions import db
from app.models import AuditEvent, Member, ProvisioningJob, utcnow
from tests.portal.conftest import PASSWORD, sign_in, signed_up_member


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _member(uid: str) -> Member:
    db.session.expire_all()
    return db.session.scalar(select(Member).where(Member.uid == uid))


def _locked(uid: str) -> bool:
    entry = directory.read_member_entry(directory.Directory.from_config(), uid, ["shadowExpire"])
    return entry["shadowExpire"] == ["1"]


def test_a_member_asks_to_leave_support_hears_and_the_member_can_change_their_mind(mailbox, app, rosa, rosa_client,
                                                                                   form, drain):
    unticked = form.post(rosa_client, "/me/leave", {"reason": "Me mudo"})
    assert unticked.status_code == 400 and "Tick the box to confirm" in unticked.get_data(as_text=True)
    too_long = form.post(rosa_client, "/me/leave", {"reason": "x" * 1001, "confirm": "y"})
    assert too_long.status_code == 400
    assert _member("rosa").leave_requested_at is None
    done = form.post(rosa_client, "/me/leave", {"reason": "Me mudo a Oaxaca <b>", "confirm": "y"})
    assert done.status_code == 303
    member = _member("rosa")
    assert member.leaves_at - member.leave_requested_at == timedelta(days=app.config["LEAVE_NOTICE_DAYS"])
    assert member.state == "active"
    overview = rosa_client.get("/me/").get_data(as_text=True)
    assert "You asked to leave the cooperative" in overview
    assert form.post(rosa_client, "/me/leave", {"confirm": "y"}, get_url="/me/").status_code == 303  # double submit
    assert len(_events("member.leave_requested")) == 1
    drain()
    (notice,) = mailbox.to(app.config["SUPPORT_EMAIL"])
    assert notice["Subject"] == "A member is leaving the cooperative: rosa"
    assert "Me mudo a Oaxaca <b>" in notice.get_body(("plain",)).get_content()

    stay = form.post(rosa_client, "/me/leave/withdraw", {}, get_url="/me/")
    assert stay.status_code == 303
    assert _member("rosa").leave_requested_at is None and len(_events("member.leave_withdrawn")) == 1
    assert form.post(rosa_client, "/me/leave/withdraw", {}, get_url="/me/").status_code == 303  # nothing to withdraw
    assert len(_events("member.leave_withdrawn")) == 1
    drain()
    assert [m["Subject"] for m in mailbox.to(app.config["SUPPORT_EMAIL"])][-1] == \
        "A member stays in the cooperative: rosa"


def test_after_the_notice_period_the_daily_command_switches_services_off_once(app, rosa, rosa_client, form):
    form.post(rosa_client, "/me/leave", {"confirm": "y"})
    runner = app.test_cli_runner()
    assert "0 member(s) left" in runner.invoke(args=["members", "leaving"]).output  # not due yet
    member = _member("rosa")
    member.leaves_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert form.post(rosa_client, "/me/leave/withdraw", {}, get_url="/me/").status_code == 303
    assert _member("rosa").leave_requested_at is not None  # too late to withdraw
    assert "1 member(s) left" in runner.invoke(args=["members", "leaving"]).output
    assert "0 member(s) left" in runner.invoke(args=["members", "leaving"]).output
    assert _member("rosa").state == "left"
    (job,) = db.session.scalars(select(ProvisioningJob)).all()
    assert job.options == {"state": "disabled"} and job.requested_by == "system"
    assert len(_events("member.left")) == 1
    refused = form.post(app.test_client(), "/me/sign-in", {"identity": "rosa", "password": PASSWORD})
    assert "You have left the cooperative" in refused.get_data(as_text=True)


def test_a_member_without_services_who_leaves_has_their_entry_locked_without_a_job(app, form, drain):
    signed_up_member("sola", services=())
    client = app.test_client()
    sign_in(client, form, "sola")
    form.post(client, "/me/leave", {"confirm": "y"})
    member = _member("sola")
    member.leaves_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "1 member(s) left" in app.test_cli_runner().invoke(args=["members", "leaving"]).output
    drain()
    assert db.session.scalars(select(ProvisioningJob)).all() == []
    assert _locked("sola")
    assert directory.authenticate_member(directory.Directory.from_config(), "sola", PASSWORD).locked


def test_support_switching_off_a_member_without_services_locks_their_entry_and_back(app, drain):
    from app.members import services

    member = signed_up_member("sinservicios", services=())
    services.disable_member(member.id, "sue", "dues")
    drain()
    assert _locked("sinservicios")
    services.enable_member(member.id, "sue", "paid")
    drain()
    assert not _locked("sinservicios")
