"""A small schema language, in plain Python, for checking protocol content files.

Each kind of content (formats, problem areas, plan steps...) is described by a Record of
Fields. Checking walks the parsed YAML (LocDict/LocList from the content toolkit) and reports every
problem with the line it was written on. Fields marked `text` are the ones a translation may
change; everything else is structure that only an adaptation may change.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openipt.core.content import Loc, LocDict, LocList

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
    """Collect errors and references while walking content."""

    errors: list[ContentError] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)

    def error(self, loc: Loc, message: str) -> None:
        """Record one problem at `loc`."""
        self.errors.append(ContentError(loc.file, loc.line, message))


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


class Spec:
    """Base of all value specifications."""

    label = "a value"

    def check(self, value: Any, loc: Loc, where: str, checker: Checker) -> None:
        """Report problems with `value`, written at `loc`, described as `where`."""
        raise NotImplementedError

    def is_text(self) -> bool:
        """Return True when a translation may replace this value."""
        return False


@dataclass
class Str(Spec):
    """Text; non-empty unless `allow_empty`; optionally with {placeholders} checked."""

    allow_empty: bool = False
    placeholders: bool = False
    label = "text"

    def check(self, value: Any, loc: Loc, where: str, checker: Checker) -> None:
        if not isinstance(value, str):
            checker.error(loc, f"{where} must be text, not {_type_name(value)}")
            return
        if not self.allow_empty and not value.strip():
            checker.error(loc, f"{where} must not be empty")
        if self.placeholders:
            try:
                names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
            except ValueError:
                checker.error(loc, f"{where} has an unmatched '{{' or '}}' (write '{{{{' for a brace)")
                return
            unknown = sorted(names - PLACEHOLDERS)
            if unknown:
                checker.error(
                    loc,
                    f"{where} uses unknown placeholder {{{unknown[0]}}} "
                    f"(allowed: {', '.join(sorted(PLACEHOLDERS))})",
                )


@dataclass
class Int(Spec):
    """A whole number within optional bounds."""

    minimum: int | None = None
    maximum: int | None = None
    label = "a whole number"

    def check(self, value: Any, loc: Loc, where: str, checker: Checker) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            checker.error(loc, f"{where} must be a whole number, not {_type_name(value)}")
            return
        if self.minimum is not None and value < self.minimum:
            checker.error(loc, f"{where} must be at least {self.minimum}, not {value}")
        if self.maximum is not None and value > self.maximum:
            checker.error(loc, f"{where} must be at most {self.maximum}, not {value}")


@dataclass
class Bool(Spec):
    """true or false."""

    label = "yes/no"

    def check(self, value: Any, loc: Loc, where: str, checker: Checker) -> None:
        if not isinstance(value, bool):
            checker.error(loc, f"{where} must be true or false, not {_type_name(value)}")


@dataclass
class Enum(Spec):
    """One of a fixed set of identifiers."""

    values: tuple[str, ...] = ()

    def check(self, value: Any, loc: Loc, where: str, checker: Checker) -> None:
        if not isinstance(value, str) or value not in self.values:
            checker.error(loc, f"{where} must be one of {', '.join(self.values)}; got {value!r}")


@dataclass
class Ref(Spec):
    """The id of an item of another kind (checked once everything is merged)."""

    kind: str = ""

    def check(self, value: Any, loc: Loc, where: str, checker: Checker) -> None:
        if not isinstance(value, str) or not value.strip():
            checker.error(loc, f"{where} must be the id of a {self.kind}, not {_type_name(value)}")
            return
        checker.references.append(Reference(self.kind, value, loc, where))


@dataclass
class TextList(Spec):
    """A list of text items (translatable as a whole)."""

    min_items: int = 0

    def check(self, value: Any, loc: Loc, where: str, checker: Checker) -> None:
        if not isinstance(value, LocList):
            checker.error(loc, f"{where} must be a list, not {_type_name(value)}")
            return
        if len(value) < self.min_items:
            checker.error(loc, f"{where} needs at least {self.min_items} item(s)")
        for index, item in enumerate(value):
            Str().check(item, value.loc_of(index), f"{where} item {index + 1}", checker)

    def is_text(self) -> bool:
        return True


@dataclass
class ListOf(Spec):
    """A list of values that each match `item`."""

    item: Spec = field(default_factory=Str)
    min_items: int = 0
    unique: bool = False

    def check(self, value: Any, loc: Loc, where: str, checker: Checker) -> None:
        if not isinstance(value, LocList):
            checker.error(loc, f"{where} must be a list, not {_type_name(value)}")
            return
        if len(value) < self.min_items:
            checker.error(loc, f"{where} needs at least {self.min_items} item(s)")
        seen: set[Any] = set()
        for index, item in enumerate(value):
            item_loc = value.loc_of(index)
            self.item.check(item, item_loc, f"{where} item {index + 1}", checker)
            if self.unique and isinstance(item, str | int):
                if item in seen:
                    checker.error(item_loc, f"{where} lists {item!r} twice")
                seen.add(item)


@dataclass
class Field:
    """One key of a Record."""

    name: str
    spec: Spec
    required: bool = True
    nullable: bool = False
    text: bool = False


@dataclass
class Record(Spec):
    """A mapping with known keys; unknown keys are errors so typos are caught."""

    fields: tuple[Field, ...] = ()
    describe: str = "item"
    extra_check: Callable[[LocDict, str, Checker], None] | None = None

    def field_map(self) -> dict[str, Field]:
        """Return the fields keyed by name."""
        return {f.name: f for f in self.fields}

    def check(self, value: Any, loc: Loc, where: str, checker: Checker) -> None:
        if not isinstance(value, LocDict):
            checker.error(loc, f"{where} must be a mapping of keys to values, not {_type_name(value)}")
            return
        fields = self.field_map()
        errors_before = len(checker.errors)
        ident = value.get("id")
        label = f"{self.describe} '{ident}'" if isinstance(ident, str) else where
        for key in value:
            if key not in fields:
                checker.error(
                    value.loc_of(key),
                    f"unknown field '{key}' in {label} (allowed: {', '.join(fields)})",
                )
        for f in self.fields:
            if f.name not in value:
                if f.required:
                    checker.error(value.loc, f"missing field '{f.name}' in {label}")
                continue
            item = value[f.name]
            if item is None:
                if not f.nullable:
                    checker.error(value.loc_of(f.name), f"'{f.name}' in {label} must have a value")
                continue
            f.spec.check(item, value.loc_of(f.name), f"'{f.name}' in {label}", checker)
        if self.extra_check is not None and len(checker.errors) == errors_before:
            self.extra_check(value, label, checker)


@dataclass
class IdList(Spec):
    """A list of Records with an `id` unique within the list; packs merge it item by item."""

    record: Record = field(default_factory=Record)
    min_items: int = 0

    def check(self, value: Any, loc: Loc, where: str, checker: Checker) -> None:
        if not isinstance(value, LocList):
            checker.error(loc, f"{where} must be a list, not {_type_name(value)}")
            return
        if len(value) < self.min_items:
            checker.error(loc, f"{where} needs at least {self.min_items} item(s)")
        seen: set[str] = set()
        for index, item in enumerate(value):
            item_loc = value.loc_of(index)
            self.record.check(item, item_loc, f"{where} item {index + 1}", checker)
            ident = item.get("id") if isinstance(item, LocDict) else None
            if isinstance(ident, str):
                if ident in seen:
                    checker.error(item.loc_of("id"), f"duplicate id '{ident}' in {where}")
                seen.add(ident)

    def is_text(self) -> bool:
        return any(f.text or f.spec.is_text() for f in self.record.fields)


ID = Field("id", Str())


def text(name: str, required: bool = True, spec: Spec | None = None) -> Field:
    """Return a translatable text field."""
    return Field(name, spec or Str(), required=required, text=True)
