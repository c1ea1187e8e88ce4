"""Worksheets as data: each is a YAML file in content/worksheets/ with our own guidance text.

A definition names its fields (one line of text, a longer text, or a 0–10 scale), the words a
client reads beside each, and which fields the communication analyser looks at. Files are
checked on load and errors name the file and line. No Django import: tested without settings.

Translations sit beside the English, in `content/worksheets/<lang>/<id>.yaml`, and may give text only
(title, short, intro, and each field's label and help, by id), never structure. Each worksheet's own text
and each field are *pieces* in the protocol's sense (`worksheet:<id>`, `worksheet:<id>/fields:<field>`):
a reader gets a piece in their language when the translation has all of it, and otherwise that piece in
English, marked `in_english` so the page can say so. The pieces are registered with the protocol's
content pieces, so the Translations review page and `openipt i18n status` count and sign them off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator
from pydantic import Field as PydanticField
from pydantic_core import PydanticCustomError

from openipt.core.content import (
    ContentFileError,
    ContentModel,
    Flag,
    Text,
    Whole,
    Words,
    check,
    matches,
    one_of,
    says,
)
from openipt.protocol.pieces import Piece, compare

from .analyser.yamlsource import DataError, Source, load_file, load_text

CONTENT_DIR = Path(__file__).with_name("content") / "worksheets"
FIELD_TYPES = ("text", "long", "scale")
AREAS = ("grief", "role_dispute", "role_transition", "interpersonal_deficits")
LIMITS = {"text": 300, "long": 5000}
_ID = r"[a-z][a-z0-9_]*"
RESERVED = ("version", "title", "action", "submission_key", "csrfmiddlewaretoken")  # names the form uses
BASE_LANGUAGE = "en"


@dataclass(frozen=True)
class Field:
    """One question on a worksheet."""

    id: str
    type: str
    label: str
    help: str = ""
    analyse: bool = False
    in_english: bool = False  # a reader of another language gets this field's words in English

    @property
    def limit(self) -> int:
        return LIMITS.get(self.type, 2)


@dataclass(frozen=True)
class WorksheetDef:
    """A checked worksheet definition."""

    id: str
    order: int
    areas: tuple[str, ...]
    title: str
    short: str
    intro: str
    fields: tuple[Field, ...]
    source: str = ""
    in_english: bool = False  # the title, short name and intro are in English for a reader of another language

    @property
    def any_in_english(self) -> bool:
        """True when any piece of this worksheet is shown in English to its reader."""
        return self.in_english or any(f.in_english for f in self.fields)

    def field(self, field_id: str) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)

    @property
    def analysed(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.analyse)


def _areas(value: tuple[str, ...]) -> tuple[str, ...]:
    if any(area not in AREAS for area in value):
        raise PydanticCustomError("content", "not an area")
    return value


_Ident = Annotated[Text, matches(_ID, "{value!r} must be lower-case letters, digits and _")]


class _FieldSpec(ContentModel):
    id: _Ident
    type: Annotated[Text, one_of(FIELD_TYPES, f"{{value!r}} must be one of {', '.join(FIELD_TYPES)}")]
    label: Words
    help: Words = ""
    analyse: Flag = False


class _WorksheetSpec(ContentModel):
    id: _Ident
    order: Whole = 99
    areas: Annotated[tuple[Text, ...], AfterValidator(_areas), says(f"must be a list of {', '.join(AREAS)}")] = ()
    title: Words
    short: Words
    intro: Words
    fields: Annotated[tuple[_FieldSpec, ...], PydanticField(min_length=1)]


_Spec = TypeVar("_Spec", bound=ContentModel)


def _checked(model: type[_Spec], src: Source, what: str) -> _Spec:
    """Return the loaded mapping checked as `model`; raise DataError naming every problem by file and line."""
    if not isinstance(src.data, dict):
        raise DataError([f"{src.where(())}: {what} must be a mapping"])
    try:
        return check(model, src.data, src)
    except ContentFileError as exc:
        raise DataError(str(problem) for problem in exc.problems) from None


def parse(src: Source) -> WorksheetDef:
    """Check one loaded definition and build it; raise DataError listing every problem."""
    spec = _checked(_WorksheetSpec, src, "a worksheet file")
    problems: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(spec.fields):
        where = src.where(("fields", i, "id"))
        if item.id in seen or item.id in RESERVED:
            problems.append(f"{where}: fields[{i}].id: {item.id!r} is used twice or is reserved")
        if item.analyse and item.type == "scale":
            problems.append(f"{src.where(('fields', i, 'analyse'))}: fields[{i}].analyse: only on text, not a scale")
        seen.add(item.id)
    if problems:
        raise DataError(problems)
    fields = tuple(Field(f.id, f.type, f.label, f.help, f.analyse) for f in spec.fields)
    return WorksheetDef(spec.id, spec.order, spec.areas, spec.title, spec.short, spec.intro, fields, src.file)


def parse_text(text: str, name: str = "<text>") -> WorksheetDef:
    """Parse and check a definition given as YAML text."""
    return parse(load_text(text, name))


def load_definitions(directory: str | Path = CONTENT_DIR) -> dict[str, WorksheetDef]:
    """Load every definition in a folder, sorted by order; raise DataError listing every problem."""
    found: dict[str, WorksheetDef] = {}
    problems: list[str] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            item = parse(load_file(path))
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if item.id in found:
            problems.append(f"{path}: id {item.id!r} is also used by {found[item.id].source}")
            continue
        if path.stem != item.id:
            problems.append(f"{path}: the file name must be the id ({item.id}.yaml)")
            continue
        found[item.id] = item
    if problems:
        raise DataError(problems)
    if not found:
        raise DataError([f"{directory}: no worksheet definitions found"])
    return dict(sorted(found.items(), key=lambda kv: (kv[1].order, kv[0])))


@lru_cache(maxsize=1)
def _english() -> dict[str, WorksheetDef]:
    return load_definitions()


def definitions(lang: str | None = None) -> dict[str, WorksheetDef]:
    """Return the shipped definitions (loaded and checked once), with their words in `lang` piece by piece."""
    code = primary(lang)
    if code == BASE_LANGUAGE:
        return _english()
    return _localised(code)


def definition(kind: str, lang: str | None = None) -> WorksheetDef | None:
    return definitions(lang).get(kind)


# Translations ------------------------------------------------------------------------------------


class _FieldText(ContentModel):
    id: _Ident
    label: Words = ""
    help: Words = ""


class _WorksheetText(ContentModel):
    id: _Ident
    title: Words = ""
    short: Words = ""
    intro: Words = ""
    fields: tuple[_FieldText, ...] = ()


def primary(lang: str | None) -> str:
    """The primary language of a code ("es-MX" gives "es"); English when none."""
    return (lang or BASE_LANGUAGE).split("-")[0].lower() or BASE_LANGUAGE


def parse_translation(src: Source, english: dict[str, WorksheetDef]) -> dict[str, dict[str, str]]:
    """Check one translation file against the English definitions; return its texts by piece key.

    Raise DataError listing every problem (file:line): an unknown worksheet or field, a field given
    twice, or anything but text (a type, an order, areas)."""
    spec = _checked(_WorksheetText, src, "a worksheet translation")
    base = english.get(spec.id)
    if base is None:
        raise DataError([f"{src.where(('id',))}: id: no English worksheet {spec.id!r} to translate"])
    problems: list[str] = []
    own = {name: value for name in ("title", "short", "intro") if (value := getattr(spec, name))}
    texts: dict[str, dict[str, str]] = {f"worksheet:{spec.id}": own}
    for i, item in enumerate(spec.fields):
        key = f"worksheet:{spec.id}/fields:{item.id}"
        if base.field(item.id) is None:
            problems.append(f"{src.where(('fields', i, 'id'))}: fields[{i}].id: {spec.id} has no field {item.id!r}")
        elif key in texts:
            problems.append(f"{src.where(('fields', i, 'id'))}: fields[{i}].id: {item.id!r} is translated twice")
        else:
            texts[key] = {name: value for name in ("label", "help") if (value := getattr(item, name))}
    if problems:
        raise DataError(problems)
    return texts


def load_translations(directory: str | Path, english: dict[str, WorksheetDef]) -> dict[str, dict[str, str]]:
    """Load a language's translation folder; return the texts by piece key, or raise DataError listing every problem."""
    texts: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            found = parse_translation(load_file(path), english)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        ident = next(iter(found)).split(":", 1)[1]
        if path.stem != ident:
            problems.append(f"{path}: the file name must be the id ({ident}.yaml)")
            continue
        texts.update(found)
    if problems:
        raise DataError(problems)
    return texts


