"""Spanish translations: each area keeps its own PO file in app/translations/es/*.po (no merge fights);
`build` merges them into the catalogue Flask-Babel reads, `check` lists source strings with no translation.

    python scripts/translations.py build     # → app/translations/es/LC_MESSAGES/messages.mo
    python scripts/translations.py check     # exit 1 if any msgid in app/ or templates/ is untranslated
"""

from __future__ import annotations

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
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3), "lazy_ngettext": (1, 2)}


def merged() -> Catalog:
    catalog = Catalog(locale="es", domain="messages")
    for path in sorted(FRAGMENTS.glob("*.po")):
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
        return 1 if gaps else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
