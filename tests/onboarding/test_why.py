"""The wizard's "Why you are joining": values, hopes, how they came, the welcome conversation asked for."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Motivation
from tests.onboarding.conftest import DOCUMENTS, WHY, latest_application

HOSTILE = "'); DROP TABLE motivation;-- <script>alert(1)</script> {{7*7}} %(x)s"


def _to_why(wizard, **about):
    assert wizard.start(**about).status_code == 303
    for kind in DOCUMENTS:
        assert wizard.accept(kind).status_code == 303


def _motivations() -> int:
    return db.session.scalar(select(func.count()).select_from(Motivation))


def test_the_section_comes_after_the_documents_and_before_the_commitments(wizard, client):
    assert wizard.start().status_code == 303
    assert client.get("/join/why").status_code == 303  # documents first
    for kind in DOCUMENTS:
        wizard.accept(kind)
    assert client.get("/join/commitments").status_code == 303  # not before this section
    tasks = client.get("/join/tasks").get_data(as_text=True)
    assert tasks.index("Statement of Intentionality") < tasks.index("Why you are joining") < tasks.index(
        "Your commitments")
    page = client.get("/join/why").get_data(as_text=True)
    assert "Compañerismo" in page and "Looking out for one another as comrades" in page  # a meaning per value
    response = wizard.why()
    assert response.status_code == 303 and response.headers["Location"].endswith("/join/commitments")


def test_the_answers_are_kept_exactly_and_shown_on_the_check_page_with_a_change_link(wizard, client):
    wizard.through_services()
    motivation = latest_application().motivation
    assert motivation.values == ["cooperation", "companerismo"]
    assert (motivation.hopes, motivation.came_from, motivation.wants_conversation) == (
        WHY["hopes"], "member", True)
    assert (motivation.conversation_language, motivation.conversation_medium) == ("es", "video")
    assert motivation.phone is None  # a video call: no number asked for or kept
    check = client.get("/join/check").get_data(as_text=True)
    assert "Values that move you" in check and "Compañerismo" in check and WHY["hopes"] in check
    assert "Yes: Español, by video call" in check
    assert 'href="/join/why?return=check"' in check
    response = wizard.post("/join/why?return=check", {**WHY, "wants_conversation": "no"})
    assert response.headers["Location"].endswith("/join/check")
    motivation = latest_application().motivation
    assert not motivation.wants_conversation and motivation.conversation_language is None
    assert motivation.availability is None


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"values": []}, "values", "Choose at least one value"),
    ({"values": ["cooperation", HOSTILE]}, "values", "is not a valid choice"),
    ({"came_from": ""}, "came_from", "Choose how you heard about us"),
    ({"came_from": HOSTILE}, "came_from", "Not a valid choice"),
    ({"came_from": "other", "came_from_other": "  "}, "came_from_other", "Tell us how you heard about us"),
    ({"wants_conversation": ""}, "wants_conversation", "Choose whether you would like a welcome conversation"),
    ({"conversation_language": ""}, "conversation_language", "Choose the language of the conversation"),
    ({"conversation_medium": ""}, "conversation_medium", "Choose a phone or a video call"),
    ({"conversation_medium": "phone", "phone": ""}, "phone", "Enter the number we should call"),
    ({"conversation_medium": "phone", "phone": "call me maybe"}, "phone", "Enter a phone number with its country"),
    ({"conversation_medium": "phone", "phone": "+52 5"}, "phone", "Enter a phone number with its country"),
    ({"hopes": "x" * 10_000}, "hopes", "Use at most 2,000 characters"),
    ({"hopes": "hola\x00"}, "hopes", "Remove the control characters"),
    ({"availability": "lunes\nmartes"}, "availability", "Use a single line of text"),
    ({"availability": "y" * 501}, "availability", "Use at most 500 characters"),
    ({"came_from": "other", "came_from_other": "z" * 201}, "came_from_other", "Use at most 200 characters"),
])
def test_bad_answers_get_a_clear_error_keep_what_was_typed_and_save_nothing(wizard, changes, field, message):
    _to_why(wizard)
    response = wizard.why(**{"hopes": "Lo que escribí 🌽", **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and f'href="#{field}' in page  # in the summary, linked to the field
    if "hopes" not in changes:
        assert "Lo que escribí 🌽" in page  # nothing typed is lost
    elif len(changes["hopes"]) == 10_000:
        assert "x" * 10_000 in page
    assert _motivations() == 0 and not latest_application().progress.get("why")


def test_errors_are_in_spanish_for_a_spanish_applicant(wizard):
    _to_why(wizard, language="es")
    page = wizard.post("/join/why?lang=es", {**WHY, "values": [], "conversation_medium": "phone"}).get_data(
        as_text=True)
    assert "Elige al menos un valor" in page and "Escribe el número al que te llamamos" in page


def test_unicode_and_markup_are_kept_as_text(wizard, client):
    _to_why(wizard)
    hopes = "Que las compas de la colectiva 🌻 aprendan a administrar servidores.\nY también " + HOSTILE
    assert wizard.why(hopes=hopes, came_from="other", came_from_other="Radio Ñuu Savi",
                      conversation_medium="phone", phone="+52 (951) 123-4567").status_code == 303
    motivation = latest_application().motivation
    assert motivation.hopes == hopes and motivation.came_from_other == "Radio Ñuu Savi"
    assert motivation.phone == "+52 (951) 123-4567"
    page = client.get("/join/why").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_an_organisation_is_told_the_conversation_is_part_of_joining_and_cannot_say_no(wizard, client):
    _to_why(wizard, kind="organisation", organisation_name="Colectivo Tierra")
    page = client.get("/join/why").get_data(as_text=True)
    assert 'id="conversation-required"' in page and 'name="wants_conversation"' not in page
    assert wizard.why(wants_conversation="no").status_code == 303
    assert latest_application().motivation.wants_conversation is True


def test_a_person_may_say_not_now(wizard, client):
    _to_why(wizard)
    page = client.get("/join/why").get_data(as_text=True)
    assert 'name="wants_conversation"' in page and 'id="conversation-required"' not in page
    assert wizard.why(wants_conversation="no", phone="+52 55 1234 5678").status_code == 303
    motivation = latest_application().motivation
    assert motivation.wants_conversation is False and motivation.phone is None


def test_save_and_come_back_later_keeps_the_unfinished_answers(wizard, client):
    _to_why(wizard)
    response = wizard.post("/join/why", {"values": ["privacy"], "hopes": "A medias", "later": "1"})
    assert response.headers["Location"].endswith("/join/tasks")
    assert 'id="task-why">In progress' in client.get("/join/tasks").get_data(as_text=True)
    page = client.get("/join/why").get_data(as_text=True)
    assert "A medias" in page and re.search(r'<input[^>]* checked[^>]*value="privacy"', page)
    assert _motivations() == 0


def test_a_double_submit_keeps_one_row_and_the_audit_holds_no_free_text(wizard):
    _to_why(wizard)
    for _twice in range(2):
        assert wizard.why().status_code == 303
    assert _motivations() == 1
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "application.motivation_saved")))
    assert len(events) == 2 and events[0].details == {"values": 2, "wants_conversation": True}
    assert all(WHY["hopes"] not in str(e.details) for e in events)


def test_an_application_cannot_be_sent_without_this_section(wizard, client):
    wizard.through_services()
    application = latest_application()
    application.progress = {**application.progress, "why": False}
    db.session.commit()
    assert client.get("/join/check").status_code == 303
    response = wizard.post("/join/submit", {}, get_url="/join/?new=1")
    assert response.status_code == 303 and latest_application().state == "draft"
