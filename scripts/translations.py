"""Spanish translations: each area keeps its own PO file in app/translations/es/*.po (no merge fights);
`build` merges them into the catalogue Flask-Babel reads, `check` lists source strings with no translation,
msgids translated differently in two files (the merge would keep one silently) and files whose
Plural-Forms header differs from the merged catalogue's (their plurals would stay English).

    python scripts/translations.py build     # → app/translations/es/LC_MESSAGES/messages.mo
    python scripts/translations.py check     # exit 1 if any msgid in app/ or templates/ is untranslated
"""

from __future__ import annotations

import re
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
FRAGMENTS = ROOT / "app" / "translations" / "es"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3),
            "lazy_ngettext": (1, 2)}


def fragments(base: Path = FRAGMENTS) -> list[tuple[Path, Catalog]]:
    out = []
    for path in sorted(base.glob("*.po")):
        with path.open("rb") as f:
            out.append((path, read_po(f, locale="es")))
    return out


def conflicts(base: Path = FRAGMENTS) -> list[str]:
    """A msgid (with its context) translated differently in two files: the merge must not pick one silently."""
    seen: dict[tuple, tuple[str, object]] = {}
    problems = []
    for path, fragment in fragments(base):
        for message in fragment:
            if not message.id or not message.string:
                continue
            key = (message.context, message.id)
            if key in seen and seen[key][1] != message.string:
                problems.append(f"{path.name}: {message.id!r} translated differently in {seen[key][0]}")
            seen.setdefault(key, (path.name, message.string))
    return problems


def plural_mismatches(base: Path = FRAGMENTS) -> list[str]:
    """Every file must declare the Plural-Forms the merged catalogue uses, or its plural entries are dropped."""
    expected = Catalog(locale="es").plural_forms
    problems = []
    for path, _fragment in fragments(base):
        header = next((line for line in path.read_text(encoding="utf-8").splitlines()
                       if line.startswith('"Plural-Forms:')), None)
        if header is not None and expected not in header:
            problems.append(f"{path.name}: Plural-Forms differs from {expected!r}")
    return problems


GLOSSARY = ROOT / "app" / "translations" / "GLOSSARY.tsv"
VOICE_SOURCES = ("app/translations/es/*.po", "documents/**/*", "templates/mail/**/*")


def glossary() -> list[tuple[str, str, list[str]]]:
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("en\t"):
            continue
        en, es, forbidden, _reason = line.split("\t", 3)
        rows.append((en, es, [v.strip() for v in forbidden.split("|") if v.strip()]))
    return rows


def voice_problems(root: Path = ROOT) -> list[str]:
    """Forbidden Spanish variants from the glossary, anywhere Spanish text lives."""
    problems = []
    terms = glossary()
    for pattern in VOICE_SOURCES:
        for path in sorted(root.glob(pattern)):
            if not path.is_file() or path.suffix == ".mo":
                continue
            text = path.read_text(encoding="utf-8", errors="replace").lower()
            for en, es, forbidden in terms:
                for variant in forbidden:
                    if re.search(rf"\b{re.escape(variant.lower())}\b", text):
                        problems.append(f"{path.relative_to(root)}: {variant!r} — glossary says {es!r} for {en!r}")
    return problems


def merged(base: Path = FRAGMENTS) -> Catalog:
    catalog = Catalog(locale="es", domain="messages")
    for path in sorted(base.glob("*.po")):
        with path.open("rb") as f:
            fragment = read_po(f, locale="es")
        for message in fragment:
            if message.id and message.string:
                catalog[message.id] = message
    return catalog


def source_ids() -> dict[str, str]:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[str, str] = {}
    for dirname in ("app", "templates"):
        base = ROOT / dirname
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            base, method_map=[(p.removeprefix(f"{dirname}/"), m) for p, m in method_map if p.startswith(dirname)],
            options_map={k.removeprefix(f"{dirname}/"): v for k, v in options_map.items()}, keywords=KEYWORDS,
        ):
            key = message[0] if isinstance(message, tuple) else message
            found.setdefault(key, f"{dirname}/{filename}")
    return found


# Spanish that is spelled as the English: units, names, and words Spanish took as they are (Plan, Error).
# Anything else equal to its msgid was most likely left untranslated.
SAME_IN_SPANISH = {"%(d)d d %(h)d h", "%(h)d h %(m)d min", "%(m)d min %(s)d s", "%(n).1f s", "%(s)d s", "Error",
                   "Error:", "Playbook", "Tokens", "Worker", "Workers", "no", "PayPal", "Plan", "Drupal",
                   # The leadership asked for these two values to stay in Spanish in the English text.
                   "Compañerismo", "Buen vivir"}


def untranslated_copies(base: Path = FRAGMENTS) -> list[str]:
    """msgids whose Spanish is the English text itself, outside the few that are the same in both."""
    return sorted(m.id for m in merged(base) if isinstance(m.id, str) and m.id == m.string
                  and m.id not in SAME_IN_SPANISH)


def build() -> None:
    catalog = merged()
    out = FRAGMENTS / "LC_MESSAGES"
    out.mkdir(exist_ok=True)
    buf = BytesIO()
    write_mo(buf, catalog)
    (out / "messages.mo").write_bytes(buf.getvalue())


def missing() -> list[tuple[str, str]]:
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in merged() if m.id}
    return [(mid, where) for mid, where in sorted(source_ids().items()) if mid not in have]


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "build"
    if command == "build":
        build()
        return 0
    if command == "check":
        gaps = missing()
        for mid, where in gaps:
            print(f"{where}: {mid!r}")
        print(f"{len(gaps)} untranslated")
        problems = conflicts() + plural_mismatches() + voice_problems() + [
            f"left in English: {mid!r}" for mid in untranslated_copies()]
        for problem in problems:
            print(problem)
        return 1 if gaps or problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
