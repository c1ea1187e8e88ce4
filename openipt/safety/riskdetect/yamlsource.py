"""Read YAML data files while remembering the line of every value.

The risk patterns and risk rules are clinical data that people edit by hand. When one of them is
wrong, the error must say which file and which line, so this module turns a YAML document into
plain dicts and lists that also carry line numbers (1-based). It also refuses duplicate keys,
which PyYAML would otherwise silently overwrite.
"""

from __future__ import annotations

from typing import Any

import yaml


class DataError(ValueError):
    """A data file (or data given as dicts) broke the schema; says where and which field."""

    def __init__(self, message: str, *, source: str, line: int | None = None, field: str | None = None):
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        where = source if line is None else f"{source}, line {line}"
        what = f"{field}: " if field else ""
        super().__init__(f"{where}: {what}{message}")


class LineDict(dict):
    """A dict from YAML with the line of the mapping and of each key's value."""

    line: int | None = None
    key_lines: dict[str, int]

    def __init__(self, *args: Any, line: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = line
        self.key_lines = {}

    def line_of(self, key: str) -> int | None:
        """Return the line of the value under key, or of the mapping itself."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list from YAML with the line of the sequence and of each item."""

    line: int | None = None
    item_lines: list[int]

    def __init__(self, *args: Any, line: int | None = None) -> None:
        super().__init__(*args)
        self.line = line
        self.item_lines = []

    def line_of(self, index: int) -> int | None:
        """Return the line of the item at index, or of the sequence itself."""
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


def line_of(container: Any, key: Any) -> int | None:
    """Return the line of container[key] when the container knows it, else None."""
    finder = getattr(container, "line_of", None)
    if finder is None:
        return None
    return finder(key)


def load_yaml(text: str, source: str) -> Any:
    """Parse YAML text into LineDict/LineList/scalars; raise DataError on bad YAML."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _convert(loader, node, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise DataError(f"not valid YAML ({exc.problem or exc.context})", source=source, line=line) from exc
    except yaml.YAMLError as exc:
        raise DataError(f"not valid YAML ({exc})", source=source) from exc
    finally:
        loader.dispose()


def _convert(loader: yaml.SafeLoader, node: yaml.Node, source: str) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = LineDict(line=line)
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise DataError("merge keys (<<) are not supported", source=source, line=line)
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise DataError(
                    "this key appears twice in the same mapping",
                    source=source,
                    line=key_node.start_mark.line + 1,
                    field=key,
                )
            result[key] = _convert(loader, value_node, source)
            result.key_lines[key] = value_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        result_list = LineList(line=line)
        for item in node.value:
            result_list.append(_convert(loader, item, source))
            result_list.item_lines.append(item.start_mark.line + 1)
        return result_list
    return loader.construct_object(node, deep=True)
