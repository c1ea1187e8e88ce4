"""The consent form's text as HTML: a small, safe format that admins can write in a plain text box.

A line starting with `## ` is a heading, lines starting with `- ` are a list, and a blank line
starts a new paragraph. Everything is escaped; nothing else is read as markup.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def form_html(body: str, heading_level: int = 2) -> SafeString:
    """Return the body of a consent form as HTML headings, paragraphs and lists."""
    out: list[str] = []
    para: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if para:
            out.append(f"<p>{escape(' '.join(para))}</p>")
            para.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>")
            items.clear()

    level = max(2, min(heading_level, 6))
    for raw in (body or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## ") or line.startswith("# "):
            flush()
            out.append(f"<h{level}>{escape(line.lstrip('#').strip())}</h{level}>")
        elif line.startswith("- "):
            if para:
                flush()
            items.append(line[2:].strip())
        elif items and raw.startswith(" "):
            items[-1] = f"{items[-1]} {line}"
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return mark_safe("\n".join(out))  # noqa: S308 - every piece of text above is escaped
