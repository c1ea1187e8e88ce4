"""Reading the pages a test gets back."""

from __future__ import annotations

import html
import re


def text(response) -> str:
    """The page as plain text: tags kept, whitespace collapsed, entities decoded."""
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))
