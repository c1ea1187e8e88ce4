"""Worksheets as data: each is a YAML file in content/worksheets/ with our own guidance text.

A definition names its fields (one line of text, a longer text, or a 0–10 scale), the words a
client reads beside each, and which fields the communication analyser looks at. Files are
checked on load and errors name the file and line. No Django import: tested without settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

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

from .analyser.yamlsource import DataError, Source, load_file, load_text

CONTENT_DIR = Path(__file__).with_name("content") / "worksheets"
FIELD_TYPES = ("text", "long", "scale")
AREAS = ("grief", "role_dispute", "role_transition", "interpersonal_deficits")
LIMITS = {"text": 300, "long": 5000}
_ID = r"[a-z][a-z0-9_]*"
RESERVED = ("version", "title", "action", "submission_key", "csrfmiddlewaretoken")  # names the form uses


@dataclass(frozen=True)
class Field:
    """One question on a worksheet."""

    id: str
    type: str
    label: str
    help: str = ""
    analyse: bool = False

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


def parse(src: Source) -> WorksheetDef:
    """Check one loaded definition and build it; raise DataError listing every problem."""
    if not isinstance(src.data, dict):
        raise DataError([f"{src.where(())}: a worksheet file must be a mapping"])
    try:
        spec = check(_WorksheetSpec, src.data, src)
    except ContentFileError as exc:
        raise DataError(str(problem) for problem in exc.problems) from None
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
def definitions() -> dict[str, WorksheetDef]:
    """Return the shipped definitions, loaded and checked once."""
    return load_definitions()


def definition(kind: str) -> WorksheetDef | None:
    return definitions().get(kind)


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
