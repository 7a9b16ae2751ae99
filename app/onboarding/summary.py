"""What the check page and the status page show: the applicant's answers as (label, value, section) rows,
and the saved answers put back into each step's form (back and forward never lose what was typed)."""

from __future__ import annotations

from decimal import Decimal

from babel import Locale
from flask import current_app
from flask_babel import gettext as _

from app import regions
from app.i18n import current_language
from app.models import Application
from app.onboarding import labels
from app.onboarding.validation import display_domain


def dues_choice(application: Application) -> dict:
    c = application.commitment
    if c is None:
        return {}
    if c.waiver_requested:
        return {"dues": "waiver", "waiver_reason": c.waiver_reason, "other_currency": c.dues_currency}
    amount = c.dues_amount or Decimal(0)
    tier = f"{c.dues_currency}:{int(amount)}" if amount == int(amount) else None
    return {"dues": tier, "other_amount": amount, "other_currency": c.dues_currency}


def commitments_data(application: Application) -> dict:
    c = application.commitment
    if c is None:
        return {}
    return {**dues_choice(application), "hours_per_month": c.hours_per_month, "working_groups": c.working_groups,
            "work_reason": c.work_reason, "movements": application.movements,
            "movements_other": application.movements_other}


def why_data(application: Application) -> dict:
    m = application.motivation
    if m is None:
        return {}
    return {"values": m.values, "hopes": m.hopes, "came_from": m.came_from, "came_from_other": m.came_from_other,
            "wants_conversation": "yes" if m.wants_conversation else "no",
            "conversation_language": m.conversation_language, "conversation_medium": m.conversation_medium,
            "phone": m.phone, "availability": m.availability}


def conversation_text(motivation) -> str:
    """"Yes, in Spanish, by phone" or "Not now": the wish as the applicant and the reviewer read it."""
    if motivation is None or not motivation.wants_conversation:
        return _("Not now")
    language = {"en": "English", "es": "Español"}.get(motivation.conversation_language or "", "")
    medium = str(labels.CONVERSATION_MEDIUMS.get(motivation.conversation_medium or "", ""))
    return _("Yes: %(language)s, %(medium)s", language=language, medium=medium.lower())


def came_from_text(motivation) -> str:
    if motivation is None or not motivation.came_from:
        return ""
    if motivation.came_from == "other":
        return motivation.came_from_other or str(labels.CAME_FROM["other"])
    return str(labels.label(labels.CAME_FROM, motivation.came_from))


def why_rows(application: Application) -> list[tuple[str, object, str]]:
    m = application.motivation
    rows = [
        (_("Values that move you"), [str(labels.value_label(v)) for v in (m.values if m else [])], "why"),
        (_("What you hope to do"), (m.hopes if m else None) or _("Not answered"), "why"),
        (_("How you heard about us"), came_from_text(m), "why"),
        (_("Welcome conversation"), conversation_text(m), "why"),
    ]
    if m and m.wants_conversation:
        if m.phone:
            rows.append((_("Phone number"), m.phone, "why"))
        rows.append((_("When you are usually free"), m.availability or _("Not answered"), "why"))
    return rows


def services_data(application: Application) -> dict:
    data: dict = {"username": application.username, "mailboxes": []}
    for request in application.service_requests:
        if request.kind == "hosting":
            data.update(want_hosting=True, hosting_domain=display_domain(request.params.get("domain", "")))
        elif request.kind == "email":
            domain = request.params.get("domain", "")
            # The cooperative's domain was a choice, not a domain they typed: reopen it as that choice.
            coop = domain == str(current_app.config["MEMBER_MAIL_DOMAIN"]).lower()
            data.update(want_email=True, email_domain_choice="coop" if coop else "own",
                        email_domain="" if coop else display_domain(domain),
                        mailboxes=request.params.get("mailboxes", []))
        elif request.kind == "drupal":
            data["want_drupal"] = True
    return data


def _dues_text(application: Application) -> str:
    c = application.commitment
    if c is None:
        return ""
    if c.waiver_requested:
        return _("Waiver requested: %(reason)s", reason=c.waiver_reason or "")
    return str(labels.dues_label(f"{c.dues_amount:,.2f}".removesuffix(".00"), c.dues_currency))


def _services_text(application: Application) -> list[str]:
    out = []
    for request in application.service_requests:
        kind = str(labels.SERVICES.get(request.kind, request.kind))
        if request.kind == "hosting":
            out.append(f"{kind}: {display_domain(request.params.get('domain', ''))}")
        elif request.kind == "email":
            domain = display_domain(request.params.get("domain", ""))
            addresses = ", ".join(f"{m['local']}@{domain}" for m in request.params.get("mailboxes", []))
            out.append(f"{kind}: {addresses}")
        else:
            out.append(kind)
    return out or [_("No services")]


def rows(application: Application) -> list[tuple[str, object, str]]:
    """(label, value, section); a list value is shown as lines."""
    about = [
        (_("Email address"), application.email, "about"),
        (_("Name"), application.full_name, "about"),
        (_("Joining as"), str(labels.KINDS.get(application.kind, application.kind)), "about"),
    ]
    if application.kind == "organisation":
        about += [(_("Organisation name"), application.organisation_name or "", "about"),
                  (_("Contact person"), application.contact_person or "", "about"),
                  (_("Size"), str(labels.SIZES.get(application.organisation_size or "", "")), "about")]
    about += [(_("Country"), Locale.parse(current_language()).territories.get(application.country, application.country),
               "about"),
              (_("State or region"), regions.name(application.region) or _("Not given"), "about"),
              (_("Language"), {"en": "English", "es": "Español"}.get(application.language, ""), "about")]
    documents = [(str(labels.SECTIONS[k]), _("Accepted"), k) for k in ("unity", "agreement", "intentionality")]
    c = application.commitment
    commitments = [
        (_("Monthly dues"), _dues_text(application), "commitments"),
        (_("Hours of work a month"), str(c.hours_per_month) if c else "", "commitments"),
        (_("Working groups"), [str(labels.label(labels.WORKING_GROUPS, g)) for g in (c.working_groups if c else [])]
         or _("None"), "commitments"),
        *([(_("Why you cannot give this now"), c.work_reason, "commitments")] if c and c.work_reason else []),
        (_("Movements"), [str(labels.label(labels.MOVEMENTS, m)) for m in application.movements or []]
         + ([application.movements_other] if application.movements_other else []), "commitments"),
    ]
    services = [(_("Username"), application.username or "", "services"),
                (_("Services"), _services_text(application), "services")]
    return about + documents + why_rows(application) + commitments + services
