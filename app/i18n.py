"""Language choice: the person's explicit choice (kept in the session), then Accept-Language."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from babel.numbers import format_decimal
from flask import Flask, request, session
from flask_babel import format_date, get_locale

LANGUAGES = {"en": "English", "es": "Español"}


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES), default="en")


def current_language() -> str:
    return str(get_locale() or "en")


def switch_url(language: str) -> str:
    """The current page in another language: same path and query, with lang= set."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [language]
    return f"{request.path}?{urlencode(args, doseq=True)}"


def _remember_choice() -> None:
    # ?lang=xx on any page switches language and keeps the person where they are.
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen


def fresh_session() -> None:
    """Empty the cookie session on sign-in and sign-out (nothing from before, e.g. a planted session,
    carries over), keeping only the person's language choice."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def long_date(value) -> str:
    """"1 December 2026" / "1 de diciembre de 2026", in the language being rendered (pages and emails):
    what people read; staff tables keep ISO dates."""
    return format_date(value, format="long") if value is not None else "—"


# Numbers are written as in the US and in Mexico (1,250.00 in both): Spanish here is Mexican and US Latino
# Spanish, not Spain's 1.250,00.
NUMBER_LOCALES = {"en": "en_US", "es": "es_MX"}


def money(amount_minor: int | None, currency: str) -> str:
    """An amount kept in minor units (cents, centavos), never through a float, with its ISO code after it:
    "1,250.00 MXN". A "$" alone would be ambiguous here, where it means pesos to some and dollars to others."""
    if amount_minor is None:
        return "—"
    number = format_decimal(Decimal(amount_minor) / 100, format="#,##0.00", locale=NUMBER_LOCALES[current_language()])
    return f"{number}\u00a0{currency}"


def init_app(app: Flask) -> None:
    app.before_request(_remember_choice)
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(money, "money")

    @app.context_processor
    def _language_context() -> dict:
        language = current_language()
        other = "es" if language == "en" else "en"
        return {
            "current_language": language,
            "other_language": other,
            "other_language_name": LANGUAGES[other],
            "switch_url": switch_url,
        }
