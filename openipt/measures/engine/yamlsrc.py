"""Read a YAML file and remember the line of every key and list entry.

PyYAML drops positions once it builds Python objects, but the validator must say which
line of an instrument file is wrong. We compose the node tree (which keeps marks), build
the data from it, and keep a map from data path to line number. Duplicate keys, which
PyYAML would silently accept, are refused here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from .errors import InstrumentFileError

PathKey = tuple[Any, ...]


class LineMap:
    """Line numbers (1-based) of the keys and list entries of one YAML document."""

    def __init__(self, lines: dict[PathKey, int]):
        self._lines = lines

    def line(self, path: Iterable[Any]) -> int | None:
        """Return the line of a path, or of its nearest enclosing path that has one."""
        key = tuple(path)
        while key:
            if key in self._lines:
                return self._lines[key]
            key = key[:-1]
        return self._lines.get((), None)


def read_yaml(path: Path) -> tuple[Any, LineMap]:
    """Parse one YAML file into (data, line map); raise InstrumentFileError if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentFileError(path, [(None, f"cannot read file: {exc}")]) from exc
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InstrumentFileError(path, [(1, "the file is empty")])
        lines: dict[PathKey, int] = {}
        problems: list[tuple[int | None, str]] = []
        _index(node, (), lines, problems)
        if problems:
            raise InstrumentFileError(path, problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InstrumentFileError(path, [(line, f"not valid YAML: {exc.problem or exc}")]) from exc
    except yaml.YAMLError as exc:
        raise InstrumentFileError(path, [(None, f"not valid YAML: {exc}")]) from exc
    finally:
        loader.dispose()
    return data, LineMap(lines)


def _index(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], problems: list) -> None:
    """Record the line of every key/entry under node and report duplicate keys."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append((line, f"duplicate key '{key}' (first given on line {seen[key]})"))
                continue
            seen[key] = line
            lines[path + (key,)] = line
            _index(value_node, path + (key,), lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            lines[path + (i,)] = child.start_mark.line + 1
            _index(child, path + (i,), lines, problems)
