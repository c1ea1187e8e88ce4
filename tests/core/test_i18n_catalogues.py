"""The committed catalogues, import validation (all or nothing), and the portal's Spanish coverage (no database).

The coverage rule (docs/guides/languages.md): every string marked in the client portal templates listed below
has a Spanish translation in the committed catalogue, and the committed .mo matches the .po.
"""

from __future__ import annotations

import shutil

import pytest

from openipt.core.i18n import catalogues, extract, po

# What the Spanish client portal uses: its home, the page frame, the help and safety pages, the client
# banner and the panels on the home. A new marked string in one of these must be translated to pass.
PORTAL_TEMPLATES = [
    "openipt/portal/templates/portal/home.html",
    "openipt/templates/base.html",
    "openipt/safety/templates/safety/_client_banner.html",
    "openipt/safety/templates/safety/help.html",
    "openipt/safety/templates/safety/support.html",
    "openipt/safety/templates/safety/_crisis_contacts.html",
    "openipt/safety/templates/safety/_portal_help.html",
    "openipt/safety/templates/safety/_portal_panel.html",
    "openipt/measures/templates/measures/_portal_panel.html",
    "openipt/assessment/templates/assessment/_portal_panel.html",
    "openipt/couples/templates/couples/_portal_panel.html",
]


def test_every_portal_string_has_a_spanish_translation():
    es = catalogues.load("es")
    missing = []
    for rel in PORTAL_TEMPLATES:
        for found in extract.from_template((catalogues.ROOT / rel).read_text(encoding="utf-8"), rel):
            entry = es.find(found.msgid, found.msgctxt)
            if entry is None or not entry.translated:
                missing.append(f"{found.references[0]}: {found.msgid!r}")
    assert missing == [], "run `openipt i18n extract` and translate:\n" + "\n".join(missing)


def test_the_committed_mo_files_are_compiled_from_the_po_files():
    for lang in catalogues.LANGUAGES:
        path = catalogues.po_path(lang)
        assert path.with_suffix(".mo").read_bytes() == po.compile_mo(catalogues.load(lang)), f"run `openipt i18n compile` ({lang})"


@pytest.fixture
def locale(tmp_path):
    base = tmp_path / "locale"
    shutil.copytree(catalogues.LOCALE_DIR / "es", base / "es")
    return base


GOOD = 'msgid ""\nmsgstr "Language: es\\n"\n\nmsgid "Save"\nmsgstr "Guardar cambios"\n\n'


def test_an_import_applies_good_entries_and_marks_them_unreviewed(locale):
    assert catalogues.import_text(GOOD, "good.po", base=locale) == ("es", 1)
    entry = catalogues.load("es", locale).find("Save")
    assert entry is not None and entry.msgstr == "Guardar cambios" and entry.unreviewed


def test_one_bad_entry_refuses_the_whole_file_and_names_its_msgid(locale):
    bad = GOOD + 'msgid "Hello, %(name)s"\nmsgstr "Hola"\n'
    with pytest.raises(catalogues.ImportRefused) as caught:
        catalogues.import_text(bad, "bad.po", base=locale)
    assert "Hello, %(name)s" in str(caught.value) and "nothing was imported" in str(caught.value)
    assert catalogues.load("es", locale).find("Save").msgstr == "Guardar"  # the good entry was not applied either


def test_an_import_for_an_unknown_language_or_text_is_refused(locale):
    with pytest.raises(catalogues.ImportRefused, match="Language line"):
        catalogues.import_text('msgid ""\nmsgstr "Language: xx\\n"\n', "x.po", base=locale)
    with pytest.raises(catalogues.ImportRefused, match="not a text OpenIPT uses"):
        catalogues.import_text(GOOD.replace('"Save"', '"Not a string we use"'), "x.po", base=locale)
