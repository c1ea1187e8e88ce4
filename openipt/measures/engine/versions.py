"""Language versions of an instrument: a site's validated translation, loaded as data.

OpenIPT ships each questionnaire's English wording only. A site that holds a validated translation
writes it as a YAML file (docs/guides/languages.md) and installs it; this module checks such a file
against the English instrument and returns the instrument with the translated words. A version may
change words only: the same items in the same order, the same answers with the same values, and no
scoring of its own, so a score means the same in every language. Any difference refuses the file,
naming the line and the problem.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from openipt.core.content import Document, parse_yaml

from .errors import InstrumentFileError
from .model import Band, Instrument, Item, Option

KIND = "questionnaire_version"
REQUIRED = ("instrument", "language", "source", "licence", "validation", "instructions", "items")
ALLOWED = (*REQUIRED, "kind", "name", "options", "bands", "notes")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
# Keys that would change how answers are scored: a version may not carry them.
SCORING_KEYS = ("scoring", "missing", "safety_items", "caseness", "reliable_change", "remission", "response",
                "direction", "reverse", "scored", "min", "max", "value_map")


@dataclass(frozen=True)
class VersionInfo:
    """What a version says about itself: instrument, language and where its wording comes from."""

    instrument: str
    language: str
    source: str
    licence: str
    validation: str
    digest: str


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


class _Problems:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.found: list[tuple[int | None, str]] = []

    def add(self, path: tuple[str | int, ...], message: str) -> None:
        self.found.append((self.document.line(path), message))


def _options(c: _Problems, raw: Any, where: tuple[str | int, ...], english: tuple[Option, ...], label: str) -> tuple[Option, ...]:
    if not isinstance(raw, list):
        c.add(where, f"{label}: give the answers as a list of {{value, label}}")
        return english
    if len(raw) != len(english):
        c.add(where, f"{label}: the English version has {len(english)} answers; this one has {len(raw)}")
        return english
    out = []
    for index, (given, eng) in enumerate(zip(raw, english, strict=True)):
        if not isinstance(given, dict):
            c.add((*where, index), f"{label}: answer {index + 1} must be a mapping with value and label")
            continue
        value, text = given.get("value"), _text(given.get("label"))
        if value != eng.value or isinstance(value, bool):
            c.add((*where, index), f"{label}: answer {index + 1} must have the value {eng.value} (as in English), "
                                   f"not {value!r}")
        if text is None:
            c.add((*where, index), f"{label}: answer {index + 1} needs a label")
        out.append(Option(eng.value, text or eng.label))
    return tuple(out)


def check_version(english: Instrument, data: Any, document: Document, path: Path | str) -> tuple[Instrument,
                                                                                                    VersionInfo]:
    """Return the instrument in the version's words and what the version says about itself.

    Raise InstrumentFileError naming every problem when the file is not a faithful version of `english`.
    """
    c = _Problems(document)
    if not isinstance(data, dict):
        raise InstrumentFileError(path, [(1, "the file must be a mapping of keys to values")])
    if data.get("kind", KIND) != KIND:
        c.add(("kind",), f"kind must be {KIND}")
    for key in data:
        if key in SCORING_KEYS:
            c.add((key,), f"'{key}' changes scoring; a language version keeps the English scoring and may not "
                          "carry it")
        elif key not in ALLOWED:
            c.add((key,), f"unknown key '{key}' (allowed: {', '.join(ALLOWED)})")
    for key in REQUIRED:
        if key not in data or (key != "items" and _text(data.get(key)) is None):
            c.add((), f"missing '{key}'" + (": say who holds the translation's licence" if key == "source" else
                                             ": cite the study that validated this translation"
                                             if key == "validation" else ""))
    if data.get("instrument") not in (None, english.code):
        c.add(("instrument",), f"this version is for '{data.get('instrument')}', not '{english.code}'")
    language = _text(data.get("language")) or ""
    if language == english.language:
        c.add(("language",), f"the instrument is already in '{language}'")
    elif language and not LANGUAGE_CODE.fullmatch(language):
        # Clients are matched by their language's primary code (sw, es): any other value would never be shown.
        c.add(("language",), f"language must be a language code such as 'sw' or 'es' (2 or 3 small letters), "
                             f"not {language[:40]!r}")
    top = data.get("options")
    items_raw = data.get("items")
    items: list[Item] = []
    if isinstance(items_raw, list):
        if len(items_raw) != len(english.items):
            c.add(("items",), f"the English version has {len(english.items)} items; this one has {len(items_raw)}")
        for index, eng in enumerate(english.items):
            if index >= len(items_raw):
                break
            given = items_raw[index]
            where = ("items", index)
            if not isinstance(given, dict):
                c.add(where, f"item {index + 1} must be a mapping with id and text")
                continue
            for key in given:
                if key in SCORING_KEYS:
                    c.add((*where, key), f"item {eng.id}: '{key}' changes scoring; a language version may not "
                                         "carry it")
                elif key not in ("id", "text", "options"):
                    c.add((*where, key), f"item {eng.id}: unknown key '{key}' (use id, text, options)")
            if given.get("id") != eng.id:
                c.add((*where, "id"), f"item {index + 1} must be '{eng.id}' (the English order), not "
                                      f"{given.get('id')!r}")
            text = _text(given.get("text"))
            if text is None:
                c.add(where, f"item {eng.id} needs its text")
            if "options" in given:
                options = _options(c, given["options"], (*where, "options"), eng.options, f"item {eng.id}")
            elif top is not None:
                options = _options(c, top, ("options",), eng.options, f"item {eng.id}")
            else:
                c.add(where, f"item {eng.id}: give its answers (or answers for every item under 'options')")
                options = eng.options
            items.append(replace(eng, text=text or eng.text, options=options))
    elif "items" in data:
        c.add(("items",), "items must be a list")
    bands = list(english.bands)
    if "bands" in data:
        raw = data["bands"]
        by_id = {b.id: i for i, b in enumerate(english.bands)}
        if not isinstance(raw, list):
            c.add(("bands",), "bands must be a list of {id, label, meaning}")
        else:
            for index, given in enumerate(raw):
                ident = given.get("id") if isinstance(given, dict) else None
                if not isinstance(ident, str) or ident not in by_id:
                    shown = list(ident) if isinstance(ident, (list, tuple)) else ident
                    c.add(("bands", index), f"band {shown!r} is not a band of the English version")
                    continue
                extra = [k for k in given if k not in ("id", "label", "meaning")]
                if extra:
                    c.add(("bands", index), f"band {ident}: only label and meaning may be translated, not "
                                            f"{', '.join(map(str, extra))}")
                old: Band = bands[by_id[ident]]
                bands[by_id[ident]] = replace(old, label=_text(given.get("label")) or old.label,
                                              meaning=_text(given.get("meaning")) or old.meaning)
    if c.found:
        raise InstrumentFileError(path, list(dict.fromkeys(c.found)))
    version = replace(english, language=language, name=_text(data.get("name")) or english.name,
                      instructions=_text(data["instructions"]) or english.instructions, items=tuple(items),
                      bands=tuple(bands), path=None)
    return version, VersionInfo(english.code, language, _text(data["source"]) or "", _text(data["licence"]) or "",
                                _text(data["validation"]) or "", "")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_version(text: str, path: Path | str, english_for: Any) -> tuple[Instrument, VersionInfo]:
    """Read a version file's text and check it against the English instrument `english_for(code)` returns
    (None for an unknown code). Raise InstrumentFileError naming each problem."""
    document, problems = parse_yaml(text, str(path))
    if problems:
        raise InstrumentFileError(path, [(p.line, p.message) for p in problems])
    data = document.data
    code = data.get("instrument") if isinstance(data, dict) else None
    english = english_for(code) if isinstance(code, str) else None
    if english is None:
        line = document.line(("instrument",)) if isinstance(data, dict) and "instrument" in data else 1
        raise InstrumentFileError(path, [(line, f"'instrument' must name an installed questionnaire (got {code!r})")])
    version, info = check_version(english, data, document, path)
    return version, replace(info, digest=digest(text))