def english_texts(english: dict[str, WorksheetDef]) -> dict[str, dict[str, str]]:
    """Every English piece of the definitions with its text fields."""
    texts: dict[str, dict[str, str]] = {}
    for defn in english.values():
        texts[f"worksheet:{defn.id}"] = {"title": defn.title, "short": defn.short, "intro": defn.intro}
        for f in defn.fields:
            texts[f"worksheet:{defn.id}/fields:{f.id}"] = {"label": f.label} | ({"help": f.help} if f.help else {})
    return texts


@lru_cache(maxsize=16)
def _given(lang: str) -> dict[str, dict[str, str]]:
    if not re.fullmatch(r"[a-z]{2,3}", lang):  # only a language code names a folder
        return {}
    folder = CONTENT_DIR / lang
    return load_translations(folder, _english()) if folder.is_dir() else {}


@lru_cache(maxsize=16)
def pieces(lang: str | None) -> dict[str, Piece]:
    """Every worksheet piece with what `lang` translates of it (nothing, for a language with no folder);
    empty for English. The protocol's review page and status counts read these."""
    code = primary(lang)
    if code == BASE_LANGUAGE:
        return {}
    return compare(english_texts(_english()), _given(code))


def localise(defn: WorksheetDef, given: dict[str, dict[str, str]]) -> WorksheetDef:
    """`defn` with each piece that `given` translates whole in that language, the others in English and marked."""
    own = given.get(f"worksheet:{defn.id}", {})
    whole = all(own.get(name) for name in ("title", "short", "intro"))
    fields = []
    for f in defn.fields:
        texts = given.get(f"worksheet:{defn.id}/fields:{f.id}", {})
        if texts.get("label") and (texts.get("help") or not f.help):
            fields.append(replace(f, label=texts["label"], help=texts.get("help", "") if f.help else ""))
        else:
            fields.append(replace(f, in_english=True))
    if whole:
        return replace(defn, title=own["title"], short=own["short"], intro=own["intro"], fields=tuple(fields))
    return replace(defn, in_english=True, fields=tuple(fields))


@lru_cache(maxsize=16)
def _localised(lang: str) -> dict[str, WorksheetDef]:
    given = _given(lang)
    return {ident: localise(defn, given) for ident, defn in _english().items()}


def clean_data(defn: WorksheetDef, raw: dict) -> tuple[dict, dict[str, str]]:
    """Return the worksheet's values from submitted data and any problems by field id.

    Unknown keys are dropped; text is kept as typed (line ends normalised); a scale must be a
    whole number 0–10 or empty. Over-long text is kept but reported, so nothing typed is lost.
    """
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for f in defn.fields:
        value = raw.get(f.id, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            value = str(value)
        value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
        if f.type == "scale":
            value = value.strip()
            if value == "":
                values[f.id] = ""
                continue
            if not value.isdecimal() or not 0 <= int(value) <= 10:
                problems[f.id] = "scale"
                values[f.id] = value[:10]
                continue
            values[f.id] = str(int(value))
            continue
        if f.type == "text":
            value = " ".join(value.split()) if "\n" in value else value
        if len(value) > f.limit:
            problems[f.id] = "long"
        values[f.id] = value
    return values, problems
