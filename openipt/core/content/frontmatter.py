"""Split a Markdown file into its YAML front matter (with lines) and its body."""

from __future__ import annotations

from dataclasses import dataclass

from .yamlload import Loc, LocDict, Problem, parse_yaml


@dataclass(frozen=True)
class MarkdownDoc:
    """A Markdown file split into its front matter (a LocDict) and its body."""

    meta: LocDict | None
    body: str
    loc: Loc


def load_markdown(text: str, file: str) -> tuple[MarkdownDoc | None, list[Problem]]:
    """Parse the `---` front matter of a Markdown text; return (document, problems)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None, [Problem(file, 1, "the file must start with '---' front matter")]
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            front = "".join(lines[1:index])
            body = "".join(lines[index + 1 :]).strip() + "\n"
            break
    else:
        return None, [Problem(file, 1, "the front matter has no closing '---' line")]
    document, problems = parse_yaml(front, file, line_offset=1)
    if problems:
        return None, problems
    if not isinstance(document.data, LocDict):
        return None, [Problem(file, 2, "the front matter must be a mapping of keys to values")]
    return MarkdownDoc(meta=document.data, body=body, loc=Loc(file, 1)), []
