"""Protocol content declared as pydantic models of the content toolkit, checked by file and line.

Each kind of content (formats, problem areas, plan steps...) is a ``ContentModel`` in `kinds.py`
whose field types come from here. The types check the value themselves and say what is wrong in
the protocol's words ("must be text, not a whole number"); markers on a field say what the loader
needs beyond the shape: ``TEXT`` (a translation may change it), ``RefTo(kind)`` (the value names
an item of another kind, resolved after every pack is merged) and ``UNIQUE`` (a list that must
not name a value twice). A list of models is merged by id and must not repeat an id.

``problems`` validates one item (a ``LocDict``, possibly merged from several pack files) and
turns pydantic's errors into ``ContentError``s at the file and line each value was written on,
read from the ``LocDict``s themselves; ``walk`` then collects references and reports repeats.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, get_args

from pydantic import BaseModel, BeforeValidator, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from openipt.core.content import ContentModel, Loc, LocDict, LocList, plain_message

from .errors import ContentError

PLACEHOLDERS = frozenset({"session_number", "total_sessions", "remaining_sessions"})


@dataclass
class Reference:
    """A value that must name an item of another kind; resolved after all content is merged."""

    kind: str
    value: str
    loc: Loc
    owner: str


@dataclass
class Checker:
    """Collect errors and references while checking content."""

    errors: list[ContentError] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    # (where, id) of what an adaptation pack omitted: a translation of it is skipped, not refused,
    # so a clinic that removes a step does not stop a shipped language pack from loading.
    omitted: set[tuple[str, str]] = field(default_factory=set)

    def error(self, loc: Loc, message: str) -> None:
        """Record one problem at `loc`."""
        self.errors.append(ContentError(loc.file, loc.line, message))


class Record(ContentModel):
    """A mapping of known keys; `describe` names it in messages ("format 'individual'")."""

    describe: ClassVar[str] = "item"


# Field markers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefTo:
    """The value (or each item of the list) is the id of an item of `kind`."""

    kind: str


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


TEXT = _Marker("TEXT")  # a translation may replace this value
UNIQUE = _Marker("UNIQUE")  # a list that must not name a value twice


# Value checks: each reports the words that follow "'name' in <item>" -------------------------


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("protocol", message)


def _before(check: Callable[[Any], None]) -> BeforeValidator:
    def run(value: Any) -> Any:
        check(value)
        return value

    return BeforeValidator(run)


def _text_check(value: Any) -> None:
    if not isinstance(value, str):
        raise _fail(f"must be text, not {_type_name(value)}")
    if not value.strip():
        raise _fail("must not be empty")


def _placeholder_check(value: Any) -> None:
    _text_check(value)
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError:
        raise _fail("has an unmatched '{' or '}' (write '{{' for a brace)") from None
    unknown = sorted(names - PLACEHOLDERS)
    if unknown:
        raise _fail(f"uses unknown placeholder {{{unknown[0]}}} (allowed: {', '.join(sorted(PLACEHOLDERS))})")


def _bool_check(value: Any) -> None:
    if not isinstance(value, bool):
        raise _fail(f"must be true or false, not {_type_name(value)}")


def text() -> BeforeValidator:
    """Non-empty text."""
    return _before(_text_check)


def with_placeholders() -> BeforeValidator:
    """Non-empty text whose {placeholders} must be ones a session plan fills in."""
    return _before(_placeholder_check)


def flag() -> BeforeValidator:
    """true or false."""
    return _before(_bool_check)


def whole(minimum: int | None = None, maximum: int | None = None, nullable: bool = False) -> BeforeValidator:
    """A whole number within optional bounds (`nullable`: or null)."""

    def check(value: Any) -> None:
        if value is None and nullable:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(f"must be a whole number, not {_type_name(value)}")
        if minimum is not None and value < minimum:
            raise _fail(f"must be at least {minimum}, not {value}")
        if maximum is not None and value > maximum:
            raise _fail(f"must be at most {maximum}, not {value}")

    return _before(check)


def choice(values: tuple[str, ...]) -> BeforeValidator:
    """One of a fixed set of identifiers."""

    def check(value: Any) -> None:
        if not isinstance(value, str) or value not in values:
            raise _fail(f"must be one of {', '.join(values)}; got {value!r}")

    return _before(check)


def ref(kind: str) -> BeforeValidator:
    """The id of an item of `kind` (whether it exists is checked once everything is merged)."""

    def check(value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            raise _fail(f"must be the id of a {kind}, not {_type_name(value)}")

    return _before(check)


def listed(min_items: int = 0) -> BeforeValidator:
    """A list (of at least `min_items` items); its items are checked by their own type."""

    def check(value: Any) -> None:
        if not isinstance(value, list):
            raise _fail(f"must be a list, not {_type_name(value)}")
        if len(value) < min_items:
            raise _fail(f"needs at least {min_items} item(s)")

    return _before(check)


def present() -> BeforeValidator:
    """An optional section that, when its key is written, must have a value."""

    def check(value: Any) -> None:
        if value is None:
            raise _fail("must have a value")

    return _before(check)


# Reading a model's fields ---------------------------------------------------------------------


def _inner_record(annotation: Any) -> type[Record] | None:
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return annotation
    for arg in get_args(annotation):
        found = _inner_record(arg)
        if found is not None:
            return found
    return None


def record_of(info: FieldInfo) -> type[Record] | None:
    """Return the model a field holds (alone or as a list of them), if any."""
    return _inner_record(info.annotation)


def is_id_list(info: FieldInfo) -> bool:
    """Return True for a list of records, which packs merge item by item by id."""
    return record_of(info) is not None and any(
        _is_list_type(arg) for arg in (info.annotation, *get_args(info.annotation))
    )


def _is_list_type(annotation: Any) -> bool:
    return getattr(annotation, "__origin__", None) is tuple or annotation is tuple


def is_translatable(info: FieldInfo) -> bool:
    """Return True when a translation may change this field (text, or a list of records with text)."""
    if TEXT in info.metadata:
        return True
    inner = record_of(info)
    return (
        inner is not None
        and is_id_list(info)
        and any(is_translatable(f) for f in inner.model_fields.values())
    )


def refers_to(info: FieldInfo) -> str | None:
    """Return the kind of item this field names, if it names one."""
    return next((marker.kind for marker in info.metadata if isinstance(marker, RefTo)), None)


def label_of(model: type[Record], value: Any, where: str) -> str:
    """Name a mapping in messages: by its kind and id when it has one, else by where it is."""
    ident = value.get("id") if isinstance(value, dict) else None
    return f"{model.describe} '{ident}'" if isinstance(ident, str) else where


# Checking one item ----------------------------------------------------------------------------


def problems(model: type[Record], item: LocDict, where: str) -> list[ContentError]:
    """Check `item` against `model`; return every problem at the file and line of the value."""
    try:
        model.model_validate(item)
    except ValidationError as exc:
        found: list[ContentError] = []
        for error in exc.errors():
            problem = _problem(model, item, where, error)
            if problem not in found:
                found.append(problem)
        return found
    return []


def _problem(model: type[Record], item: LocDict, where: str, error: Any) -> ContentError:
    node: Any = item
    current: type[Record] | None = model
    label = label_of(model, item, where)
    loc = item.loc
    last: Any = None
    for part in error["loc"]:
        if isinstance(node, LocDict) and current is not None:
            fields = current.model_fields
            if part not in node:
                if error["type"] == "missing":
                    return ContentError(node.loc.file, node.loc.line, f"missing field '{part}' in {label}")
                continue  # a step pydantic names that is not in the data (a union branch)
            if part not in fields:
                allowed = ", ".join(fields)
                key = node.loc_of(part)
                return ContentError(
                    key.file, key.line, f"unknown field '{part}' in {label} (allowed: {allowed})"
                )
            where, loc, last = f"'{part}' in {label}", node.loc_of(part), part
            node, current = node[part], record_of(fields[part])
            if current is not None and isinstance(node, dict):
                label = label_of(current, node, where)
        elif isinstance(node, LocList) and isinstance(part, int) and 0 <= part < len(node):
            where, loc, last = f"{where} item {part + 1}", node.loc_of(part), part
            node = node[part]
            if current is not None and isinstance(node, dict):
                label = label_of(current, node, where)
    if node is None and isinstance(last, str):
        return ContentError(loc.file, loc.line, f"{where} must have a value")
    if error["type"] == "protocol":
        message = f"{where} {error['msg']}"
    elif error["type"] in {"model_type", "model_attributes_type", "dict_type"}:
        message = f"{where} must be a mapping of keys to values, not {_type_name(node)}"
    else:
        message = f"{where}: {plain_message(error)}"
    return ContentError(loc.file, loc.line, message)


def walk(model: type[Record], item: Any, label: str, checker: Checker) -> None:
    """Collect the references of an item and report ids and values listed twice.

    Runs whether or not the item's shape is right (as the hand-written checker did), so it
    looks only at what is there: a misshapen value was reported by `problems` already.
    """
    if not isinstance(item, LocDict):
        return
    for name, info in model.model_fields.items():
        if name not in item:
            continue
        value, where = item[name], f"'{name}' in {label}"
        kind = refers_to(info)
        if kind is not None:
            for ref_value, loc, owner in _each(item, name, where):
                if isinstance(ref_value, str) and ref_value.strip():
                    checker.references.append(Reference(kind, ref_value, loc, owner))
        if UNIQUE in info.metadata and isinstance(value, LocList):
            seen: set[Any] = set()
            for index, entry in enumerate(value):
                if isinstance(entry, str | int):
                    if entry in seen:
                        checker.error(value.loc_of(index), f"{where} lists {entry!r} twice")
                    seen.add(entry)
        inner = record_of(info)
        if inner is None:
            continue
        if isinstance(value, LocDict):
            walk(inner, value, label_of(inner, value, where), checker)
        elif isinstance(value, LocList):
            ids: set[str] = set()
            for index, entry in enumerate(value):
                walk(inner, entry, label_of(inner, entry, f"{where} item {index + 1}"), checker)
                ident = entry.get("id") if isinstance(entry, LocDict) else None
                if isinstance(ident, str):
                    if ident in ids:
                        checker.error(entry.loc_of("id"), f"duplicate id '{ident}' in {where}")
                    ids.add(ident)


def _each(item: LocDict, name: str, where: str) -> Iterator[tuple[Any, Loc, str]]:
    value = item[name]
    if isinstance(value, LocList):
        for index, entry in enumerate(value):
            yield entry, value.loc_of(index), f"{where} item {index + 1}"
    elif value is not None:
        yield value, item.loc_of(name), where


def check(model: type[Record], item: LocDict, where: str, checker: Checker) -> bool:
    """Check `item`, collect its references and report repeats; return True when it is sound."""
    before = len(checker.errors)
    checker.errors.extend(problems(model, item, where))
    walk(model, item, label_of(model, item, where), checker)
    return len(checker.errors) == before


def id_list_records(model: type[BaseModel]) -> dict[str, type[Record]]:
    """Return, for each field of `model` that is a list merged by id, the model of its items."""
    found = {}
    for name, info in model.model_fields.items():
        inner = record_of(info)
        if inner is not None and is_id_list(info):
            found[name] = inner
    return found
