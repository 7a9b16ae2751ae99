"""The leadership view's tables: what each counts, how its rows are labelled, and the protected figures.

One list (TABLES) feeds the page, its SVG charts and the CSV exports, so the three always agree.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from babel import Locale
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import labels, regions
from app.i18n import LANGUAGES, current_language
from app.leadership import queries
from app.leadership.suppression import Cell, protect, protect_rows, rounded, threshold
from app.models import utcnow
from app.onboarding.sections import ORDER

KINDS = {"individual": _l("Individuals"), "organisation": _l("Organisations")}
HOURS = {"0": _l("None for now"), "1-4": _l("1 to 4 hours"), "5-10": _l("5 to 10 hours"), "11+": _l("11 hours or more")}
STANDINGS = {"current": _l("Up to date"), "waived": _l("Waived"), "due_soon": _l("Due soon"),
             "grace": _l("In the grace period"), "at_risk": _l("At risk"), "suspended": _l("Suspended"),
             "none": _l("No dues account yet")}
AGES = {"under-1": _l("Less than a year"), "1-2": _l("1 to 2 years"), "2-5": _l("2 to 5 years"),
        "5+": _l("5 years or more")}


def _country(code: str) -> str:
    return Locale.parse(current_language()).territories.get(code, code)


def _region(code: str) -> str:
    """"Mexico — Oaxaca"; the members who gave no region in one row."""
    if code == queries.NO_REGION:
        return _("Region not given")
    return f"{_country(code[:2])} — {regions.name(code)}"


def _language(code: str) -> str:
    return Locale.parse(code).get_display_name(current_language()) if code in LANGUAGES else code


def _came_from(slug: str) -> str:
    if slug == queries.NOT_ANSWERED:
        return _("Not asked: joined before the question")
    return labels.label(labels.CAME_FROM, slug)


@dataclass(frozen=True)
class Table:
    slug: str
    title: object  # a lazy string
    count: Callable[[queries.Filters], dict[str, int]]
    label: Callable[[str], str]
    partition: bool  # each member in exactly one row: a total is shown and protected with the rows
    order: tuple[str, ...] = ()  # fixed row order (buckets); otherwise largest first

    def rows(self, filters: queries.Filters) -> list[tuple[str, str, Cell]]:
        counts = self.count(filters)
        keys = list(self.order) if self.order else sorted(counts, key=lambda k: (-counts[k], k))
        cells = protect_rows({k: counts.get(k, 0) for k in keys}, partition=self.partition)
        return [(key, str(self.label(key)), cells[key]) for key in keys]


TABLES = [
    Table("movements", _l("Movements members are active in"), queries.by_movement,
          lambda k: labels.label(labels.MOVEMENTS, k), partition=False),
    Table("working-groups", _l("Working groups members want to join"), queries.by_working_group,
          lambda k: labels.label(labels.WORKING_GROUPS, k), partition=False),
    Table("values", _l("The values that moved them to join"), queries.by_value, labels.value_label,
          partition=False),
    Table("came-from", _l("How they heard about the cooperative"), queries.by_came_from, _came_from,
          partition=True),
    Table("countries", _l("Countries"), queries.by_country, _country, partition=True),
    Table("regions", _l("States and regions"), queries.by_region, _region, partition=True),
    Table("languages", _l("Language they joined in"), queries.by_language, _language, partition=True),
    Table("kinds", _l("Individuals and organisations"), queries.by_kind, lambda k: KINDS.get(k, k), partition=True,
          order=tuple(KINDS)),
    Table("hours", _l("Hours of work pledged a month"), queries.by_hours, lambda k: HOURS.get(k, k), partition=True,
          order=queries.HOUR_BUCKETS),
    Table("membership-age", _l("Time in the cooperative"), queries.by_membership_age, lambda k: AGES.get(k, k),
          partition=True, order=queries.AGE_BUCKETS),
    Table("dues-standing", _l("Where members stand on dues"), queries.by_dues_standing,
          lambda k: STANDINGS.get(k, k), partition=True, order=tuple(STANDINGS)),
]
BY_SLUG = {t.slug: t for t in TABLES}


def summary(filters: queries.Filters) -> dict[str, Cell]:
    members = protect(queries.total(filters))
    # Hours are a sum over people: shown (rounded) only for a group large enough to be shown itself.
    hours = Cell(None) if members.suppressed else Cell(rounded(queries.hours_pledged(filters)))
    return {"members": members, "hours": hours}


def month_name(month: str) -> str:
    """"2026-03" → "March 2026" / "marzo 2026"."""
    return format_date(date(int(month[:4]), int(month[5:]), 1), "LLLL y")


def monthly(filters: queries.Filters) -> list[tuple[str, Cell, Cell]]:
    joined, left = queries.joins_and_departures(filters)
    return [(month_name(month), protect(joined[month]), protect(left[month])) for month in queries.months()]


# The wizard's steps as the applicant sees them, in order (app/onboarding/sections.py holds the order).
FUNNEL = {"started": _l("Started an application"), "verified": _l("Confirmed their email address"),
          "about": _l("Told us about themselves"), "unity": _l("Accepted the Statement of Unity"),
          "agreement": _l("Accepted the Membership Agreement"),
          "intentionality": _l("Accepted the Statement of Intentionality"),
          "why": _l("Said why they are joining"),
          "commitments": _l("Stated their commitments"), "services": _l("Chose their services"),
          "submitted": _l("Sent the application"), "approved": _l("Approved")}


def funnel(filters: queries.Filters, days: int = 365) -> list[tuple[str, Cell]]:
    since = utcnow() - timedelta(days=days)
    counts = queries.funnel(filters, ORDER, since)
    return [(str(FUNNEL[step]), protect(count)) for step, count in counts.items()]


def decision_median(filters: queries.Filters, days: int = 365) -> Cell:
    """Median days from sending to decision, only over enough decisions that no one's can be told."""
    spans = queries.decision_days(filters, utcnow() - timedelta(days=days))
    if len(spans) < threshold():
        return Cell(None, small=True)
    return Cell(round(statistics.median(spans)))


