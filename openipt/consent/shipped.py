"""The consent form that comes with OpenIPT, written in our own plain words (content/default_en.md).

The first line (`# ...`) is the title; the rest is the body in the small text format the form pages
read (see `openipt/consent/present.py`). An organisation's first version of the form is a copy of
this text, made the first time one is needed; after that it changes only when an admin publishes a
new version.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

CONTENT = Path(__file__).parent / "content"


@cache
def default_form(language: str = "en") -> tuple[str, str]:
    """Return the (title, body) of the shipped form in a language (English when there is none in it)."""
    path = CONTENT / f"default_{language}.md"
    if not path.exists():
        path = CONTENT / "default_en.md"
    text = path.read_text(encoding="utf-8").strip()
    first, _newline, rest = text.partition("\n")
    return first.lstrip("#").strip(), rest.strip()
