"""Load YAML data files while keeping the line of every value, for clear error messages.

Content files (patterns, scenarios) are written by people, so a mistake must point at the
file and line where it is. PyYAML's composer gives each node a start mark; this module turns
the node tree into plain Python values and records a line for every path inside it.
Duplicate mapping keys, which plain `yaml.safe_load` silently accepts, are errors here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[Any, ...]


class DataError(ValueError):
    """A content file is malformed; the message names the file and, where known, the line."""

    def __init__(self, problems: Iterable[str]):
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class Source:
    """Plain data loaded from one YAML file plus the line of each value (1-based)."""

    name: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line(self, path: PathKey) -> int | None:
        """Return the line of the value at `path`, or of its nearest known parent."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get(())

    def where(self, path: PathKey) -> str:
        """Return "file:line" for the value at `path`."""
        line = self.line(path)
        return f"{self.name}:{line}" if line is not None else self.name


class _Builder:
    """Turn a composed YAML node tree into Python values, recording lines."""

    def __init__(self, name: str):
        self.name = name
        self.lines: dict[PathKey, int] = {}
        self.problems: list[str] = []
        self._constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(f"{self.name}:{key_node.start_mark.line + 1}: keys must be plain words")
                    continue
                key = self._scalar(key_node)
                if key in out:
                    self.problems.append(f"{self.name}:{key_node.start_mark.line + 1}: duplicate key {key!r}")
                    continue
                out[key] = self.build(value_node, path + (key,))
                # point at the key's line: for a nested block that is where the entry starts
                self.lines[path + (key,)] = key_node.start_mark.line + 1
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.problems.append(f"{self.name}:{node.start_mark.line + 1}: {exc}")
            return None


def load_text(text: str, name: str) -> Source:
    """Parse YAML text into a Source; raise DataError naming `name` and the line on failure."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise DataError([f"{name}{line}: not valid YAML: {exc.problem or exc}"]) from None
    except yaml.YAMLError as exc:
        raise DataError([f"{name}: not valid YAML: {exc}"]) from None
    if node is None:
        return Source(name=name, data=None, lines={(): 1})
    builder = _Builder(name)
    data = builder.build(node, ())
    if builder.problems:
        raise DataError(builder.problems)
    return Source(name=name, data=data, lines=builder.lines)


def load_file(path: str | Path) -> Source:
    """Read and parse one YAML file; raise DataError naming the file on any failure."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([f"{path}: cannot read: {exc}"]) from None
    return load_text(text, str(path))
