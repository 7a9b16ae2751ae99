"""Two reviewers approving the same application at the same moment, in real threads: exactly one wins."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Member, Outbox, ProvisioningJob
from app.review import services
from tests.factories import make_application


def _race(app, application_id: int, actors: tuple[str, ...]) -> dict[str, object]:
    barrier = threading.Barrier(len(actors))
    outcomes: dict[str, object] = {}

    def approve(actor: str) -> None:
        with app.app_context():
            barrier.wait()
            try:
                outcomes[actor] = services.approve(application_id, actor)
            except services.ReviewError as error:
                outcomes[actor] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_two_simultaneous_approvals_make_one_member_one_set_of_jobs_one_email(app):
    for round_ in range(5):  # several rounds: a race that only sometimes overlaps proves little
        application, _ = make_application(username=f"racer{round_}")
        db.session.commit()
        outcomes = _race(app, application.id, ("rita", "pablo"))
        winners = [a for a, o in outcomes.items() if isinstance(o, services.Approval)]
        losers = {a: o for a, o in outcomes.items() if isinstance(o, services.ReviewError)}
        assert len(winners) == 1 and len(losers) == 1, outcomes
        (loser,) = losers.values()
        assert loser.code == "already_decided" and loser.info["by"] == winners[0]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Member)) == 5
    assert db.session.scalar(select(func.count()).select_from(ProvisioningJob)) == 15
    mails = [r for r in db.session.scalars(select(Outbox)) if r.kind == "mail"]
    assert len(mails) == 5
    approvals = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "application.approved")).all()
    assert len(approvals) == 5


def test_approve_and_reject_at_once_leave_one_decision(app):
    application, _ = make_application(username="split")
    db.session.commit()
    application_id = application.id  # read here: the test's session must not be used from the threads
    barrier = threading.Barrier(2)
    outcomes = {}

    def run(name, action):
        with app.app_context():
            barrier.wait()
            try:
                outcomes[name] = action()
            except services.ReviewError as error:
                outcomes[name] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=("approve", lambda: services.approve(application_id, "rita"))),
               threading.Thread(target=run, args=("reject", lambda: services.reject(application_id, "pablo", "no")))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    errors = [o for o in outcomes.values() if isinstance(o, services.ReviewError)]
    assert len(errors) == 1 and errors[0].code == "already_decided"
    db.session.expire_all()
    decisions = db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(
        ["application.approved", "application.rejected"]))).all()
    assert len(decisions) == 1
    members = db.session.scalar(select(func.count()).select_from(Member))
    assert members == (1 if decisions[0].action == "application.approved" else 0)


def test_two_reviewers_clicking_approve_at_once_one_is_told_who_decided(mailbox, app, reviewers, form):
    rita, pablo = reviewers.client("rita"), reviewers.client("pablo")
    application, _ = make_application(username="clicked", email="clicked@example.org")
    db.session.commit()
    url = f"/review/{application.id}/approve"
    tokens = {name: form.token(client, f"/review/{application.id}") for name, client in
              (("rita", rita), ("pablo", pablo))}
    barrier = threading.Barrier(2)
    pages = {}

    def click(name, client):
        barrier.wait()
        response = client.post(url, data={"csrf_token": tokens[name]})
        pages[name] = client.get(response.headers["Location"]).get_data(as_text=True)

    threads = [threading.Thread(target=click, args=item) for item in (("rita", rita), ("pablo", pablo))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    winners = [n for n, page in pages.items() if "Approved. The member" in page]
    losers = [n for n, page in pages.items() if "already decided by" in page]
    assert len(winners) == 1 and len(losers) == 1, pages.keys()
    assert f"This application was already decided by {winners[0]}." in pages[losers[0]]
    from tests.review.conftest import send_mail

    send_mail()
    assert len(mailbox.to("clicked@example.org")) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Member)) == 1
    assert db.session.scalar(select(func.count()).select_from(ProvisioningJob)) == 3
