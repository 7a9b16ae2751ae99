"""Translated labels of the slugs applicants, members and staff all see: services, documents, movements,
working groups, organisation sizes. One table per slug family, used by every area's pages and emails."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

SERVICES = {"hosting": _l("Web hosting"), "email": _l("Email"), "drupal": _l("Drupal account")}

# A service's state as the applicant and the member see it (staff pages have their own, more technical words).
SERVICE_STATES = {"requested": _l("Requested"), "queued": _l("Being set up"), "active": _l("Ready"),
                  "failed": _l("Delayed: our team is on it"), "disabled": _l("Disabled")}

DOCUMENTS = {"unity": _l("Statement of Unity"), "agreement": _l("Membership Agreement"),
             "intentionality": _l("Statement of Intentionality")}

SIZES = {"1-5": _l("1 to 5 people"), "6-20": _l("6 to 20 people"), "21-100": _l("21 to 100 people"),
         "101+": _l("More than 100 people")}

WORKING_GROUPS = {
    "infrastructure": _l("Infrastructure"), "support": _l("Member support"), "education": _l("Political education"),
    "outreach": _l("Outreach"), "translation": _l("Translation and interpretation"),
    "governance": _l("Governance"),
}

MOVEMENTS = {
    "migrant-rights": _l("Migrant rights"), "labour": _l("Labour"), "housing": _l("Housing and tenants"),
    "climate": _l("Climate justice"), "feminist": _l("Feminist"), "lgbtq": _l("LGBTQ+ liberation"),
    "indigenous": _l("Indigenous peoples"), "racial-justice": _l("Racial justice"),
    "media": _l("Independent media"), "peasant-food": _l("Peasant and food sovereignty"),
    "education": _l("Education"), "anti-war": _l("Anti-war and anti-militarism"),
    "health": lazy_pgettext("movement", "Health"),  # a context: the console's "Health" page is another word
}


# The cooperative's values, as the Statement of Unity names them, and two the leadership added in its own
# words: compañerismo stays in Spanish in the English text, as the leadership asked. (label, one-line meaning)
VALUES = {
    "transparency": (_l("Transparency"), _l("Decisions, money and systems in the open: trust built on shared "
                                             "information.")),
    "cooperation": (_l("Cooperation"), _l("Meeting our needs by working together, sharing the work and its "
                                           "benefits.")),
    "education": (_l("Popular and political education"), _l("Learning from and teaching one another, linking "
                                                              "technology to the conditions we live in.")),
    "privacy": (_l("Privacy"), _l("Our communications and data are ours; we resist surveillance by companies "
                                   "and the state.")),
    "ownership": (_l("Collective ownership"), _l("The infrastructure is held in common by the membership, and "
                                                  "we take care of it.")),
    "accessibility": (_l("Accessibility and affordability"), _l("No one left out for money, language, "
                                                                  "disability or lack of experience.")),
    "autonomy": (_l("Autonomy"), _l("Deciding for ourselves, without asking corporations or governments for "
                                     "permission.")),
    "free-software": (_l("Free software and the commons"), _l("Software anyone can study, change and share, "
                                                                "and knowledge that belongs to everyone.")),
    "borders": (_l("Collaboration without borders"), _l("Organising across borders, languages and nations, in "
                                                         "solidarity with movements everywhere.")),
    "diversity": (_l("Respect for cultural diversity"), _l("Many languages, peoples and traditions, honoured as a "
                                                            "strength.")),
    "companerismo": (_l("Compañerismo"), _l("Looking out for one another as comrades: care, trust and showing "
                                             "up for each other.")),
    "buen-vivir": (_l("Buen vivir"), _l("A good life in common, in balance with our communities and the "
                                         "earth, not profit.")),
}

# How a person came to the cooperative (the wizard's "How did you hear about us?").
CAME_FROM = {
    "member": _l("A member told me about it"), "movement": _l("Through my organisation or movement"),
    "event": _l("At an event, workshop or training"), "web": _l("Searching the web, or our web site"),
    "social": _l("On social media"), "services": _l("I was looking for web hosting or email"),
    "other": _l("Another way"),
}

CONVERSATION_MEDIUMS = {"phone": _l("By phone"), "video": _l("By video call")}


def label(table: dict, slug: str) -> str:
    """The translated label of a slug; a slug added to the configuration without one shows as itself."""
    return table.get(slug, slug)


def value_label(slug: str) -> str:
    entry = VALUES.get(slug)
    return entry[0] if entry else slug


def value_meaning(slug: str) -> str:
    entry = VALUES.get(slug)
    return entry[1] if entry else ""