def dues(filters: queries.Filters) -> list[tuple[str, Cell, Cell]]:
    """Per currency: members pledging, and the monthly total pledged (hidden with a small group)."""
    rows = []
    for currency, (count, amount) in sorted(queries.dues_pledged(filters).items()):
        members = protect(count)
        rows.append((currency, members, Cell(None, small=True) if members.suppressed else Cell(rounded(amount))))
    return rows


def waivers(filters: queries.Filters) -> Cell:
    return protect(queries.waivers(filters))


def received(filters: queries.Filters) -> list[tuple[str, str, Cell, Cell]]:
    """Per month and currency: members who paid, and what they paid in all (whole units, rounded to the
    nearest ROUND_TO, and hidden with a small group: a sum over a few people tells what each paid)."""
    rows = []
    for row in queries.dues_received(filters, utcnow().date()):
        payers = protect(row.payers)
        amount = Cell(None, small=True) if payers.suppressed else Cell(rounded(row.amount_minor // 100))
        rows.append((month_name(row.month), row.currency, payers, amount))
    return rows


CAMPAIGN_STATES = ("accepted", "concerns", "open")


def consent(filters: queries.Filters) -> list[tuple[str, object, dict[str, Cell]]]:
    """The latest re-consent campaigns: each one's answers, a partition of the members asked."""
    out = []
    for kind, version, opened_at, counts in queries.consent_progress(filters):
        cells = protect_rows({state: counts.get(state, 0) for state in CAMPAIGN_STATES}, partition=True)
        out.append((_("%(document)s, version %(version)s", document=labels.label(labels.DOCUMENTS, kind),
                      version=version), opened_at, cells))
    return out
