"""The optional state or region at the start and about steps: an ISO 3166-2 code of the chosen country."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application
from tests.onboarding.conftest import ABOUT, latest_application


def _count() -> int:
    return db.session.scalar(select(func.count(Application.id)))


def _body(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(("country", "typed", "code"), [
    ("MX", "Oaxaca", "MX-OAX"), ("MX", "  oaxaca ", "MX-OAX"), ("MX", "mx-oax", "MX-OAX"), ("MX", "OAX", "MX-OAX"),
    ("MX", "Michoacan", "MX-MIC"), ("MX", "Ciudad de Mexico", "MX-CMX"), ("US", "Nueva York", "US-NY"),
    ("US", "new york", "US-NY"), ("US", "US-CA", "US-CA"),
    # What organisers write every day, beside the ISO names (regions.ALIASES).
    ("MX", "CDMX", "MX-CMX"), ("MX", "df", "MX-CMX"), ("MX", "Estado de México", "MX-MEX"), ("MX", "edomex", "MX-MEX"),
    ("MX", "Edo. Méx.", "MX-MEX"), ("US", "Washington DC", "US-DC"),
])
def test_a_region_typed_by_name_or_code_is_kept_as_its_iso_code(wizard, country, typed, code):
    assert wizard.start(country=country, region=typed).status_code == 303
    assert latest_application().region == code


def test_no_region_is_stored_as_none_and_the_check_page_says_not_given(wizard, client):
    wizard.through_services(about={"region": ""})
    assert latest_application().region is None
    assert "Not given" in _body(client.get("/join/check"))


def test_the_region_is_named_in_the_page_language_on_the_check_and_about_pages(wizard, client):
    wizard.through_services(about={"country": "US", "region": "US-NY"})
    assert "New York" in _body(client.get("/join/check?lang=en"))
    spanish = _body(client.get("/join/check?lang=es"))
    assert "Estado o región" in spanish and "Nueva York" in spanish
    about = _body(client.get("/join/about?lang=es"))
    assert 'value="Nueva York"' in about


def test_a_region_of_another_country_is_refused_and_what_was_typed_stays(wizard, client):
    before = _count()
    response = wizard.start(country="US", region="MX-OAX")
    body = _body(response)
    assert response.status_code == 200 and "<title>Error:" in body
    assert "Oaxaca is in Mexico, not in United States" in body
    assert 'value="MX-OAX"' in body and 'value="ana@example.org"' in body
    assert _count() == before


def test_an_unknown_region_is_refused_in_both_languages(wizard, client):
    response = wizard.start(region="Atlantis")
    body = _body(response)
    assert response.status_code == 200 and "Enter a state or region of Mexico by its name or code" in body
    assert 'value="Atlantis"' in body
    client.get("/?lang=es")
    body = _body(wizard.start(region="Atlantis"))
    assert "Escribe un estado o una región de México con su nombre o su clave" in body


def test_a_region_of_the_old_country_is_refused_when_the_country_changes_at_the_about_step(wizard, client):
    assert wizard.start(country="MX", region="Oaxaca").status_code == 303
    response = wizard.post("/join/about", {**ABOUT, "country": "US", "region": "Oaxaca"})
    assert response.status_code == 200 and "Enter a state or region of United States" in _body(response)
    assert latest_application().country == "MX" and latest_application().region == "MX-OAX"
    assert wizard.post("/join/about", {**ABOUT, "country": "US", "region": "Texas"}).status_code == 303
    assert latest_application().region == "US-TX"
    assert wizard.post("/join/about", {**ABOUT, "country": "US", "region": ""}).status_code == 303
    assert latest_application().region is None


INJECTIONS = ["*)(uid=*", "{{ lookup('pipe','id') }}", "' OR 1=1 --", "<script>alert(1)</script>", "MX-OAX'; --",
              "李小龍", "Ana 🌻✊🏽", "مريم"]


@pytest.mark.parametrize("hostile", INJECTIONS)
def test_hostile_regions_get_a_clear_message_not_a_500(wizard, hostile):
    before = _count()
    response = wizard.start(region=hostile)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error:" in body
    assert "Enter a state or region of Mexico" in unescape(body)
    assert "<script>alert(1)</script>" not in body
    assert _count() == before


def test_ten_thousand_characters_get_a_length_message(wizard):
    response = wizard.start(region="é" * 10000)
    body = _body(response)
    assert response.status_code == 200 and "Use at most 100 characters" in body
    assert "Enter a state or region" not in body  # one message, the one that says what to do


def test_a_nul_or_control_character_gets_a_single_line_message(wizard):
    for typed in ("Oax\x00aca", "Oaxaca\nMX-CHP"):
        response = wizard.start(region=typed)
        assert response.status_code == 200
        assert "Use a single line of text without control characters" in _body(response)


def test_the_region_box_suggests_the_chosen_country_s_regions_without_script(wizard, client):
    start = _body(client.get("/join/"))
    assert 'list="region-options"' in start and 'autocomplete="address-level1"' in start
    assert '<option value="Oaxaca">' in start and '<option value="California">' in start
    assert wizard.start(country="US", region="").status_code == 303
    about = _body(client.get("/join/about"))
    assert '<option value="California">' in about and '<option value="Oaxaca">' not in about


def test_the_service_refuses_a_region_of_another_country(app, wizard):
    from app.onboarding import services

    assert wizard.start().status_code == 303
    application = latest_application()
    about = {**{k: v for k, v in ABOUT.items() if k != "organisation_size"}, "organisation_size": None}
    with pytest.raises(ValueError, match="not a region"):
        services._apply_about(application, **{**about, "country": "MX", "region": "US-CA"})
