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


def label(table: dict, slug: str) -> str:
    """The translated label of a slug; a slug added to the configuration without one shows as itself."""
    return table.get(slug, slug)
