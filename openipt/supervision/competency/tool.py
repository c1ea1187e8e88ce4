"""Read the competency tools: the shipped file in `tools/` and any a site adds, each checked before use.

A tool file names its schema, id, version and title, the four levels, and the items; each item has an id, a
section ("common" or "ipt"), a title, and what is seen at each of the four levels. Every mistake stops the load
with `file:line: field: message` (the content toolkit's `ContentFileError`), never a tool half read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field

from openipt.core.content import (
    ContentFileError,
    ContentModel,
    Problem,
    Text,
    Words,
    check,
    filled,
    load_file,
    matches,
    one_of,
)

SCHEMA = "openipt-competency-tool/1"
SHIPPED_DIR = Path(__file__).with_name("tools")
DEFAULT_TOOL = "ipt-group-facilitator"
LEVELS = (1, 2, 3, 4)
HARMFUL = 1
SECTIONS = ("common", "ipt")

Ident = Annotated[
    Text, matches(r"[a-z][a-z0-9_-]{0,59}", "must be a short id of lower-case letters, digits, - or _")
]


class ItemSpec(ContentModel):
    id: Ident
    section: Annotated[Text, one_of(SECTIONS, "must be common or ipt, not {value!r}")]
    title: Words
    levels: Annotated[dict[str, Words], filled("must list what is seen at levels 1 to 4")]


class ToolSpec(ContentModel):
    schema_: Annotated[Text, one_of((SCHEMA,), f"must be {SCHEMA!r}")] = Field(alias="schema")
    id: Ident
    version: Annotated[Text, filled('must be text such as "1.0"')]
    title: Words
    levels: Annotated[dict[str, Words], filled("must name levels 1 to 4")]
    items: Annotated[tuple[ItemSpec, ...], filled("must list at least one item")]


@dataclass(frozen=True)
class Item:
    id: str
    section: str
    title: str
    levels: Mapping[int, str]  # level -> what is seen


@dataclass(frozen=True)
class Tool:
    id: str
    version: str
    title: str
    levels: Mapping[int, str]  # level -> its name
    items: tuple[Item, ...]
    file: str

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)


def parse(path: Path, name: str | None = None) -> Tool:
    """Read and check one tool file; raise ContentFileError naming the file, line and field of each mistake."""
    document = load_file(path, name)
    data = document.data
    if not isinstance(data, Mapping):
        raise ContentFileError(
            [Problem(document.file, 1, "must be a mapping with schema, id, version, title, levels and items")]
        )
    spec = check(ToolSpec, data, document)
    problems: list[Problem] = []
    wanted = {str(level) for level in LEVELS}
    if set(spec.levels) != wanted:
        problems.append(
            Problem(
                document.file, document.line(("levels",)), "must name exactly levels 1, 2, 3 and 4", "levels"
            )
        )
    seen: set[str] = set()
    for index, item in enumerate(spec.items):
        if item.id in seen:
            problems.append(
                Problem(
                    document.file,
                    document.line(("items", index, "id")),
                    f"the id {item.id!r} is used twice",
                    f"items[{index}].id",
                )
            )
        seen.add(item.id)
        if set(item.levels) != wanted:
            problems.append(
                Problem(
                    document.file,
                    document.line(("items", index, "levels")),
                    "must describe exactly levels 1, 2, 3 and 4",
                    f"items[{index}].levels",
                )
            )
    if problems:
        raise ContentFileError(problems)
    return Tool(
        spec.id,
        spec.version.strip(),
        spec.title,
        {int(k): v for k, v in spec.levels.items()},
        tuple(Item(i.id, i.section, i.title, {int(k): v for k, v in i.levels.items()}) for i in spec.items),
        document.file,
    )


def load_tools(extra_dirs: Iterable[str | Path] = ()) -> dict[str, Tool]:
    """Every tool: the shipped ones, then a site's (`*.yaml` in `extra_dirs`). A site's tool may not reuse the id
    of one already loaded; a directory that does not exist is skipped."""
    tools: dict[str, Tool] = {}
    for directory in (SHIPPED_DIR, *(Path(d) for d in extra_dirs)):
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.yaml")):
            tool = parse(path)
            if tool.id in tools:
                raise ContentFileError(
                    [
                        Problem(
                            tool.file,
                            None,
                            f"the tool id {tool.id!r} is already used by {tools[tool.id].file}",
                            "id",
                        )
                    ]
                )
            tools[tool.id] = tool
    return tools


@lru_cache(maxsize=4)
def cached_tools(extra_dirs: tuple[str, ...] = ()) -> dict[str, Tool]:
    """`load_tools`, read once per process for the same directories."""
    return load_tools(extra_dirs)
