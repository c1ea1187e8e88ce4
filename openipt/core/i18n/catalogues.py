"""The project's catalogues on disk: build them from the marked strings, compile, count, export, import.

`openipt i18n ...` runs these. Each language has `openipt/locale/<lang>/LC_MESSAGES/django.po` (the
text translators work on) and `django.mo` (what Django reads), both committed so a fresh checkout
needs no gettext tools. Every translation the project wrote itself carries the translator comment
`# unreviewed` until a reviewer signs it off; an import marks what it changes unreviewed too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from openipt.core.i18n import checks, extract, po

ROOT = Path(__file__).resolve().parents[3]
LOCALE_DIR = ROOT / "openipt" / "locale"
PLURAL_FORMS = {
    "es": "nplurals=2; plural=(n != 1);",
    "sw": "nplurals=2; plural=(n != 1);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
}
LANGUAGES = tuple(PLURAL_FORMS)


class ImportRefused(ValueError):
    """A file that cannot be imported; nothing of it was applied."""


def po_path(lang: str, base: Path = LOCALE_DIR) -> Path:
    return base / lang / "LC_MESSAGES" / "django.po"


def load(lang: str, base: Path = LOCALE_DIR) -> po.Catalogue:
    path = po_path(lang, base)
    if not path.exists():
        return po.Catalogue(header=po.header_for(lang, PLURAL_FORMS[lang]))
    return po.parse(path.read_text(encoding="utf-8"), str(path.relative_to(base.parent) if base == LOCALE_DIR else path))


def save(lang: str, catalogue: po.Catalogue, base: Path = LOCALE_DIR) -> None:
    """Write the PO file and its compiled .mo beside it."""
    path = po_path(lang, base)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(po.dump(catalogue), encoding="utf-8")
    path.with_suffix(".mo").write_bytes(po.compile_mo(catalogue))


def merge(catalogue: po.Catalogue, found: list[extract.Found]) -> po.Catalogue:
    """The catalogue for the strings found now: translations and comments kept, new strings empty, unused ones dropped."""
    entries = []
    known = {e.key: e for e in catalogue.entries}
    for item in found:
        old = known.get(item.key)
        # Files without line numbers, at most three: an edit elsewhere in a template does not churn every catalogue.
        files = list(dict.fromkeys(ref.rsplit(":", 1)[0] for ref in item.references))[:3]
        entry = po.Entry(msgid=item.msgid, msgctxt=item.msgctxt, msgid_plural=item.msgid_plural, references=files)
        if "%(" in item.msgid or (item.msgid_plural and "%(" in item.msgid_plural):
            entry.flags.append("python-format")
        if old is not None:
            entry.comments = old.comments
            if (old.msgid_plural is None) == (item.msgid_plural is None):
                entry.msgstr, entry.msgstr_plural = old.msgstr, old.msgstr_plural
            if old.fuzzy:
                entry.flags.append("fuzzy")
        if entry.msgid_plural is not None and not entry.msgstr_plural:
            entry.msgstr_plural = {i: "" for i in range(catalogue.nplurals)}
        entries.append(entry)
    return po.Catalogue(header=catalogue.header, entries=entries)


def extract_all(languages: tuple[str, ...] = LANGUAGES, base: Path = LOCALE_DIR) -> dict[str, int]:
    """Rebuild every language's catalogue from the marked strings; return how many entries each has."""
    found = extract.collect(ROOT)
    counts = {}
    for lang in languages:
        merged = merge(load(lang, base), found)
        save(lang, merged, base)
        counts[lang] = len(merged.entries)
    return counts


def compile_all(languages: tuple[str, ...] = LANGUAGES, base: Path = LOCALE_DIR) -> dict[str, int]:
    """Compile each PO file to .mo; return how many translations each .mo holds."""
    counts = {}
    for lang in languages:
        catalogue = load(lang, base)
        po_path(lang, base).with_suffix(".mo").write_bytes(po.compile_mo(catalogue))
        counts[lang] = sum(1 for e in catalogue.entries if e.translated and not e.fuzzy)
    return counts


@dataclass(frozen=True)
class Status:
    lang: str
    entries: int
    translated: int
    unreviewed: int
    missing: int


def status(lang: str, base: Path = LOCALE_DIR) -> Status:
    catalogue = load(lang, base)
    translated = [e for e in catalogue.entries if e.translated and not e.fuzzy]
    return Status(lang, len(catalogue.entries), len(translated), sum(1 for e in translated if e.unreviewed),
                  len(catalogue.entries) - len(translated))


