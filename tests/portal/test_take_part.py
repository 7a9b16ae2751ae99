"""After joining: the member's overview points to the working groups they chose and to the political
education material, in their language; a misconfigured link is left out rather than shown."""

from __future__ import annotations


def test_the_overview_links_the_chosen_working_groups_and_the_education_material(app, rosa_client):
    page = rosa_client.get("/me/").get_data(as_text=True)
    assert 'href="/community/groups/support"' in page  # the factory's member chose "support"
    assert "Technology as a terrain of struggle" in page and 'href="https://alta.coop/aprender/' in page
    spanish = rosa_client.get("/me/?lang=es").get_data(as_text=True)
    assert "La tecnología como terreno de lucha" in spanish and "Participa" in spanish


def test_material_without_an_https_link_or_a_title_is_left_out(app, rosa_client):
    app.config["EDUCATION_MATERIAL"] = [
        {"url": "http://plain.example/read", "title": {"en": "Plain http"}},
        {"url": "javascript:alert(1)", "title": {"en": "Script"}},
        {"url": "https://alta.coop/x", "title": {}},
        "not even a mapping",
        {"url": "https://alta.coop/solo-es", "title": {"es": "Solo en español", "en": "English title"},
         "text": {"es": "Texto"}},
    ]
    page = rosa_client.get("/me/").get_data(as_text=True)
    assert "Plain http" not in page and "javascript:" not in page and 'href="https://alta.coop/x"' not in page
    assert "English title" in page and "Texto" not in page  # no English text: the title alone
    assert "Texto" in rosa_client.get("/me/?lang=es").get_data(as_text=True)
