"""Checks a translation must pass before it is used: the same placeholders, HTML tags and plural forms.

Pure: no Django. A translation that drops `%(name)s` breaks the page it is on (Python raises), and
one that drops or adds an HTML tag can break the layout or hide a link, so both are refused.
"""

from __future__ import annotations

import re
from collections import Counter

from openipt.core.i18n.po import Entry

PERCENT = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
BRACES = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*\}(?!\})")
TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^>]*>")


def placeholders(text: str) -> Counter[str]:
    """The `%(name)s`, `%s` and `{name}` placeholders in a text, counted (`%%` is a literal percent sign)."""
    found = [p for p in PERCENT.findall(text) if p != "%%"]
    return Counter(found + BRACES.findall(text))


def tags(text: str) -> Counter[str]:
    """The HTML tags in a text, by name and direction (opening or closing), counted."""
    return Counter(("/" if m.group(0).startswith("</") else "") + m.group(1).lower() for m in TAG.finditer(text))


def _compare(source: str, translation: str, label: str) -> list[str]:
    problems = []
    want, got = placeholders(source), placeholders(translation)
    named_only = all(p.startswith(("%(", "{")) for p in want)
    if (want != got) if not named_only else (set(want) != set(got)):
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        detail = "; ".join(x for x in (f"missing {', '.join(missing)}" if missing else "",
                                        f"not in the English {', '.join(extra)}" if extra else "") if x)
        problems.append(f"{label}: the placeholders differ from the English ({detail or 'a different count'})")
    if tags(source) != tags(translation):
        problems.append(f"{label}: the HTML tags differ from the English")
    return problems


def problems(entry: Entry, nplurals: int) -> list[str]:
    """What is wrong with an entry's translation (empty when it may be used). Untranslated is not wrong."""
    if entry.msgid_plural is None:
        if entry.msgstr_plural:
            return ["msgstr[n] given for a text without a plural"]
        return _compare(entry.msgid, entry.msgstr, "msgstr") if entry.msgstr else []
    if not any(entry.msgstr_plural.values()):
        return []
    found: list[str] = []
    expected = set(range(nplurals))
    if set(entry.msgstr_plural) != expected:
        found.append(f"needs {nplurals} plural forms (msgstr[0] to msgstr[{nplurals - 1}]), "
                     f"has {len(entry.msgstr_plural)}")
    for index, text in sorted(entry.msgstr_plural.items()):
        if not text:
            found.append(f"msgstr[{index}] is empty")
            continue
        # The singular form may leave out the number ("one day"); the others must keep every placeholder.
        source = entry.msgid if index == 0 and nplurals > 1 else entry.msgid_plural
        issues = _compare(source, text, f"msgstr[{index}]")
        if index == 0 or nplurals == 1:
            issues = [i for i in issues if "HTML" in i or "not in the English" in i]
        found += issues
    return found
