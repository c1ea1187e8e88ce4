"""Read YAML content while keeping the file and line of every mapping, list and value.

Protocol content, instruments, suggestion rules, analyser rules and risk patterns are written
by people, so every mistake must point at a file and a line. PyYAML knows positions only while
it composes the node tree; this module builds plain values from that tree itself and keeps, for
every value, where it was written: on the mappings and lists (``LocDict``/``LocList``, which are
ordinary ``dict``/``list`` values) and in a flat map from value path to line (``Document``).

Keys are always text, taken as written (PyYAML would read ``no:`` as false and ``2:`` as a
number). Mistakes PyYAML would let through are problems here: a key given twice (PyYAML keeps
the last one silently), a mapping or list used as a key, and merge keys (``<<``), which hide
where a value came from. Loading never stops at the first problem; it returns every one it found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[Any, ...]

_MERGE_TAG = "tag:yaml.org,2002:merge"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml composes faster; the marks are the same


@dataclass(frozen=True)
class Loc:
    """A place in a content file: the file's path and a 1-based line number."""

    file: str
    line: int


@dataclass(frozen=True)
class Problem:
    """One mistake in a content file: where it is, which field (a dotted path) and what is wrong."""

    file: str
    line: int | None
    message: str
    field: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {what}{self.message}"


class ContentFileError(ValueError):
    """A content file cannot be used; carries every problem found, each naming file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class LocDict(dict[str, Any]):
    """A mapping that remembers where it starts and where each key and its value were written."""

    def __init__(self, *args: Any, loc: Loc | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loc: Loc = loc or Loc("<unknown>", 0)
        self.key_locs: dict[str, Loc] = {}
        self.value_locs: dict[str, Loc] = {}

    def loc_of(self, key: str) -> Loc:
        """Return where `key` was written, or where the mapping starts when it is absent."""
        return self.key_locs.get(key, self.loc)

    def value_loc_of(self, key: str) -> Loc:
        """Return where the value under `key` starts, or where the mapping starts when it is absent."""
        return self.value_locs.get(key, self.loc)


class LocList(list[Any]):
    """A list that remembers where it starts and where each item was written."""

    def __init__(self, *args: Any, loc: Loc | None = None) -> None:
        super().__init__(*args)
        self.loc: Loc = loc or Loc("<unknown>", 0)
        self.item_locs: list[Loc] = []

    def loc_of(self, index: int) -> Loc:
        """Return where item `index` was written, or where the list starts."""
        if isinstance(index, int) and 0 <= index < len(self.item_locs):
            return self.item_locs[index]
        return self.loc


@dataclass
class Document:
    """The values read from one YAML text, and the line (1-based) of every value path in it.

    A path is a tuple of keys and list indexes, e.g. ``("rules", 3, "weight")``; the line of a
    mapping entry is the line of its key, which is where a person looks for it.
    """

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line(self, path: PathKey = ()) -> int | None:
        """Return the line of the value at `path`, or of its nearest enclosing value."""
        probe = tuple(path)
        while probe and probe not in self.lines:
            probe = probe[:-1]
        return self.lines.get(probe)

    def where(self, path: PathKey = ()) -> str:
        """Return "file:line" for the value at `path` (just the file when no line is known)."""
        line = self.line(path)
        return f"{self.file}:{line}" if line else self.file


class _Builder:
    """Turn a composed node tree into LocDict/LocList/scalars, recording lines and problems."""

    def __init__(self, file: str, line_offset: int) -> None:
        self.file = file
        self.offset = line_offset
        self.lines: dict[PathKey, int] = {}
        self.problems: list[Problem] = []
        self._scalars = yaml.constructor.SafeConstructor()

    def loc(self, node: yaml.Node) -> Loc:
        return Loc(self.file, node.start_mark.line + 1 + self.offset)

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.lines.setdefault(path, self.loc(node).line)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            items = LocList(loc=self.loc(node))
            for index, child in enumerate(node.value):
                items.append(self.build(child, path + (index,)))
                items.item_locs.append(self.loc(child))
            return items
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> LocDict:
        result = LocDict(loc=self.loc(node))
        for key_node, value_node in node.value:
            key_loc = self.loc(key_node)
            key = self._key(key_node, key_loc)
            if key is None:
                continue
            if key in result:
                first = result.key_locs[key].line
                self._problem(key_loc, f"duplicate key '{key}' (first given on line {first})")
                continue
            self.lines[path + (key,)] = key_loc.line
            result[key] = self.build(value_node, path + (key,))
            result.key_locs[key] = key_loc
            result.value_locs[key] = self.loc(value_node)
        return result

    def _key(self, node: yaml.Node, loc: Loc) -> str | None:
        if node.tag == _MERGE_TAG:
            self._problem(loc, "merge keys (<<) are not supported: write the values out")
            return None
        if not isinstance(node, yaml.ScalarNode):
            self._problem(loc, "a key must be a word or text, not a mapping or list")
            return None
        return str(node.value)  # as written: `no:` is the word "no" and `2:` the text "2", never false or 2

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self._scalars.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._problem(self.loc(node), f"not valid YAML: {exc}")
            return None
        except (ValueError, OverflowError):  # a number too long to read, say 5,000 digits
            self._problem(self.loc(node), "a value that cannot be read as a number (too long?)")
            return None

    def _problem(self, loc: Loc, message: str) -> None:
        self.problems.append(Problem(loc.file, loc.line, message))


def parse_yaml(text: str, file: str, line_offset: int = 0) -> tuple[Document, list[Problem]]:
    """Parse YAML text; return the document and every problem found (none when it is sound).

    An empty text gives a document whose data is None; `line_offset` is added to every line
    (front matter starts below the file's first line).
    """
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = exc.problem or exc.context or str(exc)
        return Document(file, None), [Problem(file, line, f"not valid YAML: {problem}")]
    except yaml.YAMLError as exc:
        return Document(file, None), [Problem(file, None, f"not valid YAML: {exc}")]
    if node is None:
        return Document(file, None, {(): 1 + line_offset}), []
    builder = _Builder(file, line_offset)
    data = builder.build(node, ())
    return Document(file, data, builder.lines), builder.problems


def load_yaml(text: str, file: str) -> Document:
    """Parse YAML text; raise ContentFileError listing every problem when it is not sound."""
    document, problems = parse_yaml(text, file)
    if problems:
        raise ContentFileError(problems)
    return document


def read_text(path: str | Path, file: str | None = None) -> str:
    """Return a content file's text; raise ContentFileError naming the file when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentFileError([Problem(file or str(path), None, f"cannot read the file ({exc})")]) from exc


def load_file(path: str | Path, file: str | None = None) -> Document:
    """Read and parse one YAML file, named `file` in messages (its path by default)."""
    label = file or str(path)
    return load_yaml(read_text(path, label), label)
