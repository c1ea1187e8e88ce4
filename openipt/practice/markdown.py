"""A small, safe Markdown reader for the protocol's client reading.

It knows what the reading uses: headings, paragraphs, bulleted and numbered lists, block quotes,
**bold**, *italic* and links to https:// or site addresses. Everything is HTML-escaped first,
so a topic file can never put markup, scripts or styles on a client's page. No Django import.
"""

from __future__ import annotations

import html
import re

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_QUOTE = re.compile(r"^\s*>\s?(.*)$")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*]+?)(?<=\S)\*(?![*\w])|(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])")
_LINK = re.compile(r"\[([^\]\n]{1,200})\]\(([^)\s]{1,500})\)")
_SAFE_URL = re.compile(r"^(https://|/(?!/)|#)")


def _inline(text: str) -> str:
    out = html.escape(text, quote=True)

    def link(m: re.Match) -> str:
        label, url = m.group(1), html.unescape(m.group(2))
        if not _SAFE_URL.match(url):
            return label
        return f'<a href="{html.escape(url, quote=True)}">{label}</a>'

    out = _LINK.sub(link, out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    out = _ITALIC.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", out)
    return out


def render(text: str, *, top: int = 2) -> str:
    """Return safe HTML for Markdown text; headings start at level `top` (the page has the h1)."""
    if not isinstance(text, str):
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[str] = []
    para: list[str] = []
    items: list[str] = []
    list_tag = ""
    quote: list[str] = []

    def flush_para():
        if para:
            blocks.append("<p>" + _inline(" ".join(s.strip() for s in para)) + "</p>")
            para.clear()

    def flush_list():
        nonlocal list_tag
        if items:
            blocks.append(f"<{list_tag}>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + f"</{list_tag}>")
            items.clear()
        list_tag = ""

    def flush_quote():
        if quote:
            blocks.append("<blockquote><p>" + _inline(" ".join(quote)) + "</p></blockquote>")
            quote.clear()

    def flush_all():
        flush_para()
        flush_list()
        flush_quote()

    for line in lines:
        if not line.strip():
            flush_all()
            continue
        heading = _HEADING.match(line)
        if heading:
            flush_all()
            level = min(6, max(top, top + len(heading.group(1)) - 2))
            blocks.append(f"<h{level}>{_inline(heading.group(2).strip().rstrip('#').strip())}</h{level}>")
            continue
        bullet, number = _BULLET.match(line), _NUMBER.match(line)
        marked = bullet or number
        if marked:
            tag = "ul" if bullet else "ol"
            flush_para()
            flush_quote()
            if list_tag and list_tag != tag:
                flush_list()
            list_tag = tag
            items.append(marked.group(1).strip())
            continue
        quoted = _QUOTE.match(line)
        if quoted:
            flush_para()
            flush_list()
            quote.append(quoted.group(1).strip())
            continue
        if items and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()  # a list item carried onto the next line
            continue
        flush_list()
        flush_quote()
        para.append(line)
    flush_all()
    return "\n".join(blocks)
