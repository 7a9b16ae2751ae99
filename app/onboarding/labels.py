"""Translated labels for the configuration's slugs (movements, working groups, sizes, states)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KINDS = {"individual": _l("A person"), "organisation": _l("An organisation")}

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
    "education": _l("Education"), "health": _l("Health"), "anti-war": _l("Anti-war and anti-militarism"),
}

SECTIONS = {
    "about": _l("About you"), "unity": _l("Statement of Unity"), "agreement": _l("Membership Agreement"),
    "intentionality": _l("Statement of Intentionality"), "commitments": _l("Your commitments"),
    "services": _l("Services you need"), "check": _l("Check and send your application"),
}

SECTION_STATES = {"done": _l("Done"), "in-progress": _l("In progress"), "not-started": _l("Not started"),
                  "locked": _l("Cannot start yet")}

APPLICATION_STATES = {
    "draft": _l("Not sent yet"), "submitted": _l("Sent: waiting for review"),
    "needs_info": _l("We need more information"), "approved": _l("Approved"), "rejected": _l("Not accepted"),
    "withdrawn": _l("Withdrawn"),
}

SERVICE_KINDS = {"hosting": _l("Web hosting"), "email": _l("Email"), "drupal": _l("Drupal account")}

SERVICE_STATES = {"requested": _l("Requested"), "queued": _l("Being set up"), "active": _l("Ready"),
                  "failed": _l("Delayed: our team is on it"), "disabled": _l("Disabled")}


def label(table: dict, slug: str) -> str:
    """The translated label of a slug; a slug added to the configuration without one shows as itself."""
    return table.get(slug, slug)


def dues_label(amount: int | float | str, currency: str) -> str:
    return _l("$%(amount)s %(currency)s a month", amount=amount, currency=currency)
