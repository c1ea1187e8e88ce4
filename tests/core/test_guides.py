"""The getting-started guide leads a new user to every other guide, and promises nothing shipped."""

import re
from pathlib import Path

GUIDES = Path(__file__).resolve().parents[2] / "docs" / "guides"


def test_getting_started_links_every_guide_and_promises_no_shipped_feature():
    text = (GUIDES / "getting-started.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([a-z-]+\.md)\)", text))
    others = {p.name for p in GUIDES.glob("*.md")} - {"getting-started.md"}
    assert others <= linked, f"guides not linked: {sorted(others - linked)}"
    assert not re.search(r"later releases? (will )?add", text, re.IGNORECASE)
