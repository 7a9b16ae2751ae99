"""The leadership view: one page of tables with SVG charts, filters in the query string, CSV per table."""

from __future__ import annotations

import csv
import io
import re

from flask import Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app import audit, params, regions
from app.auth.access import Role, role_required
from app.extensions import db
from app.i18n import LANGUAGES
from app.leadership import bp, queries, tables
from app.leadership.suppression import ROUND_TO, threshold
from app.leadership.suppression import display as shown

COUNTRY = re.compile(r"[A-Z]{2}")


def _filters() -> queries.Filters:
    """The query string's filters, each checked against what it can be; anything else is a 400 (app/params)."""
    args = request.args
    country = (args.get("country") or "").strip().upper() or None
    if country and not COUNTRY.fullmatch(country):
        raise params.BadParameter("invalid", "country")
    region = (args.get("region") or "").strip().upper() or None
    if region:
        # A known region's code, of the country chosen if one is (which it then implies).
        if not regions.CODE.fullmatch(region) or not regions.is_region_of(region, country or region[:2]):
            raise params.BadParameter("invalid", "region")
        country = region[:2]
    language = params.choice((args.get("language") or "").strip(), "language", LANGUAGES)
    kind = params.choice((args.get("kind") or "").strip(), "kind", tables.KINDS)
    joined_from = params.month((args.get("from") or "").strip(), "from")
    joined_until = params.month((args.get("until") or "").strip(), "until")
    if joined_from and joined_until and joined_until < joined_from:
        raise params.BadParameter("bad_range", "until")
    return queries.Filters(country=country, region=region, language=language, kind=kind, joined_from=joined_from,
                           joined_until=joined_until)


@bp.get("/")
@role_required(Role.LEADERSHIP)
def overview():
    filters = _filters()
    sections = [(table, table.rows(filters)) for table in tables.TABLES]
    return render_template("leadership/overview.html", filters=filters, sections=sections,
                           summary=tables.summary(filters), monthly=tables.monthly(filters), shown=shown,
                           funnel=tables.funnel(filters), decision_days=tables.decision_median(filters),
                           dues=tables.dues(filters), waivers=tables.waivers(filters),
                           received=tables.received(filters), consent=tables.consent(filters),
                           threshold=threshold(), round_to=ROUND_TO, languages=LANGUAGES, kinds=tables.KINDS,
                           cache_minutes=max(0, int(current_app.config["LEADERSHIP_CACHE_SECONDS"])) // 60)


def _safe_cell(value: str) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula: never let one through.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@bp.get("/<slug>.csv")
@role_required(Role.LEADERSHIP)
def export(slug: str):
    table = tables.BY_SLUG.get(slug)
    if table is None:
        abort(404)
    filters = _filters()
    rows = table.rows(filters)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(table.title), _("Members")])
    for _key, label, cell in rows:
        writer.writerow([_safe_cell(label), shown(cell)])
    audit.record(current_user.uid, "leadership.exported", f"leadership:{slug}", {"filters": filters.args()})
    db.session.commit()
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="alta-{slug}.csv"'})
