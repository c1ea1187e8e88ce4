"""Worksheets as data: each is a YAML file in content/worksheets/ with our own guidance text.

A definition names its fields (one line of text, a longer text, or a 0–10 scale), the words a
client reads beside each, and which fields the communication analyser looks at. Files are
checked on load and errors name the file and line. No Django import: tested without settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .analyser.yamlsource import DataError, Source, load_file, load_text

CONTENT_DIR = Path(__file__).with_name("content") / "worksheets"
FIELD_TYPES = ("text", "long", "scale")
AREAS = ("grief", "role_dispute", "role_transition", "interpersonal_deficits")
LIMITS = {"text": 300, "long": 5000}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP = {"id", "order", "areas", "title", "short", "intro", "fields"}
_FIELD = {"id", "type", "label", "help", "analyse"}


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


def _text(problems: list[str], src: Source, raw: Any, path: tuple, what: str, required: bool = True) -> str:
    if raw is None and not required:
        return ""
    if not isinstance(raw, str) or not raw.strip():
        problems.append(f"{src.where(path)}: {what} must be non-empty text")
        return ""
    return " ".join(raw.split())


def parse(src: Source) -> WorksheetDef:
    """Check one loaded definition and build it; raise DataError listing every problem."""
    problems: list[str] = []
    raw = src.data
    if not isinstance(raw, dict):
        raise DataError([f"{src.where(())}: a worksheet file must be a mapping"])
    for key in raw:
        if key not in _TOP:
            problems.append(f"{src.where((key,))}: unknown key {key!r} (allowed: {', '.join(sorted(_TOP))})")
    wid = raw.get("id")
    if not isinstance(wid, str) or not _ID.match(wid):
        problems.append(f"{src.where(('id',))}: id {wid!r} must be lower-case letters, digits and _")
    order = raw.get("order", 99)
    if not isinstance(order, int) or isinstance(order, bool):
        problems.append(f"{src.where(('order',))}: order must be a whole number")
        order = 99
    areas = raw.get("areas", [])
    if not isinstance(areas, list) or any(a not in AREAS for a in areas):
        problems.append(f"{src.where(('areas',))}: areas must be a list of {', '.join(AREAS)}")
        areas = []
    title = _text(problems, src, raw.get("title"), ("title",), "title")
    short = _text(problems, src, raw.get("short"), ("short",), "short")
    intro = _text(problems, src, raw.get("intro"), ("intro",), "intro")
    fields: list[Field] = []
    raw_fields = raw.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        problems.append(f"{src.where(('fields',))}: fields must be a non-empty list")
        raw_fields = []
    seen: set[str] = set()
    for i, item in enumerate(raw_fields):
        path = ("fields", i)
        if not isinstance(item, dict):
            problems.append(f"{src.where(path)}: a field must be a mapping with id, type and label")
            continue
        for key in item:
            if key not in _FIELD:
                problems.append(f"{src.where(path + (key,))}: unknown field key {key!r}")
        fid = item.get("id")
        if not isinstance(fid, str) or not _ID.match(fid):
            problems.append(f"{src.where(path + ('id',))}: field id {fid!r} must be lower-case letters, digits and _")
            continue
        if fid in seen or fid in ("version", "title", "action", "submission_key", "csrfmiddlewaretoken"):
            problems.append(f"{src.where(path + ('id',))}: field id {fid!r} is used twice or is reserved")
            continue
        seen.add(fid)
        ftype = item.get("type")
        if ftype not in FIELD_TYPES:
            problems.append(f"{src.where(path + ('type',))}: type {ftype!r} must be one of {', '.join(FIELD_TYPES)}")
            continue
        analyse = item.get("analyse", False)
        if not isinstance(analyse, bool) or (analyse and ftype == "scale"):
            problems.append(f"{src.where(path + ('analyse',))}: analyse must be true or false, and only on text")
            analyse = False
        label = _text(problems, src, item.get("label"), path + ("label",), "label")
        help_text = _text(problems, src, item.get("help"), path + ("help",), "help", required=False)
        fields.append(Field(fid, ftype, label, help_text, analyse))
    if problems:
        raise DataError(problems)
    return WorksheetDef(wid, order, tuple(areas), title, short, intro, tuple(fields), src.file)


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
