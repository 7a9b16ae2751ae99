"""Helpers that walk the join wizard through the Flask test client, as a person would."""

from __future__ import annotations

import re
from html import unescape

import pytest

ABOUT = {"email": "ana@example.org", "full_name": "Ana Pérez", "kind": "individual", "organisation_name": "",
         "contact_person": "", "organisation_size": "", "country": "MX", "language": "en"}
COMMITMENTS = {"dues": "USD:10", "other_amount": "", "other_currency": "USD", "waiver_reason": "",
               "hours_per_month": "6", "working_groups": ["support", "translation"],
               "movements": ["migrant-rights", "housing"], "movements_other": ""}
WHY = {"values": ["cooperation", "companerismo"], "hopes": "Aprender a cuidar nuestros servidores.",
       "came_from": "member", "came_from_other": "", "wants_conversation": "yes", "conversation_language": "es",
       "conversation_medium": "video", "phone": "", "availability": "Entre semana, después de las 6"}
SERVICES = {"username": "anap", "want_hosting": "y", "hosting_domain": "colectivo.org", "want_email": "y",
            "email_domain_choice": "own", "email_domain": "", "mailboxes-0-local": "ana",
            "mailboxes-0-display_name": "Ana Pérez", "want_drupal": "y"}
DOCUMENTS = ("unity", "agreement", "intentionality")


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"|type="hidden" name="{name}" value="([^"]*)"',
                      html) or re.search(rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return unescape(next(g for g in match.groups() if g is not None))


class Wizard:
    def __init__(self, client, form):
        self.client, self.form = client, form

    def post(self, url: str, data: dict, **kwargs):
        return self.form.post(self.client, url, data, **kwargs)

    def start(self, **about):
        return self.post("/join/", {**ABOUT, **about})

    def verify(self, application=None):
        """Follow the emailed link (its token derived the way the mail builder derives it)."""
        from app.onboarding import tokens

        application = application or latest_application()
        return self.client.get(f"/join/verify/{tokens.verification_token_for(application)}")

    def accept(self, kind: str, lang: str | None = None):
        url = f"/join/documents/{kind}" + (f"?lang={lang}" if lang else "")
        page = self.client.get(url)
        html = page.get_data(as_text=True)
        data = {"csrf_token": hidden(html, "csrf_token"), "document_version_id": hidden(html, "document_version_id"),
            "language": hidden(html, "language"),
                "sha256": hidden(html, "sha256"), "accept": "y"}
        return self.client.post(url, data=data)

    def why(self, **changes):
        return self.post("/join/why", {**WHY, **changes})

    def commitments(self, **changes):
        return self.post("/join/commitments", {**COMMITMENTS, **changes})

    def services(self, **changes):
        return self.post("/join/services", {**SERVICES, **changes})

    def submit(self, **data):
        return self.post("/join/submit", data, get_url="/join/check")

    def through_services(self, about=None, services=None):
        """Start, verify, accept the documents, commitments and services: ready to submit."""
        assert self.start(**(about or {})).status_code == 303
        assert self.verify().status_code == 303
        for kind in DOCUMENTS:
            assert self.accept(kind).status_code == 303, kind
        assert self.why().status_code == 303
        kind = (about or {}).get("kind", "individual")
        assert self.commitments(dues="USD:10" if kind == "individual" else "USD:50").status_code == 303
        response = self.services(**(services or {}))
        assert response.status_code == 303, response.get_data(as_text=True)
        return response


@pytest.fixture
def wizard(client, form, documents) -> Wizard:
    return Wizard(client, form)


def latest_application():
    from app.extensions import db
    from app.models import Application

    db.session.expire_all()
    return db.session.scalars(db.select(Application).order_by(Application.id.desc())).first()
