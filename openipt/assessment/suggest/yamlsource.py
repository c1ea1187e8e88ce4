"""Read YAML data files while remembering the line each value came from.

Clinics tune the suggestion rules and edit the formulation templates by hand. When they get
something wrong the message must say where: ``rules.yaml:41: rules[3].weight: must be a number``.
PyYAML knows each node's position only while composing, so we compose the node tree ourselves,
build plain Python values from it, and keep a map from value path to line number.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

Path = tuple[str | int, ...]


class DataFileError(ValueError):
    """A data file that cannot be read or does not follow its schema."""


def dotted(path: Path) -> str:
    """Render a value path as text, e.g. ("rules", 3, "weight") -> "rules[3].weight"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def load_yaml(text: str, source: str) -> tuple[Any, dict[Path, int]]:
    """Parse YAML text; return (data, lines) where lines maps each value path to its 1-based line."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DataFileError(f"{source}:1: the file is empty")
        lines: dict[Path, int] = {}
        data = _build(loader, node, (), lines, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise DataFileError(f"{source}:{line}: not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"{source}: not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    return data, lines


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path, lines: dict[Path, int], source: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise DataFileError(f"{source}:{key_node.start_mark.line + 1}: {dotted(path)}: keys must be text")
            if key in out:
                raise DataFileError(f"{source}:{key_node.start_mark.line + 1}: {dotted(path + (key,))}: "
                                    "appears twice")
            out[key] = _build(loader, value_node, path + (key,), lines, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), lines, source) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


class Schema:
    """Check loaded YAML values, raising DataFileError that names file, line and path."""

    def __init__(self, source: str, lines: Mapping[Path, int]):
        self.source = source
        self.lines = lines

    def fail(self, path: Path, message: str) -> DataFileError:
        """Build an error for the value at path (the nearest known line is used)."""
        probe = path
        while probe and probe not in self.lines:
            probe = probe[:-1]
        line = self.lines.get(probe, 1)
        return DataFileError(f"{self.source}:{line}: {dotted(path)}: {message}")

    def mapping(self, value: Any, path: Path, required: Iterable[str] = (), optional: Iterable[str] = (),
                open_keys: bool = False) -> dict:
        """Return value if it is a mapping with the required keys and no unexpected ones."""
        if not isinstance(value, dict):
            raise self.fail(path, "must be a mapping")
        required = set(required)
        for key in sorted(required - set(value)):
            raise self.fail(path, f"missing key {key!r}")
        if not open_keys:
            for key in value:
                if key not in required and key not in set(optional):
                    raise self.fail(path + (key,), "unknown key")
        return value

    def seq(self, value: Any, path: Path, min_len: int = 0) -> list:
        """Return value if it is a list of at least min_len items."""
        if not isinstance(value, list):
            raise self.fail(path, "must be a list")
        if len(value) < min_len:
            raise self.fail(path, f"must have at least {min_len} item(s)")
        return value

    def number(self, value: Any, path: Path, minimum: float | None = None, maximum: float | None = None) -> float:
        """Return value as a float if it is a number within the bounds."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, "must be a number")
        if minimum is not None and value < minimum:
            raise self.fail(path, f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise self.fail(path, f"must be at most {maximum}")
        return float(value)

    def integer(self, value: Any, path: Path, minimum: int = 0) -> int:
        """Return value if it is a whole number at least minimum."""
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(path, f"must be a whole number of at least {minimum}")
        return value

    def text(self, value: Any, path: Path) -> str:
        """Return value if it is non-empty text."""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "must be non-empty text")
        return value

    def choice(self, value: Any, path: Path, options: Iterable[str]) -> str:
        """Return value if it is one of options."""
        options = tuple(options)
        if value not in options:
            raise self.fail(path, f"{value!r} is not one of {', '.join(options)}")
        return value

    def template(self, value: Any, path: Path, allowed: Iterable[str]) -> str:
        """Return value if it is text whose {placeholders} are all allowed."""
        text = self.text(value, path)
        allowed = set(allowed)
        try:
            fields = [f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None]
        except ValueError as exc:
            raise self.fail(path, f"bad placeholder syntax ({exc})") from None
        for name in fields:
            if name not in allowed:
                raise self.fail(path, f"unknown placeholder {{{name}}}; allowed: "
                                      f"{', '.join('{' + a + '}' for a in sorted(allowed)) or 'none'}")
        return text
