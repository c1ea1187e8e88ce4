"""Collect the strings marked for translation in the project's templates and Python code.

Templates are turned into Python-like text by Django's own `templatize` (what `makemessages` uses,
so `{% translate %}` and every form of `{% blocktranslate %}` give the same msgid as at run time);
the calls in that text and in Python modules are read with `tokenize` and `ast`. GNU gettext is
not needed.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation.template import templatize

# name -> (position of the context argument or None, position of msgid, position of the plural or None)
CALLS: dict[str, tuple[int | None, int, int | None]] = {
    "gettext": (None, 0, None),
    "_": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
# `{% translate "a \\"quoted\\" word" %}`: Django's templatize cuts such a string at the first \\" (so
# makemessages does too), but at run time the tag looks up the whole text with the quotes unescaped.
ESCAPED_QUOTES = re.compile(r'\{%\s*(?:translate|trans)\s+"((?:[^"\\]|\\.)*\\"(?:[^"\\]|\\.)*)"')
SKIP_PARTS = {"migrations", "__pycache__", "static", "locale"}


@dataclass
class Found:
    """One marked string and where it is used."""

    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    references: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _from_args(name: str, args: list[object], where: str) -> Found | None:
    ctx_at, id_at, plural_at = CALLS[name]
    needed = max(i for i in (ctx_at, id_at, plural_at) if i is not None)
    if len(args) <= needed:
        return None
    values = [args[i] if i is not None else None for i in (ctx_at, id_at, plural_at)]
    if not all(isinstance(v, str) for v in values if v is not None) or values[1] is None:
        return None
    ctx, msgid, plural = (v if isinstance(v, str) else None for v in values)
    if not msgid:
        return None
    return Found(msgid=msgid, msgctxt=ctx, msgid_plural=plural, references=[where])


def from_python(source: str, path: str) -> list[Found]:
    """Marked strings in a Python module: calls of gettext, _, ngettext, pgettext... with literal text."""
    found = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in CALLS:
            continue
        args: list[object] = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        item = _from_args(name, args, f"{path}:{node.lineno}")
        if item is not None:
            found.append(item)
    return found


def from_template(source: str, path: str) -> list[Found]:
    """Marked strings in a Django template, read the way `makemessages` reads them."""
    # Indentation means nothing here, and tokenize would refuse it: each line starts at the margin.
    text = "\n".join(line.lstrip() for line in templatize(source).splitlines()) + "\n"
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
              if t.type in (tokenize.NAME, tokenize.STRING, tokenize.OP, tokenize.NUMBER)]
    found = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == tokenize.NAME and token.string in CALLS and i + 1 < len(tokens) and tokens[i + 1].string == "(":
            args: list[object] = []
            j = i + 2
            depth = 1
            current: object = None
            while j < len(tokens) and depth:
                t = tokens[j]
                if t.string in "([{" and t.type == tokenize.OP:
                    depth += 1
                elif t.string in ")]}" and t.type == tokenize.OP:
                    depth -= 1
                    if depth == 0:
                        args.append(current)
                        break
                elif t.string == "," and depth == 1:
                    args.append(current)
                    current = None
                elif t.type == tokenize.STRING and depth == 1:
                    value = ast.literal_eval(t.string)
                    current = (current if isinstance(current, str) else "") + value
                j += 1
            item = _from_args(token.string, args, f"{path}:{token.start[0]}")
            if item is not None and not item.msgid.endswith("\\"):  # a string templatize cut short (below)
                found.append(item)
            i = j
        i += 1
    for match in ESCAPED_QUOTES.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        text = match.group(1).replace('\\"', '"').replace("\\\\", "\\")
        found.append(Found(msgid=text, references=[f"{path}:{line}"]))
    return found


def _wanted(path: Path, root: Path) -> bool:
    parts = set(path.relative_to(root).parts)
    return not (parts & SKIP_PARTS)


def collect(root: Path, package: str = "openipt") -> list[Found]:
    """Every marked string in the package under `root`, merged by (context, msgid), sorted by first use."""
    base = root / package
    merged: dict[tuple[str | None, str], Found] = {}
    files = sorted(p for p in base.rglob("*") if p.suffix in (".py", ".html", ".txt") and _wanted(p, root))
    for path in files:
        rel = path.relative_to(root).as_posix()
        source = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            items = from_python(source, rel)
        elif "/templates/" in f"/{rel}":
            items = from_template(source, rel)
        else:
            continue
        for item in items:
            existing = merged.get(item.key)
            if existing is None:
                merged[item.key] = item
            else:
                existing.references.extend(item.references)
                if existing.msgid_plural is None and item.msgid_plural is not None:
                    existing.msgid_plural = item.msgid_plural
    return list(merged.values())
