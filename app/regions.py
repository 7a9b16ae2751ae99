"""Regions (ISO 3166-2 subdivisions: states, estados, provinces) from pycountry, named in the reader's language.

pycountry names most subdivisions in their own country's language (Mexico's estados in Spanish) and ships
a gettext catalogue (iso3166-2) with other languages' names where they differ ("New York" → "Nueva York").
A name with no Spanish entry stays the library's own name. The data is the library's, the same for every
request: the lookups below are cached per language, like the country list (app/onboarding/forms.py).
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from app.i18n import LANGUAGES, current_language
from app.refusals import Refused

# The longest code pycountry has is six characters ("MX-CMX", "GB-ENG"); a typed answer longer than this
# cannot be a region's name (the longest is 51 characters) and gets a length message instead.
MAX_TYPED = 100
CODE = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")


class RegionRefused(Refused):
    """Why a typed region was not taken: `unknown` (no region of the country has that name or code), or
    `other_country` (it names a region of another country: details hold its code)."""


# What people write that is neither the ISO name nor its code: the names organisers use every day. Only
# looked up for the region's own country ("DF" in Mexico; nowhere else). Short forms of long names
# ("Veracruz") need no entry: a unique start of a name is taken already.
ALIASES = {
    "MX-CMX": ("CDMX", "DF", "Distrito Federal", "Ciudad de México CDMX", "Mexico City"),
    "MX-MEX": ("Estado de México", "Edomex", "Edo. Méx.", "Edo Mex", "State of Mexico"),
    "US-DC": ("Washington DC", "Washington D.C.", "D.C."),
}


@dataclass(frozen=True)
class Region:
    code: str  # "MX-OAX"
    name: str  # in the language asked for


@lru_cache(maxsize=len(LANGUAGES))
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _fold(text: str) -> str:
    """Compared without case, accents or extra spaces: "  michoacan " finds "Michoacán de Ocampo"'s start."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("-", " ").split())


@lru_cache(maxsize=512)
def _of_country(country: str, language: str) -> tuple[Region, ...]:
    found = pycountry.subdivisions.get(country_code=country) if _is_country(country) else None
    translate = _catalogue(language).gettext
    return tuple(sorted((Region(s.code, translate(s.name)) for s in found or ()), key=lambda r: _fold(r.name)))


def _is_country(country: str) -> bool:
    return len(country) == 2 and country.isascii() and country.isalpha() and country.isupper()


def of_country(country: str | None, language: str | None = None) -> tuple[Region, ...]:
    """The country's regions in the page's language, by name; none for an unknown or empty country."""
    return _of_country(country or "", language or current_language())


def name(code: str | None, language: str | None = None) -> str:
    """A stored code's name in the page's language ("" for none; the code itself if the library lost it)."""
    if not code:
        return ""
    country = code.split("-", 1)[0]
    return next((r.name for r in of_country(country, language) if r.code == code), code)


@lru_cache(maxsize=256)
def _keys(country: str) -> dict[str, frozenset[str]]:
    """Every way to write a region of the country, folded → the codes it may mean: the code ("MX-OAX"),
    the code without its country ("OAX"), the name in each of our languages, and its ALIASES."""
    keys: dict[str, set[str]] = {}
    for language in LANGUAGES:
        for region in _of_country(country, language):
            for key in (region.code, region.code.split("-", 1)[1], region.name, *ALIASES.get(region.code, ())):
                keys.setdefault(_fold(key), set()).add(region.code)
    return {key: frozenset(codes) for key, codes in keys.items()}


def _matches(country: str, folded: str) -> frozenset[str]:
    keys = _keys(country)
    if folded in keys:
        return keys[folded]
    # "Coahuila" for "Coahuila de Zaragoza", "Veracruz" for "Veracruz de Ignacio de la Llave": a typed
    # name that starts exactly one region's name, at a word boundary.
    starts = frozenset(code for key, codes in keys.items() if key.startswith(folded + " ") for code in codes)
    return starts if len(folded) >= 4 else frozenset()


def find(country: str, typed: str) -> str:
    """The code of the country's region the person typed (its name in English or Spanish, or its code),
    or RegionRefused. Whatever was typed is only compared, never stored."""
    folded = _fold(typed)
    codes = _matches(country, folded) if folded and _is_country(country) else frozenset()
    if len(codes) == 1:
        return next(iter(codes))
    if not codes:
        elsewhere = _other_country(typed)
        if elsewhere:
            raise RegionRefused("other_country", region=elsewhere)
    raise RegionRefused("unknown")


def _other_country(typed: str) -> str | None:
    # Only a written code ("US-CA") says for sure which country a region is in; names repeat across the world.
    code = typed.strip().upper()
    if not CODE.fullmatch(code):
        return None
    return code if pycountry.subdivisions.get(code=code) is not None else None


def is_region_of(code: str, country: str) -> bool:
    return code.startswith(country + "-") and any(r.code == code for r in of_country(country, "en"))
