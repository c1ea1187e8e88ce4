"""The pure PO reader and writer, the .mo compiler, and the checks a translation must pass (no database)."""

from __future__ import annotations

import gettext
import io

import pytest

from openipt.core.i18n import checks, po

SAMPLE = r'''# a header comment
msgid ""
msgstr ""
"Language: es\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

# unreviewed
#: openipt/portal/templates/portal/home.html:4
#, python-format
msgid "Hello, %(name)s"
msgstr "Hola, %(name)s"

msgctxt "month"
msgid "May"
msgstr "mayo"

msgid "%(n)s day"
msgid_plural "%(n)s days"
msgstr[0] "%(n)s día"
msgstr[1] "%(n)s días"

msgid ""
"A long line that "
"goes on with a \"quote\"\n"
msgstr "Una línea larga con una \"cita\"\n"

msgid "Not translated yet"
msgstr ""
'''


def _translations(catalogue: po.Catalogue) -> gettext.GNUTranslations:
    return gettext.GNUTranslations(io.BytesIO(po.compile_mo(catalogue)))


def test_a_catalogue_round_trips_through_python_gettext():
    catalogue = po.parse(SAMPLE, "sample.po")
    t = _translations(catalogue)
    assert t.gettext("Hello, %(name)s") == "Hola, %(name)s"
    assert t.pgettext("month", "May") == "mayo"
    assert t.gettext("May") == "May"  # the context matters
    assert t.ngettext("%(n)s day", "%(n)s days", 1) == "%(n)s día"
    assert t.ngettext("%(n)s day", "%(n)s days", 5) == "%(n)s días"
    assert t.gettext('A long line that goes on with a "quote"\n') == 'Una línea larga con una "cita"\n'
    assert t.gettext("Not translated yet") == "Not translated yet"  # left out of the .mo: English shows
    assert t.info()["language"] == "es"


def test_writing_and_reading_again_keeps_every_entry_and_the_unreviewed_mark():
    first = po.parse(SAMPLE, "sample.po")
    again = po.parse(po.dump(first), "again.po")
    assert [(e.msgctxt, e.msgid, e.msgstr, e.msgstr_plural) for e in again.entries] == \
        [(e.msgctxt, e.msgid, e.msgstr, e.msgstr_plural) for e in first.entries]
    assert again.find("Hello, %(name)s").unreviewed
    assert not again.find("May", "month").unreviewed
    assert again.nplurals == 2


def test_a_fuzzy_entry_is_not_compiled():
    catalogue = po.parse('msgid ""\nmsgstr ""\n\n#, fuzzy\nmsgid "Yes"\nmsgstr "No"\n', "f.po")
    assert _translations(catalogue).gettext("Yes") == "Yes"


@pytest.mark.parametrize("text, line, words", [
    ('msgid "a"\nmsgstr "b"\nmsgid "a"\nmsgstr "c"\n', 3, "appears twice"),
    ('msgid "a"\nmsgstr "b\n', 2, "cannot read"),
    ('msgid "a"\n', 1, "has no msgstr"),
    ('msgid "a"\nmsgstr[0] "b"\n', 2, "without msgid_plural"),
    ('msgid "a"\nmsgstr "b \\q"\n', 2, "unknown escape"),
    ('msgid "a"\nbogus\n', 2, "cannot read"),
])
def test_a_broken_catalogue_names_the_file_and_line(text, line, words):
    with pytest.raises(po.PoError) as caught:
        po.parse(text, "broken.po")
    assert caught.value.line == line and words in caught.value.problem
    assert str(caught.value).startswith(f"broken.po, line {line}:")


def _entry(msgid: str, msgstr: str = "", plural: str | None = None, forms: dict[int, str] | None = None) -> po.Entry:
    return po.Entry(msgid=msgid, msgstr=msgstr, msgid_plural=plural, msgstr_plural=forms or {})


def test_placeholders_and_tags_must_be_kept():
    assert checks.problems(_entry("Hello %(name)s", "Hola %(name)s"), 2) == []
    assert "missing %(name)s" in checks.problems(_entry("Hello %(name)s", "Hola"), 2)[0]
    assert "not in the English {x}" in checks.problems(_entry("{n} left", "{n} {x}"), 2)[0]
    assert checks.problems(_entry("<strong>Now</strong>", "Ahora"), 2) == ["msgstr: the HTML tags differ from the English"]
    assert checks.problems(_entry("50%% done", "50%% hecho"), 2) == []
    assert checks.problems(_entry("Untranslated"), 2) == []


def test_plural_forms_must_all_be_there():
    ok = _entry("%(n)s day", "", "%(n)s days", {0: "un día", 1: "%(n)s días"})
    assert checks.problems(ok, 2) == []
    short = _entry("%(n)s day", "", "%(n)s days", {0: "%(n)s día"})
    assert "needs 2 plural forms" in checks.problems(short, 2)[0]
    lost = _entry("%(n)s day", "", "%(n)s days", {0: "un día", 1: "días"})
    assert "missing %(n)s" in checks.problems(lost, 2)[0]
