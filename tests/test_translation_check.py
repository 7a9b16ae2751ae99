"""The catalogue check fails on each defect planted in a temporary copy of the Spanish PO files,
and passes on the real catalogue."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("translations", ROOT / "scripts" / "translations.py")
translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translations)


def _copy(tmp_path: Path) -> Path:
    base = tmp_path / "es"
    base.mkdir()
    for path in translations.FRAGMENTS.glob("*.po"):
        shutil.copy(path, base / path.name)
    return base


def test_real_catalogue_has_no_conflicts_or_plural_mismatches():
    assert translations.conflicts() == []
    assert translations.plural_mismatches() == []


def test_conflicting_translation_across_files_fails(tmp_path):
    base = _copy(tmp_path)
    (base / "zz_planted.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Cancel"\nmsgstr "Abortar misión"\n', encoding="utf-8")
    (base / "aa_planted.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Cancel"\nmsgstr "Cancelar"\n', encoding="utf-8")
    problems = translations.conflicts(base)
    assert any("'Cancel'" in p for p in problems)


def test_plural_form_mismatch_fails(tmp_path):
    base = _copy(tmp_path)
    (base / "zz_planted.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n', encoding="utf-8")
    if "nplurals=2; plural=(n != 1)" in translations.Catalog(locale="es").plural_forms:
        (base / "zz_planted.po").write_text(
            'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=1; plural=0;\\n"\n', encoding="utf-8")
    assert any("zz_planted.po" in p for p in translations.plural_mismatches(base))


def test_spanish_plurals_are_translated_in_the_merged_catalogue():
    catalog = translations.merged()
    message = catalog.get("%(num)d day")
    assert message is not None and len(message.string) == catalog.num_plurals
    assert all(s.endswith(("día", "días")) for s in message.string)


def test_real_catalogue_documents_and_mail_follow_the_glossary():
    assert translations.voice_problems() == []


def test_forbidden_glossary_variant_fails(tmp_path):
    po = tmp_path / "app" / "translations" / "es"
    po.mkdir(parents=True)
    (po / "planted.po").write_text('msgid "Join"\nmsgstr "Únete para unirte"\n', encoding="utf-8")
    assert any("'unirte'" in p for p in translations.voice_problems(tmp_path))


def test_a_spanish_text_left_equal_to_its_english_fails(tmp_path):
    assert translations.untranslated_copies() == []
    base = _copy(tmp_path)
    with (base / "dues.po").open("a", encoding="utf-8") as f:
        f.write('\nmsgid "Bank transfer, planted"\nmsgstr "Bank transfer, planted"\n')
    assert translations.untranslated_copies(base) == ["Bank transfer, planted"]


def test_one_english_word_with_two_meanings_has_two_spanish_ones(app):
    """"Health" is a movement and the console's page: a message context keeps them apart."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from app import labels

    with app.test_request_context(), force_locale("es"):
        assert str(labels.MOVEMENTS["health"]) == "Salud"
        assert _("Health") == "Estado del sistema"
