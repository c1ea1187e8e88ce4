"""One toolkit for content files: a YAML reader that keeps file and line, and pydantic schemas.

Every content family (protocol packs, instruments, suggestion rules, analyser rules, risk
patterns and risk rules) reads its files with ``parse_yaml``/``load_file`` and reports mistakes
as ``Problem``s ("file:line: field: message"). Pure Python: no Django here.
"""

from .frontmatter import MarkdownDoc, load_markdown
from .schema import (
    ContentModel,
    Flag,
    Number,
    Stripped,
    Text,
    Whole,
    Words,
    check,
    dotted,
    filled,
    matches,
    one_of,
    plain_message,
    says,
    value_path,
)
from .yamlload import (
    ContentFileError,
    Document,
    Loc,
    LocDict,
    LocList,
    PathKey,
    Problem,
    load_file,
    load_yaml,
    parse_yaml,
    read_text,
)

__all__ = [
    "ContentFileError",
    "ContentModel",
    "Document",
    "Flag",
    "Number",
    "Stripped",
    "Text",
    "Whole",
    "Words",
    "Loc",
    "LocDict",
    "LocList",
    "MarkdownDoc",
    "PathKey",
    "Problem",
    "check",
    "dotted",
    "filled",
    "load_file",
    "load_markdown",
    "load_yaml",
    "matches",
    "one_of",
    "parse_yaml",
    "plain_message",
    "read_text",
    "says",
    "value_path",
]
