"""Members finding each other: opt-in profiles only, filters, messages relayed without addresses, the
daily limit, reports that reach support and block the sender; hostile input; other members' ids."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, CommunityProfile, ContactMessage, MemberState
from tests.portal.conftest import sign_in, signed_up_member


def member_client(app, form, uid: str, **fields):
    member = signed_up_member(uid, **fields)
    client = app.test_client()
    sign_in(client, form, uid)
    return member, client


def save_profile(form, client, **data):
    payload = {"display_name": "Nombre", **data}
    return form.post(client, "/community/profile", payload)


@pytest.fixture
def three(app, form):
    """ana shows a contactable profile; beto shows one he does not want messages on; caro never opts in."""
    ana = member_client(app, form, "ana", email="ana@example.org", language="es")
    beto = member_client(app, form, "beto", email="beto@example.org")
    caro = member_client(app, form, "caro", email="caro@example.org")
    assert save_profile(form, ana[1], visible="y", contactable="y", display_name="Ana Tzotzil",
                        movements=["housing", "climate"], languages=["es"], region="Oaxaca").status_code == 303
    assert save_profile(form, beto[1], visible="y", display_name="Beto", movements=["labour"],
                        working_groups=["translation"], languages=["en", "es"]).status_code == 303
    assert save_profile(form, caro[1], display_name="Caro Secreta", movements=["housing"]).status_code == 303
    return ana, beto, caro


def names(page: str) -> set[str]:
    return set(re.findall(r'<h2 class="cm-profile__name">([^<]+?)(?: <span|</h2>)', page))


def test_only_members_who_opted_in_are_listed_and_filters_narrow_them(app, three):
    (_, ana), (_, beto), (_, caro) = three
    assert names(caro.get("/community/").get_data(as_text=True)) == {"Ana Tzotzil", "Beto"}
    assert names(caro.get("/community/?movement=housing").get_data(as_text=True)) == {"Ana Tzotzil"}
    assert names(caro.get("/community/?working_group=translation").get_data(as_text=True)) == {"Beto"}
    assert names(caro.get("/community/?language=en").get_data(as_text=True)) == {"Beto"}
    assert names(caro.get("/community/?region=oaxaca").get_data(as_text=True)) == {"Ana Tzotzil"}
    everyone = "".join(c.get(f"/community/?{q}").get_data(as_text=True) for c in (ana, beto, caro)
                       for q in ("", "movement=housing", "region=", "after=0"))
    assert "Caro Secreta" not in everyone and "caro@example.org" not in everyone and "ana@example.org" not in everyone


def test_a_member_who_left_or_was_switched_off_is_not_listed(app, three):
    (ana_member, _), (_, beto), _ = three
    ana_member.state = MemberState.DISABLED
    db.session.commit()
    assert names(beto.get("/community/").get_data(as_text=True)) == {"Beto"}


def test_the_community_is_for_signed_in_members(app, client, three):
    assert client.get("/community/").headers["Location"].startswith("/me/sign-in")
    assert client.get("/community/profile").status_code == 303


@pytest.mark.parametrize("query", ["movement=bogus", "working_group=%3Cscript%3E", "language=fr", "after=-1",
                                   "after=99999999999999999999", "after=abc", "region=" + "x" * 101, "region=a%00b"])
def test_hostile_filters_are_a_400(app, three, query):
    (_, ana), _, _ = three
    assert ana.get(f"/community/?{query}").status_code == 400


def test_profile_input_is_checked_and_shown_escaped(app, form, three):
    (_, ana), (_, beto), _ = three
    for data in ({"display_name": ""}, {"display_name": "x" * 101}, {"display_name": "a\nb"},
                 {"movements": ["bogus"]}, {"about_en": "ñ" * 501}, {"languages": ["fr"]}):
        assert save_profile(form, ana, visible="y", **data).status_code == 400, data
    save_profile(form, ana, visible="y", contactable="y", display_name="<script>alert(1)</script>",
                 about_es="{{ 7*7 }} José 🌻")
    page = beto.get("/community/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "{{ 7*7 }} José 🌻" in page and "49 José" not in page  # not run as a template


def test_a_message_is_relayed_without_the_recipients_address_and_reply_goes_to_the_sender(mailbox, app, form,
                                                                                          drain, three):
    (ana_member, _), (beto_member, beto), _ = three
    profile = db.session.scalar(select(CommunityProfile).where(CommunityProfile.member_id == ana_member.id))
    page = beto.get(f"/community/members/{profile.id}/write").get_data(as_text=True)
    assert "ana@example.org" not in page
    sent = form.post(beto, f"/community/members/{profile.id}/write", {"body": "¿Nos vemos en la asamblea?"})
    assert sent.status_code == 303
    drain()
    (letter,) = mailbox.to("ana@example.org")
    assert letter["Reply-To"] == "beto@example.org"
    assert letter["Subject"] == "Un mensaje de Beto, integrante de la cooperativa"  # in ana's language
    assert "¿Nos vemos en la asamblea?" in letter.get_body(("plain",)).get_content()
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "community.message_sent")).all()
    assert "asamblea" not in str(event.details) and "@" not in str(event.details)


def test_no_message_to_a_member_who_does_not_take_them_nor_to_a_hidden_profile(app, form, three):
    (_, ana), (beto_member, _), (caro_member, _) = three
    for member in (beto_member, caro_member):
        profile = db.session.scalar(select(CommunityProfile).where(CommunityProfile.member_id == member.id))
        assert ana.get(f"/community/members/{profile.id}/write").status_code == 404
        assert form.post(ana, f"/community/members/{profile.id}/write", {"body": "hola"},
                         get_url="/community/").status_code == 404
    assert ana.get("/community/members/99999999999/write").status_code == 404
    assert db.session.scalars(select(ContactMessage)).all() == []


def test_messages_stop_at_the_daily_limit(app, form, three):
    (ana_member, _), (_, beto), _ = three
    profile = db.session.scalar(select(CommunityProfile).where(CommunityProfile.member_id == ana_member.id))
    codes = [form.post(beto, f"/community/members/{profile.id}/write", {"body": f"mensaje {n}"}).status_code
             for n in range(app.config["CONTACT_MESSAGES_PER_DAY"] + 1)]
    assert codes == [303] * app.config["CONTACT_MESSAGES_PER_DAY"] + [400]


def test_a_report_reaches_support_blocks_the_sender_and_only_the_recipient_may_report(mailbox, app, form, drain,
                                                                                      three):
    (ana_member, ana), (_, beto), (_, caro) = three
    profile = db.session.scalar(select(CommunityProfile).where(CommunityProfile.member_id == ana_member.id))
    form.post(beto, f"/community/members/{profile.id}/write", {"body": "un mensaje molesto"})
    message = db.session.scalars(select(ContactMessage)).one()
    assert caro.get(f"/community/messages/{message.id}/report").status_code == 404  # not caro's message
    assert form.post(beto, f"/community/messages/{message.id}/report", {},
                     get_url="/community/").status_code == 404  # nor the sender's
    assert form.post(ana, f"/community/messages/{message.id}/report", {}).status_code == 303
    drain()
    (notice,) = mailbox.to(app.config["SUPPORT_EMAIL"])
    assert "un mensaje molesto" in notice.get_body(("plain",)).get_content()
    again = form.post(beto, f"/community/members/{profile.id}/write", {"body": "otra vez"})
    assert again.status_code == 400 and "does not want more messages" in again.get_data(as_text=True)


def test_joining_and_leaving_a_working_group_is_a_commitment_change(app, form, three):
    from app.portal.services import current_commitments

    (ana_member, ana), _, _ = three
    assert form.post(ana, "/community/groups/translation", {"action": "join"}).status_code == 303
    assert "translation" in current_commitments(ana_member).working_groups
    assert "Salirme de este grupo" in ana.get("/community/groups/translation").get_data(as_text=True)  # in Spanish
    assert form.post(ana, "/community/groups/translation", {"action": "leave"}).status_code == 303
    assert "translation" not in current_commitments(ana_member).working_groups
    assert ana.get("/community/groups/bogus").status_code == 404
    assert ana.post("/community/groups/translation", data={"action": "join"}).status_code == 400  # no CSRF
    assert len(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "member.commitments_changed")).all()) == 2


def test_only_coordinators_see_the_roster_and_it_lists_opted_in_members_only(app, form, three):
    (_, ana), (_, beto), (_, caro) = three
    app.config["WORKING_GROUP_COORDINATORS"] = {"translation": ["ana"]}
    form.post(caro, "/community/groups/translation", {"action": "join"})  # caro joins but shows no profile
    page = ana.get("/community/groups/translation?lang=en").get_data(as_text=True)
    assert "Who is in the group" in page and "Beto" in page and "Caro Secreta" not in page
    assert "Who is in the group" not in beto.get("/community/groups/translation").get_data(as_text=True)
    assert re.search(r'id="group-members">(.*?)<', page).group(1) == "fewer than 5"


def test_members_who_both_opted_in_are_introduced_once_in_their_languages(mailbox, app, form, drain, three):
    from app.models import Introduction

    (_, ana), (_, beto), _ = three
    dani = member_client(app, form, "dani", email="dani@example.org", language="es")
    save_profile(form, dani[1], visible="y", introductions="y", display_name="Dani", movements=["housing"])
    assert db.session.scalars(select(Introduction)).all() == []  # nobody else asked for introductions yet
    suggestions = dani[1].get("/community/?lang=en").get_data(as_text=True)
    assert "Members you may want to meet" in suggestions and "Ana Tzotzil" in suggestions
    save_profile(form, ana, visible="y", contactable="y", introductions="y", display_name="Ana Tzotzil",
                 movements=["housing", "climate"], languages=["es"])
    save_profile(form, ana, visible="y", contactable="y", introductions="y", display_name="Ana T.",
                 movements=["housing"], languages=["es"])  # saving again introduces nobody twice
    (pair,) = db.session.scalars(select(Introduction)).all()
    drain()
    (to_dani,) = mailbox.to("dani@example.org")
    (to_ana,) = mailbox.to("ana@example.org")
    assert to_dani["Subject"].startswith("Te presentamos a Ana") and "dani@example.org" not in str(to_ana)
    assert "Vivienda e inquilinos" in to_ana.get_body(("plain",)).get_content()
    assert mailbox.to("beto@example.org") == []  # beto never asked to be introduced


def test_nul_and_control_characters_in_text_areas_are_a_field_error_not_a_500(app, form, three):
    (ana_member, ana), (_, beto), _ = three
    assert save_profile(form, ana, visible="y", about_en="a\x00b").status_code == 400
    profile = db.session.scalar(select(CommunityProfile).where(CommunityProfile.member_id == ana_member.id))
    assert form.post(beto, f"/community/members/{profile.id}/write", {"body": "hola\x00"}).status_code == 400
    assert form.post(ana, "/me/leave", {"reason": "me voy\x00", "confirm": "y"}).status_code == 400


def test_a_filtered_search_pages_through_every_match_once_and_only_matches(app):
    """The filters are SQL on the JSON lists: paging by cursor through a movement, and a movement with a
    language, gives exactly the profiles a plain Python reading of the same rows gives, in id order, none
    twice, no hidden profile, none that only has a value that contains the one asked for."""
    from app.community import services
    from tests.members.factories import make_member

    movements = (["housing"], ["labour"], ["housing", "climate"], ["climate"], [])
    for n in range(80):
        db.session.add(CommunityProfile(member=make_member(username=f"pagina{n}"), visible=n % 7 != 3,
                                        display_name=f"Página {n}", movements=movements[n % 5],
                                        languages=["es"] if n % 2 else ["en", "es"], working_groups=[]))
    db.session.commit()
    profiles = db.session.scalars(select(CommunityProfile).order_by(CommunityProfile.id)).all()
    viewer = profiles[0].member

    def walk(search):
        seen, after = [], 0
        while True:
            page, after = services.browse(viewer, services.Search(after=after, **search))
            assert len(page) <= services.PAGE
            seen += [p.id for p in page]
            if after is None:
                return seen

    housing = [p.id for p in profiles if p.visible and "housing" in p.movements]
    assert len(housing) > services.PAGE  # more than one page
    assert walk({"movement": "housing"}) == housing
    assert walk({"movement": "climate", "language": "en"}) == [
        p.id for p in profiles if p.visible and "climate" in p.movements and "en" in p.languages]
    assert walk({"movement": "hous"}) == [] and walk({"language": "e"}) == []
