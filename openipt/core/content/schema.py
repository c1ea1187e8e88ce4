"""Declare the shape of content with pydantic models and report mistakes by file and line.

A content family declares its schema as ``ContentModel`` subclasses whose fields use the strict
scalar types below (text is never read as a number, nor a number as text) and which refuse
unknown keys; lists may be declared as tuples. ``check`` validates loaded values against a model and
turns pydantic's errors into ``Problem``s that name the file, the line (from the ``Document``),
the field as a dotted path such as ``rules[3].weight``, and the mistake in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Strict, ValidationError

from .yamlload import ContentFileError, Document, PathKey, Problem

M = TypeVar("M", bound=BaseModel)


Text = Annotated[str, Strict()]
Whole = Annotated[int, Strict()]
Number = Annotated[float, Strict()]  # a whole number is a number too
Flag = Annotated[bool, Strict()]


class ContentModel(BaseModel):
    """Base of every content schema: no unknown keys, frozen once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def dotted(path: PathKey) -> str:
    """Render a value path as text, e.g. ("rules", 3, "weight") -> "rules[3].weight"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def check(model: type[M], data: Any, document: Document, path: PathKey = (), **context: Any) -> M:
    """Return `data` (found at `path` in `document`) as a `model`; raise ContentFileError if it does not fit."""
    try:
        return model.model_validate(data, context=context or None)
    except ValidationError as exc:
        raise ContentFileError([problem_of(error, document, path) for error in exc.errors()]) from None


def problem_of(error: Mapping[str, Any], document: Document, base: PathKey = ()) -> Problem:
    """Turn one pydantic error into a Problem at the line of the value it is about."""
    loc = tuple(part for part in error["loc"] if not _is_union_branch(part))
    path = base + loc
    if error["type"] == "missing":
        path, name = path[:-1], path[-1]
        return Problem(document.file, document.line(path), f"missing key '{name}'", dotted(path))
    return Problem(document.file, document.line(path), plain_message(error), dotted(path))


def _is_union_branch(part: Any) -> bool:
    # pydantic names the branch of a union it tried (e.g. "list[str]"); it is not a key
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "float", "bool"})


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