def export(lang: str, *, missing: bool = False, unreviewed: bool = False, still_unreviewed: set[str] | None = None,
           base: Path = LOCALE_DIR) -> str:
    """A PO file for a translator: the whole catalogue, or only the missing and/or unreviewed entries.

    `still_unreviewed` (entry ids) narrows the unreviewed ones to those not signed off in the database.
    """
    catalogue = load(lang, base)
    entries = catalogue.entries

    def waiting(e: po.Entry) -> bool:
        return e.translated and e.unreviewed and (still_unreviewed is None or entry_id(e) in still_unreviewed)

    if missing or unreviewed:
        entries = [e for e in entries if (missing and (not e.translated or e.fuzzy)) or (unreviewed and waiting(e))]
    return po.dump(po.Catalogue(header=catalogue.header, entries=entries))


def language_of(catalogue: po.Catalogue) -> str:
    for line in catalogue.header.splitlines():
        if line.lower().startswith("language:"):
            return line.split(":", 1)[1].strip()
    return ""


def import_text(text: str, path: str, base: Path = LOCALE_DIR) -> tuple[str, int]:
    """Apply a translator's PO file: every entry is checked first, and one bad entry refuses the whole file.

    Returns (language, entries changed). Changed entries are marked unreviewed.
    """
    try:
        incoming = po.parse(text, path)
    except po.PoError as exc:
        raise ImportRefused(str(exc)) from exc
    lang = language_of(incoming)
    if lang not in LANGUAGES:
        raise ImportRefused(f"{path}: the header's Language line must name one of {', '.join(LANGUAGES)} "
                            f"(it says {lang or 'nothing'!r})")
    current = load(lang, base)
    nplurals = current.nplurals
    problems = []
    for entry in incoming.entries:
        target = current.find(entry.msgid, entry.msgctxt)
        if target is None:
            problems.append(f"line {entry.line}: msgid {entry.msgid!r} is not a text OpenIPT uses")
            continue
        if (target.msgid_plural is None) != (entry.msgid_plural is None):
            problems.append(f"line {entry.line}: msgid {entry.msgid!r} must {'' if target.msgid_plural else 'not '}"
                            "have a plural")
            continue
        problems += [f"line {entry.line}: msgid {entry.msgid!r}: {p}" for p in checks.problems(entry, nplurals)]
    if problems:
        raise ImportRefused(f"{path}: nothing was imported.\n" + "\n".join(problems))
    changed = 0
    for entry in incoming.entries:
        if not entry.translated:
            continue
        target = current.find(entry.msgid, entry.msgctxt)
        assert target is not None
        if (target.msgstr, target.msgstr_plural) == (entry.msgstr, entry.msgstr_plural) and not target.fuzzy:
            continue
        target.msgstr, target.msgstr_plural = entry.msgstr, dict(entry.msgstr_plural)
        target.flags = [f for f in target.flags if f != "fuzzy"]
        if po.UNREVIEWED not in target.comments:
            target.comments.append(po.UNREVIEWED)
        changed += 1
    save(lang, current, base)
    return lang, changed


_CACHE: dict[tuple[str, Path], tuple[float, po.Catalogue]] = {}


def cached(lang: str, base: Path = LOCALE_DIR) -> po.Catalogue:
    """The catalogue as last written (read again when the file changes); an empty one when there is none."""
    path = po_path(lang, base)
    stamp = path.stat().st_mtime if path.exists() else 0.0
    hit = _CACHE.get((lang, base))
    if hit is None or hit[0] != stamp:
        hit = (stamp, load(lang, base) if lang in LANGUAGES else po.Catalogue())
        _CACHE[(lang, base)] = hit
    return hit[1]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def translation_text(entry: po.Entry) -> str:
    """The whole translation of an entry as one text (plural forms joined), for a sign-off to match."""
    if entry.msgid_plural is None:
        return entry.msgstr
    return "\x00".join(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))


def entry_id(entry: po.Entry) -> str:
    """A short stable id of an entry (its context and English text), for forms."""
    return digest(f"{entry.msgctxt or ''}\x04{entry.msgid}")[:16]


def marked_unreviewed(lang: str, base: Path = LOCALE_DIR) -> list[po.Entry]:
    """The translated entries the catalogue marks unreviewed (a sign-off in the database may clear them)."""
    return [e for e in cached(lang, base).entries if e.translated and not e.fuzzy and e.unreviewed]
