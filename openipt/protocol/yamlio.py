"""Read YAML and Markdown front matter while keeping the line each value came from.

Content files are written by people at clinics, so every error must point at a file and a
line. PyYAML's node marks carry positions; this module keeps them on the mappings and lists it
builds, per key and per item, so that later checks (and merges of content packs) can still say
where a value was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from .errors import ContentError


@dataclass(frozen=True)
class Loc:
    """A place in a content file: the file's path and a 1-based line number."""

    file: str
    line: int


class LocDict(dict):
    """A mapping that remembers where it starts and where each of its keys was written."""

    def __init__(self, *args: Any, loc: Loc | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loc: Loc = loc or Loc("<unknown>", 0)
        self.key_locs: dict[str, Loc] = {}

    def loc_of(self, key: str) -> Loc:
        """Return where `key` was written, or where the mapping starts when it is absent."""
        return self.key_locs.get(key, self.loc)


class LocList(list):
    """A list that remembers where it starts and where each item was written."""

    def __init__(self, *args: Any, loc: Loc | None = None) -> None:
        super().__init__(*args)
        self.loc: Loc = loc or Loc("<unknown>", 0)
        self.item_locs: list[Loc] = []

    def loc_of(self, index: int) -> Loc:
        """Return where item `index` was written."""
        if 0 <= index < len(self.item_locs):
            return self.item_locs[index]
        return self.loc


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parses faster; marks are the same


class _LocLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that builds LocDict/LocList and collects duplicate keys."""

    file_label: str = "<unknown>"
    line_offset: int = 0
    problems: list[ContentError]


def _mark_loc(loader: _LocLoader, node: yaml.Node) -> Loc:
    return Loc(loader.file_label, node.start_mark.line + 1 + loader.line_offset)


def _construct_mapping(loader: _LocLoader, node: yaml.MappingNode) -> LocDict:
    loader.flatten_mapping(node)
    result = LocDict(loc=_mark_loc(loader, node))
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key_loc = _mark_loc(loader, key_node)
        if not isinstance(key, str):
            loader.problems.append(
                ContentError(key_loc.file, key_loc.line, f"a key must be text, not {key!r}")
            )
            key = str(key)
        if key in result:
            loader.problems.append(
                ContentError(key_loc.file, key_loc.line, f"duplicate key '{key}' in the same mapping")
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_locs[key] = key_loc
    return result


def _construct_sequence(loader: _LocLoader, node: yaml.SequenceNode) -> LocList:
    result = LocList(loc=_mark_loc(loader, node))
    for child in node.value:
        result.append(loader.construct_object(child, deep=True))
        result.item_locs.append(_mark_loc(loader, child))
    return result


_LocLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LocLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, file_label: str, line_offset: int = 0) -> tuple[Any, list[ContentError]]:
    """Parse YAML text into LocDict/LocList values; return (data, problems)."""
    loader = _LocLoader(text)
    loader.file_label = file_label
    loader.line_offset = line_offset
    loader.problems = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark is not None else 0
        problem = exc.problem or exc.context or "not valid YAML"
        return None, [ContentError(file_label, line, f"not valid YAML: {problem}")]
    except yaml.YAMLError as exc:
        return None, [ContentError(file_label, 0, f"not valid YAML: {exc}")]
    finally:
        loader.dispose()
    return data, loader.problems


@dataclass(frozen=True)
class MarkdownDoc:
    """A Markdown file split into its front matter (a LocDict) and its body."""

    meta: LocDict | None
    body: str
    loc: Loc


def load_markdown(text: str, file_label: str) -> tuple[MarkdownDoc | None, list[ContentError]]:
    """Split `---` front matter from a Markdown body and parse the front matter as YAML."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None, [ContentError(file_label, 1, "a topic must start with '---' front matter")]
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            front = "".join(lines[1:index])
            body = "".join(lines[index + 1 :]).strip() + "\n"
            break
    else:
        return None, [ContentError(file_label, 1, "the front matter has no closing '---' line")]
    meta, problems = load_yaml(front, file_label, line_offset=1)
    if problems:
        return None, problems
    if not isinstance(meta, LocDict):
        return None, [ContentError(file_label, 2, "the front matter must be a mapping of keys to values")]
    return MarkdownDoc(meta=meta, body=body, loc=Loc(file_label, 1)), []
