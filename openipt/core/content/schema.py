"""Declare the shape of content with pydantic models and report mistakes by file and line.

A content family declares its schema as ``ContentModel`` subclasses whose fields use the strict
scalar types below (text is never read as a number, nor a number as text) and which refuse
unknown keys; lists may be declared as tuples. ``check`` validates loaded values against a model and
turns pydantic's errors into ``Problem``s that name the file, the line (from the ``Document``),
the field as a dotted path such as ``rules[3].weight``, and the mistake in plain words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Mapping
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Strict, ValidationError, WrapValidator
from pydantic_core import PydanticCustomError

from .yamlload import ContentFileError, Document, PathKey, Problem

M = TypeVar("M", bound=BaseModel)


Text = Annotated[str, Strict()]
Whole = Annotated[int, Strict()]
Number = Annotated[float, Strict()]  # a whole number is a number too
Flag = Annotated[bool, Strict()]


class ContentModel(BaseModel):
    """Base of every content schema: no unknown keys, frozen once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def says(message: str) -> WrapValidator:
    """Annotate a field so that any mistake in it is reported as `message` ({value!r} shows the value)."""

    def wrap(value: Any, handler: Callable[[Any], Any]) -> Any:
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError("content", message.replace("{value!r}", repr(value))) from None

    return WrapValidator(wrap)


def one_of(options: Container[Any], message: str) -> WrapValidator:
    """Annotate a field that must be one of `options`; otherwise report `message`."""

    def wrap(value: Any, handler: Callable[[Any], Any]) -> Any:
        try:
            known = value in options
        except TypeError:  # a list or mapping cannot be one of the options
            known = False
        if not known:
            raise PydanticCustomError("content", message.replace("{value!r}", repr(value)))
        return handler(value)

    return WrapValidator(wrap)


def filled(message: str) -> WrapValidator:
    """Annotate a list, mapping or text that must not be empty; an empty one is reported as `message`."""

    def wrap(value: Any, handler: Callable[[Any], Any]) -> Any:
        if isinstance(value, list | tuple | dict | str) and not value:
            raise PydanticCustomError("content", message)
        return handler(value)

    return WrapValidator(wrap)


def matches(pattern: str, message: str) -> WrapValidator:
    """Annotate a text field that must match the regular expression `pattern` in full."""
    compiled = re.compile(pattern)
    return one_of(_Matching(compiled), message)


class _Matching:
    def __init__(self, compiled: re.Pattern[str]) -> None:
        self.compiled = compiled

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and self.compiled.fullmatch(value) is not None


def _one_line(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("content", "must be non-empty text")
    return " ".join(value.split())


def _stripped(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("content", "must be non-empty text")
    return value.strip()


#: non-empty text on one line: runs of spaces and line breaks become single spaces
Words = Annotated[Text, AfterValidator(_one_line), says("must be non-empty text")]
#: non-empty text as written, less the spaces and line breaks around it
Stripped = Annotated[Text, AfterValidator(_stripped), says("must be non-empty text")]


def dotted(path: PathKey) -> str:
    """Render a value path as text, e.g. ("rules", 3, "weight") -> "rules[3].weight"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def check(model: type[M], data: Any, document: Document, path: PathKey = ()) -> M:
    """Return `data` (found at `path` in `document`) as a `model`; raise ContentFileError if it does not fit.

    `data` may also be plain values given in code: pass ``Document(name, data)``, which has no lines.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContentFileError([problem_of(error, data, document, path) for error in exc.errors()]) from None


def problem_of(error: Mapping[str, Any], data: Any, document: Document, base: PathKey = ()) -> Problem:
    """Turn one pydantic error about `data` into a Problem at the line of the value it is about."""
    loc = value_path(data, error["loc"])
    if error["type"] in {"missing", "union_tag_invalid", "union_tag_not_found"}:
        loc += (error["loc"][-1],) if error["type"] == "missing" else (_discriminator(error),)
    path = base + loc
    return Problem(document.file, document.line(path), plain_message(error), dotted(path))


def value_path(data: Any, loc: tuple[Any, ...]) -> PathKey:
    """Return the part of pydantic's error location that names keys and indexes present in `data`.

    pydantic also names the branch of a union it tried (a tag such as "free_text", or a type);
    those are not in the data and are left out, so the path leads to a line of the file.
    """
    path: list[Any] = []
    for part in loc:
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(data, list | tuple) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            continue
        path.append(part)
    return tuple(path)


def _discriminator(error: Mapping[str, Any]) -> str:
    return str((error.get("ctx") or {}).get("discriminator", "kind")).strip("'")


_MESSAGES = {
    "extra_forbidden": "unknown key",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "float_type": "must be a number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
}


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def plain_message(error: Mapping[str, Any]) -> str:
    """Say what is wrong with a value in plain words."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "missing":
        return "is missing"
    if kind == "union_tag_invalid":
        return f"unknown {_discriminator(error)} {ctx.get('tag')!r} (use one of {ctx.get('expected_tags')})"
    if kind == "union_tag_not_found":
        return "is missing"
    if kind == "content":
        return str(error["msg"])
    if kind == "literal_error":
        return f"{error.get('input')!r} is not one of {ctx.get('expected', '')}"
    if kind == "greater_than_equal":
        return f"must be at least {_number(ctx['ge'])}"
    if kind == "greater_than":
        return f"must be above {_number(ctx['gt'])}"
    if kind == "less_than_equal":
        return f"must be at most {_number(ctx['le'])}"
    if kind == "less_than":
        return f"must be below {_number(ctx['lt'])}"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s)"
    if kind == "string_too_short":
        return "must be non-empty text"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return str(error["msg"])
